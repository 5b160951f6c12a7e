"""The environment a city sets for the production settings (geo_meldpunt.settings.production), for tests that run
the app with them in a child process: a secret of the strength `check --deploy` asks for, host names, and the test
database (never the development one)."""

from __future__ import annotations

import os

from django.db import connections

PRODUCTION_SECRET_KEY = "x7#kq2!Lm9@vT4$wZp8^Rb3&Nf6*Hc1(Yd5)Gs0_Je-Ua+Ko=Qi{Xl}Wt[Ev]Br"
PRODUCTION_HOST = "meldpunt.example.be"


# Set by the browser tests for their own process (tests/browser/conftest.py); no city sets it, and check --deploy
# rightly refuses it.
NOT_IN_PRODUCTION = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def production_environment(**overrides: str) -> dict[str, str]:
    return {
        **{name: value for name, value in os.environ.items() if name not in NOT_IN_PRODUCTION},
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.production",
        "MELDPUNT_SECRET_KEY": PRODUCTION_SECRET_KEY,
        "MELDPUNT_ALLOWED_HOSTS": f"testserver,{PRODUCTION_HOST},127.0.0.1",
        "MELDPUNT_PUBLIC_URL": f"https://{PRODUCTION_HOST}",
        "MELDPUNT_DB_NAME": connections["default"].settings_dict["NAME"],
        **overrides,
    }
