"""Insight for planners: read-only aggregates over reports (counts, timeliness, heat cells) and their upkeep.

Stands beside notifications and feedback: report services tell it what changed (cell upkeep in the changing
transaction); it reads reports' models and never calls a report service.
"""
