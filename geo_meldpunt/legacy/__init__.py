"""Importing the reports kept before the meldpunt (paper signal cards typed into spreadsheets, old registers).

Like `reference/`, it stands above what it loads: nothing in the domain imports it. The writing is the report
service `report_import`; this app reads the file (CSV or .xlsx), maps its columns and values with a mapping file
(mapping.py), resolves names to categories and departments and addresses to places with the local geocoder
(rows.py), and runs the rows one transaction each, dry by default, writing a rejects file (importing.py), for the
management command and the admin's upload page (admin.py).
docs/legacy-import.md describes the mapping file; fixtures/legacy/ holds an example.
"""
