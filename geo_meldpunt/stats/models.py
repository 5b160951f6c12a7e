"""Stored aggregates (heat cells per grid size, kind, category, status group and month)."""
