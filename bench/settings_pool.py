"""The local settings with Django 5.2's psycopg connection pool instead of persistent connections (bench only).

bench_floor.py --db-pool N serves the project with these to compare: each worker process keeps a pool of up to N
connections shared by its threads (psycopg_pool; Django requires CONN_MAX_AGE 0 with a pool).
"""

import os

from geo_meldpunt.settings.local import *  # noqa: F403
from geo_meldpunt.settings.local import DATABASES

_max = int(os.environ.get("MELDPUNT_BENCH_POOL_MAX", "4"))
DATABASES["default"] = {
    **DATABASES["default"],
    "CONN_MAX_AGE": 0,
    "OPTIONS": {**DATABASES["default"]["OPTIONS"], "pool": {"min_size": 1, "max_size": _max, "timeout": 10}},
}
