"""Demo data for a developer's machine and the benchmarks: bulk reports and one staff account per role.

Development tooling, not domain: it stands above the other apps and uses their models and services, and
nothing in geo_meldpunt imports it.
"""
