"""Export everything the meldpunt holds about one reporter (by e-mail address) as JSON, and record the export."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.privacy.models import PrivacyRecord
from geo_meldpunt.privacy.services import reporter_export


def staff_member(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user named {username!r}.") from error


class Command(BaseCommand):
    help = "Export one reporter's data (reports, follows, surveys, e-mails) as JSON; the export is recorded."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the reporter's e-mail address")
        parser.add_argument("--output", help="write the JSON to this file (default: standard output)")
        parser.add_argument("--by", help="user name of the employee handling the request (recorded)")
        parser.add_argument("--reason", default="", help="the request's file number or a short note (recorded)")

    def handle(self, *args, email, output, by, reason, **options):
        try:
            data, record = reporter_export(
                email=email, by=staff_member(by), via=PrivacyRecord.Via.COMMAND, reason=reason
            )
        except ValueError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Written to {output}; record {record.pk}.")
        else:
            self.stdout.write(text)
