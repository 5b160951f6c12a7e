"""The production settings as a city runs them: `check --deploy` is clean, and gunicorn behind the project's nginx
configuration (deploy/nginx/) serves the pages, their static files (WhiteNoise) and the photos (nginx, /media/).

Both servers run on loopback ports this test picks, with the test database; nothing else is contacted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template

import pytest
from django.core.files.base import ContentFile

from geo_meldpunt.reports.models import ReportPhoto
from tests.factories import ReportFactory, image_bytes
from tests.production import PRODUCTION_HOST, production_environment

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_check_deploy_is_clean_under_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(MELDPUNT_ALLOWED_HOSTS=PRODUCTION_HOST),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # The warnings the issue found are gone for a reason, not silenced: HSTS (W004) and the SSL redirect (W008).
    assert "W004" not in result.stdout + result.stderr and "W008" not in result.stdout + result.stderr


def test_check_deploy_names_a_missing_hsts_when_a_city_turns_it_off():
    """The check really runs with these settings: turning HSTS off brings its warning back."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(MELDPUNT_ALLOWED_HOSTS=PRODUCTION_HOST, MELDPUNT_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


# --- gunicorn and nginx -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped: {process.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port} within {seconds} s")


def fetch(url: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects, as the TLS proxy in front would pass it on (X-Forwarded-Proto)."""
    headers = {"Host": PRODUCTION_HOST, **({"X-Forwarded-Proto": "https"} if https else {})}

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def nginx_main_config(tmp: Path, server_block: str) -> str:
    """The server block of deploy/nginx/ inside a minimal main configuration with every path in `tmp`."""
    temp = "\n".join(
        f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as "nobody", who may not read pytest's private temporary directories.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
        f"events {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp}\n"
        f"{server_block}\n}}\n"
    )


@pytest.fixture
def production_servers(reference_data_reloaded, production_static_root, settings, tmp_path):
    """gunicorn with the production settings, and nginx with deploy/nginx/meldpunt.conf.template in front of it."""
    app_port, proxy_port = free_port(), free_port()
    environment = production_environment(
        MELDPUNT_STATIC_ROOT=str(production_static_root), MELDPUNT_MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "geo_meldpunt.wsgi", "-b", f"127.0.0.1:{app_port}", "-w", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    server_block = Template((ROOT / "deploy" / "nginx" / "meldpunt.conf.template").read_text()).safe_substitute(
        MELDPUNT_PROXY_LISTEN=f"127.0.0.1:{proxy_port}",
        MELDPUNT_UPSTREAM=f"127.0.0.1:{app_port}",
        MELDPUNT_MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    config = nginx_dir / "nginx.conf"
    config.write_text(nginx_main_config(nginx_dir, server_block))
    nginx = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(nginx_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(app_port, gunicorn)
        wait_for_port(proxy_port, nginx)
        yield {"app": f"http://127.0.0.1:{app_port}", "proxy": f"http://127.0.0.1:{proxy_port}"}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_map_scripts_and_a_photo_link_answer_under_the_production_settings(production_servers, settings):
    report = ReportFactory()
    jpeg = image_bytes(size=(40, 30))
    photo = ReportPhoto.objects.create(report=report, image=ContentFile(jpeg, name="a1b2c3.jpg"), size=len(jpeg))
    proxy = production_servers["proxy"]

    status, headers, body = fetch(proxy + "/kaart/")
    assert status == 200
    # The page's own headers as production sends them.
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', body.decode())
    assert any(re.search(r"/static/maps/js/kaart\.[0-9a-f]{12}\.js$", src) for src in scripts), scripts
    assert any("leaflet" in src for src in scripts), scripts
    for src in scripts:
        status, headers, script = fetch(proxy + src)
        assert status == 200, src
        assert "javascript" in headers["Content-Type"], src
        assert script, src
        # Hashed names never change content: WhiteNoise lets browsers keep them for good.
        assert "immutable" in headers.get("Cache-Control", ""), src

    status, headers, stored = fetch(proxy + photo.image.url)
    assert status == 200, photo.image.url
    assert headers["Content-Type"] == "image/jpeg"
    assert stored == photo.image.read()

    # The same photo link through the app alone is not served by Django (the web server in front does that).
    assert fetch(production_servers["app"] + photo.image.url)[0] == 404


def test_plain_http_is_sent_to_https_in_production(production_servers):
    status, headers, _body = fetch(production_servers["proxy"] + "/kaart/", https=False)

    assert status == 301
    assert headers["Location"] == f"https://{PRODUCTION_HOST}/kaart/"


def test_a_city_points_the_photos_at_s3_compatible_storage_with_environment_variables():
    """The settings a city writes reach Django's STORAGES and the CSP's img-src (the storage is not contacted)."""
    program = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default'], settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env=production_environment(
            MELDPUNT_MEDIA_S3_BUCKET="meldpunt-fotos",
            MELDPUNT_MEDIA_S3_ENDPOINT_URL="https://s3.example.be",
            MELDPUNT_MEDIA_S3_REGION="be-west",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    storage, img_src = json.loads(result.stdout.strip().splitlines()[-1])

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "meldpunt-fotos",
        "https://s3.example.be",
        "be-west",
    )
    assert options["querystring_auth"] is True  # signed links: the bucket stays private
    assert "https://s3.example.be" in img_src
