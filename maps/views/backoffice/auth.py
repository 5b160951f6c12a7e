"""Logging in and out of the back office: Django's own views with the back office's template."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
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
