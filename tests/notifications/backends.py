"""A local e-mail backend for tests: refuses the first `failures` sends with an SMTP error, then delivers to
Django's locmem outbox. It stands in for a mail server that is briefly unreachable."""

from __future__ import annotations

import smtplib

from django.core.mail.backends import locmem


class FailingBackend(locmem.EmailBackend):
    failures = 0  # set by the test; counts down across connections

    def send_messages(self, messages):
        if FailingBackend.failures > 0:
            FailingBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test backend)")
        return super().send_messages(messages)
