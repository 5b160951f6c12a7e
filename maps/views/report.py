"""The citizen's report flow ("meld iets"). Filled in by the report-flow work."""

from django.shortcuts import render


def meld(request):
    return render(request, "maps/meld.html")
