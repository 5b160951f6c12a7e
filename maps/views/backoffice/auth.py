"""Logging in and out of the back office: Django's own views with the back office's template."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

login = auth_views.LoginView.as_view(
    template_name="maps/backoffice/login.html",
    redirect_authenticated_user=True,
    next_page=reverse_lazy("backoffice:queue"),
    # LoginView puts the host name in `site_name`; the page header shows the meldpunt's name instead.
    extra_context={"site_name": settings.MELDPUNT_SITE_NAME},
)
# POST only (Django 5): the menu's log-out button is a form.
logout = auth_views.LogoutView.as_view(next_page=reverse_lazy("backoffice:login"))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers to a login that is locked out (AXES_LOCKOUT_CALLABLE), on the staff login and in
    the admin alike: the back office's page saying so and for how long, 429 with Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "maps/backoffice/locked_out.html",
        {"minutes": max(1, math.ceil(seconds / 60)), "site_name": settings.MELDPUNT_SITE_NAME},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
