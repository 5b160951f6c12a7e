"""Recurring hotspots: places where reports of the same category keep coming back, month after month.

Detection is one set-based query (selectors.py): density clustering per category on Lambert 72 coordinates, then
recurrence across months. A weekly job (tasks.py) stores a snapshot and keeps each hotspot's identity across weeks
(matching.py), so a planner can record a structural action on a hotspot and compare the months before and after.
Reads reports' models; never calls a report service. Nothing of the domain imports it; interfaces do.
"""
