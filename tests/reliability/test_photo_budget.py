"""The photo budget against a real gunicorn (2 sync workers, the repository's gunicorn.conf.py) on loopback.

Issue 11: a 7,700 x 7,700 PNG sent five times held a worker 14 s and grew it from 176 MB to 953 MB, and two such
requests made an unrelated GET wait 30 s. In a loop of rounds, two of those requests and a decompression bomb
are sent at once while a third thread keeps asking the public list: every photo request is answered 400 "too many
pixels" within a bounded time, the GETs stay fast, and neither worker's peak memory grows. A phone's 12 MP photos
are still accepted, by the same server.
"""

import json
import threading
import time

import pytest

from tests.factories import WAPENPLEIN, CategoryFactory
from tests.photo_samples import jpeg_of, png_7700, png_of_zeros

from .server import gunicorn, memory_kb, multipart, request

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
PHOTO_ANSWER_S = 5.0  # a refusal reads headers only: well under a second on a quiet machine
GET_MAX_S = 3.0  # a GET waits at most for one refusal when both workers are busy
HWM_GROWTH_MB = 60


def report_form(category_slug: str, photos: list[tuple[str, bytes, str]]) -> tuple[bytes, dict]:
    fields = {"kind": "melding", "category": category_slug, "lat": str(WAPENPLEIN[1]), "lon": str(WAPENPLEIN[0]),
              "description": "Kapotte bank."}  # fmt: skip
    return multipart(fields, [("photos", name, data, ctype) for name, data, ctype in photos])


def test_photo_bombs_are_refused_quickly_while_a_parallel_get_stays_fast(tmp_path, reference_data_reloaded):
    category = CategoryFactory()
    pngs = report_form(category.slug, [(f"tegel{i}.png", png_7700(), "image/png") for i in range(5)])
    bomb = report_form(category.slug, [("bom.png", png_of_zeros(20_000, 20_000), "image/png")])

    with gunicorn(tmp_path) as server:
        workers = server.worker_pids()
        for _ in range(3):  # warm both workers up: imports, translations, connections
            request(f"{server.url}/api/v1/reports/?page_size=5")
        baseline = {pid: memory_kb(pid, "VmHWM") for pid in workers}

        gets: list[float] = []
        stop = threading.Event()

        def keep_getting():
            while not stop.is_set():
                answer = request(f"{server.url}/api/v1/reports/?page_size=5")
                gets.append(answer.seconds if answer.status == 200 else float("inf"))  # a failed GET fails below

        getter = threading.Thread(target=keep_getting)
        getter.start()
        answers: list = []  # list.append is atomic: the threads share it
        try:
            for _ in range(ROUNDS):
                before = len(gets)
                threads = [
                    threading.Thread(target=lambda body=body: answers.append(
                        request(f"{server.url}/api/v1/reports/", data=body[0], headers=body[1])))
                    for body in (pngs, pngs, bomb)
                ]  # fmt: skip
                for thread in threads:
                    thread.start()
                # At least one GET answered in each round, however quickly the photos are refused.
                deadline = time.monotonic() + 10
                while len(gets) == before and time.monotonic() < deadline:
                    time.sleep(0.01)
                for thread in threads:
                    thread.join()
        finally:
            stop.set()
            getter.join()
        peaks = {pid: memory_kb(pid, "VmHWM") for pid in workers}

        # The same server still takes a phone's photos.
        photos = report_form(category.slug, [(f"IMG_{i}.jpg", jpeg_of(4032, 3024), "image/jpeg") for i in range(5)])
        accepted = request(f"{server.url}/api/v1/reports/", data=photos[0], headers=photos[1])

    assert len(answers) == 3 * ROUNDS
    for answer in answers:
        assert answer.status == 400, answer.body[:500]
        assert "te veel pixels" in json.loads(answer.body)["photos"][0]
        assert answer.seconds < PHOTO_ANSWER_S, [a.seconds for a in answers]
    assert len(gets) >= ROUNDS
    assert max(gets) < GET_MAX_S, sorted(gets)[-5:]
    for pid in workers:
        assert (peaks[pid] - baseline[pid]) / 1024 < HWM_GROWTH_MB, (baseline, peaks)
    assert accepted.status == 201, accepted.body[:500]
    print(  # the figures, for the record (pytest -s)
        f"photo refusals: max {max(a.seconds for a in answers):.2f} s; parallel GETs: {len(gets)}, "
        f"max {max(gets):.2f} s; worker peak growth (MB): "
        + ", ".join(f"{(peaks[p] - baseline[p]) / 1024:.1f}" for p in workers)
    )
