"""Reference data: a city's departments, zones, categories, routing rules and addresses, loaded from a folder.

An app of its own because the loader writes into zones, reports and geocoding: it stands above them, so they
never import it, and zones, which the others build on, imports none of them.
"""
