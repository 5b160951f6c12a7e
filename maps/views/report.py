"""The citizen's report flow ("meld iets"): one page, five steps and a confirmation, run by maps/static/maps/js/meld.js.

The page itself holds no form logic: it renders the steps, the settings the script needs and every text the
script shows, translated here so that the lead's message catalogues cover the script too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from geo_meldpunt.core.languages import current_language
from geo_meldpunt.reports.models import Kind
from geo_meldpunt.reports.services import KINDS_NEEDING_EMAIL, KINDS_NEEDING_LOCATION
from geo_meldpunt.staff import roles

# Zoom when the pin is set from a position (my location, an address, a photo): close enough to drag it precisely.
PIN_ZOOM = 17

# One plain sentence per kind: the reporter decides what it is, so each must be clear without the others.
KIND_EXPLANATIONS = {
    Kind.MELDING: gettext_noop("Something in the street needs attention: a pothole, litter, a broken street lamp."),
    Kind.KLACHT: gettext_noop("You are not satisfied with how the city treated you or handled something."),
    Kind.SUGGESTIE: gettext_noop("You have an idea to make the city better."),
    Kind.COMPLIMENT: gettext_noop("You want to thank the city or one of its staff."),
}

# The felt-impact scale, 1 to 5: the reporter's own weight, not the city's.
IMPACT_LABELS = {
    1: gettext_noop("Hardly"),
    2: gettext_noop("A little"),
    3: gettext_noop("Fairly"),
    4: gettext_noop("A lot"),
    5: gettext_noop("Very much"),
}


def meld_kinds() -> list[dict]:
    return [
        {"value": kind.value, "label": str(kind.label).capitalize(), "explanation": _(KIND_EXPLANATIONS[kind])}
        for kind in Kind
    ]


def meld_impacts() -> list[dict]:
    return [{"value": value, "label": _(label)} for value, label in IMPACT_LABELS.items()]


def staff_reporter(user) -> dict | None:
    """A logged-in city employee (any meldpunt role, or the admin's is_staff) reports as staff: on the staff channel,
    their account the reporter, no contact details to type. None for everyone else (a citizen's /meld/)."""
    if not roles.is_employee(user):
        return None
    return {"name": roles.display_name(user), "email": user.email}


def meld_config(request) -> dict:
    """What the script needs to know: where the API is, the page's language, the rules it explains, limits.

    The map itself (base layer, start view) comes from map_config (maps/mapconfig.py), as on every page.
    """
    return {
        "language": current_language(),
        "csrf_token": get_token(request),
        "urls": {
            "categories": reverse("api-categories"),
            "compliment_departments": reverse("api-compliment-departments"),
            "reports": reverse("api-reports"),
            "nearby": reverse("api-reports-nearby"),
            "follow": reverse("api-report-follow", kwargs={"reference": "REFERENCE"}),
            "routing_preview": reverse("api-routing-preview"),
            "geocode": reverse("api-geocode"),
            "geocode_reverse": reverse("api-geocode-reverse"),
        },
        "map": {"pin_zoom": PIN_ZOOM},
        # The services' rules, so the page says in advance what the API would refuse.
        "kinds_needing_location": [kind.value for kind in KINDS_NEEDING_LOCATION],
        "kinds_needing_email": [kind.value for kind in KINDS_NEEDING_EMAIL],
        "description_max_length": settings.REPORTS_DESCRIPTION_MAX_LENGTH,
        "photo_max_count": settings.REPORTS_PHOTO_MAX_COUNT,
        "photo_max_bytes": settings.REPORTS_PHOTO_MAX_BYTES,
        # Set for a logged-in employee: the page sends channel "staff" and no contact details (the API takes the
        # account's); null for a citizen.
        "staff": staff_reporter(request.user),
    }


def plural_forms(translate: Callable[[int], str]) -> dict[str, str]:
    """Both forms for the script, which picks one with Intl.PluralRules (as kaart.js does).

    `translate` is `lambda n: ngettext("... %(count)s ...", "...", n)`: the literal texts stay in an ngettext call,
    where makemessages finds them (passed through variables they were never extracted, so never translated).
    """
    return {"one": translate(1), "other": translate(2)}


def meld_strings() -> dict:
    """Every text the script shows. Placeholders are %(name)s, as in the other page scripts; the script fills them
    in. Counted texts come as {"one", "other"}."""
    return {
        # Steps
        "choose_kind": _("Choose what you want to report."),
        "choose_location": _(
            "Show on the map where it is: click or tap the map, use your location or search an address."
        ),
        "location_checking": _("Checking the place…"),
        "choose_category": _("Choose a category."),
        "give_description": _("Describe what is going on."),
        # Location
        "location_map_label": _("Map: click or tap where it is"),
        "pin_alt": _("Your pin"),
        "pin_placed": _("The pin is placed. You can drag it to the exact spot."),
        "address_near": _("Address: %(address)s"),
        "address_none": _("No address is known close to the pin; the pin itself tells us where it is."),
        "address_unavailable": _("The address could not be looked up; the pin itself tells us where it is."),
        "accuracy": _("Your location is known to within %(metres)s m."),
        "accuracy_poor": _("Your location is known only to within %(metres)s m: check the pin and drag it if needed."),
        "geo_locating": _("Looking for your location…"),
        "geo_denied": _(
            "Your browser did not give us your location. Click or tap the map, or search an address instead."
        ),
        "geo_unavailable": _("Your location could not be found. Click or tap the map, or search an address instead."),
        "geo_unsupported": _("This browser cannot share your location. Click or tap the map, or search an address."),
        "search_empty": _("Type a street and a house number."),
        "searching": _("Searching…"),
        "search_none": _("No address found. Check the spelling or click the map instead."),
        "search_results": plural_forms(
            lambda n: ngettext("%(count)s address found. Choose it.", "%(count)s addresses found. Choose one.", n)
        ),
        "search_failed": _("Searching addresses does not work right now. Click or tap the map instead."),
        "no_location_chosen": _("No place: this is not about one place in the city."),
        # Category
        "categories_failed": _("The categories could not be loaded. Check your connection and reload the page."),
        "categories_count": plural_forms(lambda n: ngettext("%(count)s category", "%(count)s categories", n)),
        "categories_none": _("No category matches. Try another word or clear the search."),
        "other_in_group": _("Something else about “%(name)s”"),
        "handled_by": _("This goes to: %(department)s."),
        # Duplicates
        "duplicates_map_label": _("Map of the open reports close by"),
        "duplicates_found": plural_forms(
            lambda n: ngettext(
                "%(count)s open report in this category is close by. Is it yours?",
                "%(count)s open reports in this category are close by. Is yours one of them?",
                n,
            )
        ),
        "duplicate_distance": _("%(distance)s away"),
        "duplicate_reported": _("reported %(age)s"),
        "duplicate_status": _("status: %(status)s"),
        "follow_this": _("This is my problem too"),
        "follow_email_label": _("Your e-mail address"),
        "follow_email_hint": _("We only use it to tell you when this report is answered."),
        "follow_submit": _("Follow this report"),
        "follow_cancel": _("Cancel"),
        "follow_done_title": _("You are following report %(reference)s"),
        "follow_next": _(
            "You do not need to file a new report: the department already has this one. Your name is not added "
            "to it and nothing about you is made public."
        ),
        "duplicate_marker": _("Open report %(reference)s"),
        # Details
        "characters_left": _("%(count)s characters left"),
        "photo_alt": _("Photo %(number)s: %(name)s"),
        "photo_remove": _("Remove photo %(number)s"),
        "photos_max": _("You can add at most %(max)s photos."),  # max is always more than one
        "photo_not_image": _("“%(name)s” is not a photo (JPEG, PNG or WebP)."),
        "photo_too_large": _("“%(name)s” is larger than %(max)s MB."),
        "photo_location_title": _("This photo carries the place where it was taken."),
        "photo_location_question": _("Use the photo's location for the pin?"),
        "photo_location_far": _("It is %(distance)s from your pin."),
        "photo_location_use": _("Use the photo's location"),
        "photo_location_ignore": _("No, keep my pin"),
        "photo_location_used": _("The pin is now at the place where the photo was taken."),
        "email_required": _("Required for a complaint, so that we can answer you."),
        "email_optional": _("Optional. Leave it if you want to hear what happens with your report."),
        # Sending
        "sending": _("Sending…"),
        "send_failed_network": _("Your report could not be sent: there seems to be no connection."),
        "send_failed_server": _("Your report could not be sent: the city's server has a problem."),
        "send_kept": _(
            "Everything you entered is kept on this device (your photos for as long as this page stays open). "
            "Try again in a moment."
        ),
        "retry": _("Try again"),
        # Draft
        "draft_restored": _("We restored what you entered earlier on this device."),
        "draft_photos_lost": _("Photos cannot be kept when the page reloads: add them again if you want to send them."),
        "draft_discard": _("Start over"),
        # Confirmation
        "done_external": _("%(department)s (outside the city: we passed your report on to them)"),
        "done_email": _("We also sent these details to %(email)s."),
        "done_no_answer_date": _("A compliment gets no answer date: we pass your thanks on to the people concerned."),
        # Generic
        "error_generic": _("Something went wrong. Try again."),
    }


def meld(request):
    config = meld_config(request)
    return render(
        request,
        "maps/meld.html",
        {
            "staff_reporter": config["staff"],
            "kinds": meld_kinds(),
            "impacts": meld_impacts(),
            "description_max_length": settings.REPORTS_DESCRIPTION_MAX_LENGTH,
            "photo_max_count": settings.REPORTS_PHOTO_MAX_COUNT,
            "meld_config": config,
            "meld_strings": meld_strings(),
        },
    )
