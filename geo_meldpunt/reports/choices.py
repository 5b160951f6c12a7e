"""The vocabulary of reports: kinds, channels, statuses and the groups of statuses the rules speak of.

No models here, so pure modules (workflow.py, sla.py) and every layer can use the names without the ORM.
The Dutch status names are the city's; docs/design.md has a glossary.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MELDING = "melding", _("report")
    KLACHT = "klacht", _("complaint")
    SUGGESTIE = "suggestie", _("suggestion")
    COMPLIMENT = "compliment", _("compliment")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    PHONE = "phone", _("phone")
    FIELD = "field", _("field (community warden)")
    STAFF = "staff", _("staff")
    DESK = "desk", _("desk")
    EMAIL = "email", _("e-mail")
    POST = "post", _("post")
    API = "api", _("third-party app")
    # Cases from the register kept before the meldpunt (paper signal cards, spreadsheets), brought in by the
    # legacy import only (geo_meldpunt/legacy): no form or API files a report on this channel.
    LEGACY = "legacy", _("signal card (imported)")


# Channels a citizen may use without logging in; the others are entered by city staff.
PUBLIC_CHANNELS = (Channel.WEB, Channel.API)
# Channels on which the employee is the reporter (a warden in the street, a colleague on /meld/): their account
# supplies name and e-mail, and no acknowledgement is mailed to someone reporting in their own city.
STAFF_REPORTER_CHANNELS = (Channel.FIELD, Channel.STAFF)


class Status(models.TextChoices):
    NIEUW = "nieuw", _("new")
    ONTVANGEN = "ontvangen", _("acknowledged")
    IN_BEHANDELING = "in_behandeling", _("in progress")
    WACHT_OP_MELDER = "wacht_op_melder", _("waiting for the reporter")
    DOORVERWEZEN = "doorverwezen", _("forwarded")
    BEANTWOORD = "beantwoord", _("answered")
    AFGESLOTEN = "afgesloten", _("closed")
    HEROPEND = "heropend", _("reopened")
    SAMENGEVOEGD = "samengevoegd", _("merged")
    NIET_ONTVANKELIJK = "niet_ontvankelijk", _("not admissible")
    DOORGEGEVEN = "doorgegeven", _("passed on")


# Open: still being handled, so a new reporter should follow it rather than file a duplicate.
OPEN_STATUSES = (
    Status.NIEUW,
    Status.ONTVANGEN,
    Status.IN_BEHANDELING,
    Status.WACHT_OP_MELDER,
    Status.DOORVERWEZEN,
    Status.HEROPEND,
)
# Solved: the city answered; the public map shows these for a while so citizens see problems get fixed.
SOLVED_STATUSES = (Status.BEANTWOORD, Status.AFGESLOTEN)
# Every status the public map can show (a solved report only for a while): the predicate of the partial index
# that holds the public list's order.
MAP_STATUSES = (*OPEN_STATUSES, *SOLVED_STATUSES)
# Kinds anyone may see (in a public category): on the public map, its list and clusters, as duplicate candidates, to
# follow by reference, in open data. A melding is about the public space and a suggestie an idea for it; a klacht is
# about the city's service or conduct (often about people) and a compliment about its staff: neither is ever public,
# whatever its category. The stats cells hold the same rule in SQL (stats_kind_public, stats migration
# 0002_mapcell_public_kinds; tests/stats/test_cells.py checks they agree).
PUBLIC_KINDS = (Kind.MELDING, Kind.SUGGESTIE)
# The city owes an answer and its clock runs. Not while waiting for the reporter (the clock is paused), not once
# forwarded to an external body (the reporter was told who took over), not once answered or closed.
ANSWER_CLOCK_STATUSES = (Status.NIEUW, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND)
# Nobody has acknowledged the report yet: the acknowledgement deadline applies only here.
ACKNOWLEDGE_CLOCK_STATUSES = (Status.NIEUW,)
