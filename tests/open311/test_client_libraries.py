"""Two Open311 GeoReport v2 client libraries from the package index, written by others and used unmodified,
against the server over real HTTP (the live server).

- civicbot 0.4.0 (`civicbot.open311.Open311Client`): services, a service definition, a POST (it validates the
  form against the definition first), the request read back by id, by token and in the list. JSON only.
- georeport 0.3.1 (`georeport.GeoReport`): services, a definition, the requests and one request, in XML and in
  JSON. It has no POST and no discovery.
Neither reads discovery, so the discovery file is fetched with civicbot's own HTTP transport, and its endpoint
URL is what both clients are pointed at. (The older clients on the index, open311 1.1 and three 0.8.0, are
Python 2 code: on Python 3.11 `import open311` fails on an implicit relative import and `import three` on
`itertools.ifilter`.)
"""

import pytest
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import CONFIRM_TOKEN, Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from geo_meldpunt.clients.models import ClientApplication
from geo_meldpunt.clients.services import api_key_create
from geo_meldpunt.reports.models import Channel, Report
from tests.factories import CategoryFactory

from .conftest import LAT, LON


@pytest.fixture
def live_site(reference_data_reloaded, transactional_db, live_server):
    return live_server


@pytest.fixture
def setup(live_site):
    application = ClientApplication.objects.create(name="Burgerapp")
    _key, raw = api_key_create(application=application)
    category = CategoryFactory(name_nl="Losliggende tegel", photos_public=True)
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    discovery = transport.get_json(f"{live_site.url}/open311/v2/discovery.json")
    (endpoint,) = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    return {"application": application, "key": raw, "category": category, "url": endpoint["url"], "http": transport}


def test_civicbot_files_a_request_and_reads_it_back(setup):
    category, url = setup["category"], setup["url"]
    client = Open311Client(
        Endpoint(id="oostende", name="Meldpunt Oostende", base_url=url, write=True),
        transport=setup["http"],
        jurisdiction_id="oostende.be",
    )

    services = client.list_services()
    assert category.slug in {s["service_code"] for s in services}
    definition = client.get_service_definition(category.slug)
    assert [a["code"] for a in definition["attributes"]] == ["impact"]

    sent = client.create_request(
        category.slug,
        dry_run=False,
        confirm=CONFIRM_TOKEN,
        api_key=setup["key"],
        validate_remote=True,
        lat=LAT,
        lng=LON,
        description="Losliggende stoeptegel voor het stadhuis.",
        attributes={"impact": "4"},
        email="an.janssens@example.org",
        first_name="An",
        last_name="Janssens",
    )

    (created,) = sent.response
    reference = created["service_request_id"]
    report = Report.objects.get(reference=reference)
    assert report.channel == Channel.API and report.client_application == setup["application"]
    assert report.impact == 4 and report.reporter_name == "An Janssens"
    read = client.get_request(reference)
    assert read["status"] == "open" and read["service_code"] == category.slug
    assert (read["lat"], read["long"]) == (LAT, LON)
    assert client.get_token(created["token"]) == [{"service_request_id": reference, "token": created["token"]}]
    assert [r["service_request_id"] for r in client.list_requests(service_request_ids=[reference])] == [reference]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_georeport_reads_services_and_requests(setup, fmt):
    category, url = setup["category"], setup["url"]
    filed = Open311Client(
        Endpoint(id="oostende", name="Meldpunt Oostende", base_url=url, write=True), transport=setup["http"]
    ).create_request(
        category.slug,
        dry_run=False,
        confirm=CONFIRM_TOKEN,
        api_key=setup["key"],
        lat=LAT,
        lng=LON,
        description="Tegel.",
    )
    reference = filed.response[0]["service_request_id"]
    client = GeoReport(url, jurisdiction="oostende.be", output_format=fmt)

    services = client.get_service_list()
    assert "Losliggende tegel" in {s["service_name"] for s in services}
    definition = client.get_service_definition(category.slug)
    assert definition["service_code"] == category.slug
    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference
    assert one["status"] == "open"
    listed = client.get_service_requests(service_code=category.slug)
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives a lone element as a dict
    assert [r["service_request_id"] for r in listed] == [reference]
