"""Confirming a follower's e-mail address: the page the link in the confirmation mail opens.

The link shows a button and the POST confirms: mail filters and virus scanners open links in mails by themselves,
and a GET that confirmed would let them confirm an address its owner never meant to give.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from geo_meldpunt.reports import selectors, services


@require_http_methods(["GET", "POST"])
def follow_confirm(request, token: str):
    if request.method == "POST":
        follower = services.follower_confirm(token=token)
    else:
        follower = selectors.follower_by_token(token=token)
    if follower is None:
        return render(request, "maps/follow_confirm.html", {"unknown": True}, status=404)
    return render(request, "maps/follow_confirm.html", {"follower": follower, "reference": follower.report.reference})
