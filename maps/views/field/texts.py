"""Every text the field page's script shows, translated here (as maps/views/report.py does for /meld/), so the
message catalogues cover the script too. Placeholders are %(name)s. Counted texts come as {"one", "other"} (the
script picks one with Intl.PluralRules), written out in full so that the message extractor finds both forms."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def field_strings() -> dict:
    return {
        # Connection
        "online": _("Connected."),
        "offline": _("No connection: what you report is kept on this phone and sent when the connection is back."),
        # Place
        "location_map_label": _("Map: click or tap where it is"),
        "pin_alt": _("Your pin"),
        "pin_placed": _("The pin is placed. You can drag it to the exact spot."),
        "geo_locating": _("Looking for your location…"),
        "geo_denied": _("Your phone did not give us your location. Tap the map where it is."),
        "geo_unavailable": _("Your location could not be found. Tap the map where it is."),
        "geo_unsupported": _("This browser cannot share your location. Tap the map where it is."),
        "accuracy": _("Your location is known to within %(metres)s m."),
        "accuracy_poor": _("Your location is known only to within %(metres)s m: check the pin and drag it if needed."),
        "location_checking": _("Checking the place…"),
        "address_near": _("Address: %(address)s"),
        "address_none": _("No address is known close to the pin; the pin itself tells us where it is."),
        "address_unavailable": _("The address could not be looked up; the pin itself tells us where it is."),
        "place_unchecked": _(
            "Without a connection the place cannot be checked now; it is checked when the report is sent."
        ),
        "outside": _("If the problem is in the city after all, drag the pin to it."),
        "no_place": _("Tap the map where it is, or wait for your location."),
        # The form
        "choose_category": _("Choose a category."),
        "photo_alt": _("Photo %(number)s: %(name)s"),
        "photo_remove": _("Remove photo %(number)s"),
        "photos_max": _("You can add at most %(max)s photos."),
        "photo_not_image": _("“%(name)s” is not a photo (JPEG, PNG or WebP)."),
        "photo_too_large": _("“%(name)s” is larger than %(max)s MB."),
        # What the report says when the reporter wrote nothing: the API needs a description.
        "default_description": _("Seen on the spot by city staff."),
        # The queue of reports on this phone
        "kept": _("Kept on this phone. It is sent as soon as there is a connection."),
        "received": _("Report %(reference)s was received."),
        "received_before": _("Report %(reference)s had already been received."),
        "queue_count": {
            "one": ngettext("%(count)s report is waiting to be sent.", "%(count)s reports are waiting to be sent.", 1),
            "other": ngettext(
                "%(count)s report is waiting to be sent.", "%(count)s reports are waiting to be sent.", 2
            ),
        },
        "state_waiting": _("Waiting for a connection"),
        "state_sending": _("Sending…"),
        "state_refused": _("Not accepted"),
        "state_sent": _("Received as %(reference)s"),
        "state_other_user": _("Made by another account on this phone: it is sent when that person logs in."),
        "made_at": _("made %(age)s"),
        "photos_count": {
            "one": ngettext("%(count)s photo", "%(count)s photos", 1),
            "other": ngettext("%(count)s photo", "%(count)s photos", 2),
        },
        "remove": _("Remove"),
        "remove_confirm": _("Remove this report from the phone? The city has not received it."),
        "login_needed": _("Log in again to send the waiting reports. They stay on this phone meanwhile."),
        "server_problem": _("The city's server has a problem. The report stays here and is sent again later."),
        "refused_notice": _("The city did not accept a report: the reason is at the top, under “On this phone”."),
        "storage_failed": _("This phone could not keep the report (storage is full or blocked). It was not saved."),
        # Around me
        "around_count": {
            "one": ngettext(
                "%(count)s open report within %(radius)s m. Already reported?",
                "%(count)s open reports within %(radius)s m. Already reported?",
                1,
            ),
            "other": ngettext(
                "%(count)s open report within %(radius)s m. Already reported?",
                "%(count)s open reports within %(radius)s m. Already reported?",
                2,
            ),
        },
        "around_none": _("No open report within %(radius)s m."),
        "around_offline": _("Without a connection the reports around you cannot be shown."),
        "around_failed": _("The reports around you could not be loaded. Try again."),
        "distance": _("%(distance)s away"),
        "reported_age": _("reported %(age)s"),
        "by_you": _("reported by you"),
        "follow": _("Follow"),
        "following": _("You follow this report: you get an e-mail when it is answered."),
        "add": _("Add photo or note"),
        "add_note_label": _("What do you see now?"),
        "add_photo_label": _("Photo"),
        "add_submit": _("Add to this report"),
        "add_done": _("Added to report %(reference)s."),
        "cancel": _("Cancel"),
        "needs_connection": _("This needs a connection. Try again when you are online."),
        # Mine
        "mine_none": _("You have not reported anything yet."),
        "mine_failed": _("Your reports could not be loaded."),
        "mine_offline": _("Without a connection your reports cannot be shown."),
        # Generic
        "error_generic": _("Something went wrong. Try again."),
    }
