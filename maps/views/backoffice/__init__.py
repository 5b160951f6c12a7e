"""The back office (/behandeling/): staff log in and handle reports according to their role (reports.permissions).

lists.py    the queue (list and map), unroutable reports, compliments, ombudsman cases, statistics page
detail.py   one report's page and the actions on it, each a POST calling one reports service
auth.py     log in and out
selectors.py, forms.py, steps.py, access.py   what those views read, bind, show and allow
"""
