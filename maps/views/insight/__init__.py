"""Insight for planners, management and the coordinator (/inzicht/): figures, never single reports or personal data.

dashboard.py       the dashboard: counts, trends, deadlines met, backlog, satisfaction, ombudsman referrals
yearly.py          the yearly report on complaint handling, to print or save as PDF
exports.py         every figure as CSV, and the list of reports without personal data, streamed
figures.py         the selectors' answers as tables (the page and the CSV read the same rows)
charts.py          the SVG charts' geometry; dashboard_form.py the filters
heatmap.py         /inzicht/kaart/: reports per cell as a heat layer or squares coloured by class, with its table
"""
