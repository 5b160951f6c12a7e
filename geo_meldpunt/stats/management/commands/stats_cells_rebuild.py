"""Rebuild the cell tables from the reports (after changing stats.grid.GRIDS or TIME_ZONE), or only check them.

manage.py stats_cells_rebuild           # rebuild, then check
manage.py stats_cells_rebuild --check   # only compare with a fresh count; exit status 1 on a difference
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.stats import upkeep


class Command(BaseCommand):
    help = "Rebuild the heat and map cells from the reports (set-based SQL), or --check them against a fresh count."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only compare; change nothing.")

    def handle(self, *args, check: bool = False, **options):
        started = time.perf_counter()
        if not check:
            upkeep.cells_rebuild()
            self.stdout.write(f"Rebuilt the cells in {time.perf_counter() - started:.1f} s.")
        differences = upkeep.cells_check()
        for d in differences[:20]:
            self.stdout.write(f"{d.table} {d.key}: stored {d.stored}, fresh {d.fresh}")
        if differences:
            raise CommandError(f"{len(differences)} cells differ from a fresh count.")
        self.stdout.write(f"The cells equal a fresh count ({time.perf_counter() - started:.1f} s).")
