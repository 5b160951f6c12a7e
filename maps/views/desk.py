"""The phone desk and counter (/balie/): an agent enters a report for a caller, on a PC.

One page run by maps/static/maps/js/desk.js. The report is filed through the public API (POST /api/v1/reports/,
session and CSRF, as /meld/ does), so the API's field-by-field errors come back to the agent in the page's
language; duplicates and following are the same API calls as on /meld/. The view only checks who may use the
desk and renders the form, the script's settings and every text the script shows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo_meldpunt.core.languages import current_language
from geo_meldpunt.reports.models import Channel
from geo_meldpunt.reports.services import KINDS_NEEDING_EMAIL, KINDS_NEEDING_LOCATION

from .backoffice.access import forbidden, has_desk, render_page
from .report import PIN_ZOOM, meld_impacts, meld_kinds, plural_forms

# How a caller reached the desk: the channels an agent enters reports from, the most common first.
DESK_CHANNELS = (Channel.PHONE, Channel.DESK, Channel.POST, Channel.EMAIL)


def desk_required(view: Callable) -> Callable:
    """Login first (the back office's login page, then back here); then a role that may use the desk (access.py)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_desk(request.user):
            return forbidden(request, _("Only the phone desk and the meldpunt coordinator can enter reports here."))
        return view(request, *args, **kwargs)

    return wrapped


def desk_channels() -> list[dict]:
    return [{"value": channel.value, "label": str(channel.label).capitalize()} for channel in DESK_CHANNELS]


def desk_languages() -> list[dict]:
    """The languages a caller can be answered in, each named in itself ("Français"), so any agent finds it."""
    return [
        {"value": code, "label": get_language_info(code)["name_local"].capitalize()}
        for code, _name in settings.LANGUAGES
    ]


def desk_config(request: HttpRequest) -> dict:
    return {
        "language": current_language(),
        "csrf_token": get_token(request),
        "urls": {
            "categories": reverse("api-categories"),
            "reports": reverse("api-reports"),
            "nearby": reverse("api-reports-nearby"),
            "follow": reverse("api-report-follow", kwargs={"reference": "REFERENCE"}),
            "routing_preview": reverse("api-routing-preview"),
            "geocode": reverse("api-geocode"),
            "geocode_reverse": reverse("api-geocode-reverse"),
        },
        "map": {"pin_zoom": PIN_ZOOM},
        "kinds_needing_location": [kind.value for kind in KINDS_NEEDING_LOCATION],
        "kinds_needing_email": [kind.value for kind in KINDS_NEEDING_EMAIL],
        # The caller's language named in the page's language, for "the acknowledgement goes out in French".
        "languages": {code: str(get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES},
    }


def desk_strings() -> dict:
    """Every text the script shows; placeholders are %(name)s, counted texts {"one", "other"} (see meld_strings)."""
    return {
        # Place
        "search_empty": _("Type a street and a house number."),
        "searching": _("Searching…"),
        "search_none": _("No address found. Check the spelling, try the street alone, or click the map."),
        "search_results": plural_forms(
            lambda n: ngettext("%(count)s address found. Choose it.", "%(count)s addresses found. Choose one.", n)
        ),
        "search_failed": _("Searching addresses does not work right now. Click the map instead."),
        "location_map_label": _("Map: click where it is, drag the pin to the exact spot"),
        "pin_alt": _("The pin"),
        "location_checking": _("Checking the place…"),
        "address_near": _("Address: %(address)s"),
        "address_none": _("No address is known close to the pin; the pin itself tells us where it is."),
        "address_unavailable": _("The address could not be looked up; the pin itself tells us where it is."),
        "choose_location": _("Find the address or click the map where it is."),
        "no_location_chosen": _("No place: this is not about one place in the city."),
        "handled_by": _("This goes to: %(department)s."),
        # Kind and category
        "choose_kind": _("Choose what the caller wants to report."),
        "choose_category": _("Choose a category."),
        "category_placeholder": _("Choose a category…"),
        "categories_failed": _("The categories could not be loaded. Reload the page."),
        "other_in_group": _("Something else about “%(name)s”"),
        # Details
        "give_description": _("Write down what the caller tells."),
        "email_required": _("Required for a complaint, so that the city can answer it."),
        "email_optional": _(
            "Optional. With it the caller gets the acknowledgement and the answer by e-mail, in their language."
        ),
        # Duplicates
        "duplicates_none": _("No open report of this category close by."),
        "duplicates_found": plural_forms(
            lambda n: ngettext(
                "%(count)s open report of this category is close by. Ask the caller whether it is the same problem.",
                "%(count)s open reports of this category are close by. Ask the caller whether one is the same problem.",
                n,
            )
        ),
        "duplicate_distance": _("%(distance)s away"),
        "duplicate_reported": _("reported %(age)s"),
        "duplicate_status": _("status: %(status)s"),
        "duplicate_marker": _("Open report %(reference)s"),
        "follow_this": _("The caller follows this report"),
        "follow_submit": _("Add the caller as follower"),
        "follow_email_label": _("The caller's e-mail address"),
        "follow_needs_email": _(
            "Following needs the caller's e-mail address: the answer is sent to it. A caller without e-mail "
            "cannot follow; give them the reference %(reference)s to ask about it by phone, or file a new report."
        ),
        "follow_done_title": _("The caller now follows report %(reference)s"),
        "follow_done_text": _("The caller gets an e-mail when this report is answered. No new report was filed."),
        # Filing
        "sending": _("Filing the report…"),
        "send_failed_network": _("The report could not be filed: there seems to be no connection. Try again."),
        "send_failed_server": _("The report could not be filed: the server has a problem. Try again in a moment."),
        "send_invalid": _("The report was not filed. Correct the fields marked below."),
        "send_reused": _(
            "This form was sent before with other details, and the answer was lost: that report may be filed "
            "already. Look for it in the queue; send again to file this one as a new report."
        ),
        "done_email": _("The acknowledgement goes to %(email)s, in %(language)s."),
        "done_no_email": _(
            "The caller gave no e-mail address: no acknowledgement is sent. Read the reference out and ask them to "
            "write it down."
        ),
        "done_no_answer_date": _("A compliment gets no answer date: the thanks are passed on to the people concerned."),
        "done_external": _("%(department)s (outside the city: the report is passed on to them)"),
        "error_generic": _("Something went wrong. Try again."),
    }


@require_GET
@desk_required
def desk(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "maps/desk/page.html",
        {
            "kinds": meld_kinds(),
            "impacts": meld_impacts(),
            "channels": desk_channels(),
            "languages": desk_languages(),
            "description_max_length": settings.REPORTS_DESCRIPTION_MAX_LENGTH,
            "desk_config": desk_config(request),
            "desk_strings": desk_strings(),
        },
    )
