"""gunicorn's settings for the meldpunt (read from the working directory: `gunicorn geo_meldpunt.wsgi`).

Each web worker's memory is bounded (issue 11): photos are decoded within a pixel budget per request
(geo_meldpunt/reports/photos.py), and as a last line RLIMIT_DATA caps a worker's heap at
MELDPUNT_WORKER_MAX_MEMORY_MB (a request that would need more gets a MemoryError, the worker stays up and
serves the next one); workers are also recycled after MELDPUNT_WORKER_MAX_REQUESTS requests (with jitter, so
they do not restart together), which returns memory that fragmentation kept.
"""

import os
import resource

# Two sync workers: one process per core of the 2-core machine, one request at a time each. On that machine more
# processes (3, 4) or threads (gthread, 2 x 2 and 2 x 4) filed no more reports per second and answered the reads
# no faster, while a thread per request would share one worker's memory cap (below) between concurrent photo
# uploads; figures in docs/benchmarks.md, "The request path near its floor (issue 12)". A machine with more cores:
# MELDPUNT_WEB_WORKERS = its cores (PostgreSQL on the same machine needs its share).
workers = int(os.environ.get("MELDPUNT_WEB_WORKERS", "2"))
worker_class = os.environ.get("MELDPUNT_WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("MELDPUNT_WEB_THREADS", "1"))

max_requests = int(os.environ.get("MELDPUNT_WORKER_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# A request that takes longer than this is a stuck worker; the arbiter replaces it.
timeout = int(os.environ.get("MELDPUNT_WORKER_TIMEOUT_S", "60"))

WORKER_MAX_MEMORY_MB = int(os.environ.get("MELDPUNT_WORKER_MAX_MEMORY_MB", "1024"))


def post_fork(server, worker):
    """Cap the worker's data segment (heap and anonymous mappings: where decoded images live). 0: no cap."""
    if WORKER_MAX_MEMORY_MB > 0:
        limit = WORKER_MAX_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
