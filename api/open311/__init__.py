"""The Open311 GeoReport v2 server under /open311/v2/ (docs/open311.md): thin views over the report services.

formats.py renders XML (required by the spec) and JSON, errors included; inputs.py parses what clients send;
outputs.py says what a service, a definition and a service request look like; views.py wires them.
"""
