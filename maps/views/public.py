"""Pages. The citizen's flow and the public map come with their own issue; these are the entry points."""

from django.http import Http404
from django.shortcuts import render

from geo_meldpunt.reports import selectors


def home(request):
    return render(request, "maps/home.html")


def track(request, token: str):
    report = selectors.report_by_token(token=token)
    if report is None:
        raise Http404
    return render(request, "maps/track.html", {"report": report, "history": selectors.report_public_history(report)})


def kaart(request):
    return render(request, "maps/home.html")
