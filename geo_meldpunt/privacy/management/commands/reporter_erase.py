"""Erase one reporter's personal data (by e-mail address) on request. Dry run unless --commit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.privacy.models import PrivacyRecord
from geo_meldpunt.privacy.services import reporter_erase, reporter_erase_preview

from .reporter_export import staff_member


class Command(BaseCommand):
    help = (
        "Erase one reporter's contact data: their reports' contact fields, their follows, survey addresses and "
        "e-mails. Reports and their history stay. Shows what it would clear unless --commit; the erasure is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the reporter's e-mail address")
        parser.add_argument("--commit", action="store_true", help="erase for real (default: only show the counts)")
        parser.add_argument("--by", help="user name of the employee handling the request (recorded)")
        parser.add_argument("--reason", default="", help="the request's file number or a short note (recorded)")

    def handle(self, *args, email, commit, by, reason, **options):
        try:
            counts = reporter_erase_preview(email=email)
        except ValueError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        if not commit:
            self.stdout.write(f"Would clear {summary}. Run again with --commit to erase.")
            return
        record = reporter_erase(email=email, by=staff_member(by), via=PrivacyRecord.Via.COMMAND, reason=reason)
        self.stdout.write(
            f"Erased: reports {record.reports}, followers {record.followers}, surveys {record.surveys}, "
            f"e-mails {record.emails}; record {record.pk}."
        )
