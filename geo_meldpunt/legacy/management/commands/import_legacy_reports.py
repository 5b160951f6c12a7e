from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.legacy.importing import legacy_reports_import
from geo_meldpunt.legacy.mapping import mapping_load
from geo_meldpunt.legacy.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import the reports kept before the meldpunt (paper signal cards, spreadsheets) from a CSV or .xlsx file, "
        "with a mapping file (docs/legacy-import.md). A dry run unless --commit: it says what would be imported "
        "and writes the rejected rows, each with its reason, to a rejects file. Nobody is mailed. Rows imported "
        "before (same original reference) are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the old register: .csv or .xlsx")
        parser.add_argument("--mapping", required=True, help="the mapping file (.json or .toml)")
        parser.add_argument("--commit", action="store_true", help="write the reports (without it: a dry run)")
        parser.add_argument("--rejects", help="where the rejects file goes (default: FILE-rejects.csv beside FILE)")
        parser.add_argument("--user", help="username of the person importing, named in the reports' history")
        parser.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the summary and the reasons in the rejects file (default: the city's)",
        )

    def _stderr_write(self, text: str) -> None:
        self.stderr.write(text, style_func=str, ending="")  # plain: stderr's default style is the error red
        self.stderr.flush()

    def handle(self, *args, **options):
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user {options['user']!r}.")
        bar = ProgressBar(self._stderr_write) if options["progress"] or self.stderr.isatty() else None
        with translation.override(options["language"]):
            try:
                summary = legacy_reports_import(
                    path=options["file"],
                    mapping=mapping_load(options["mapping"]),
                    commit=options["commit"],
                    rejects_path=options["rejects"],
                    by=by,
                    progress=bar,
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            finally:
                if bar is not None:
                    bar.finish()
            if options["verbosity"] == 0:
                return
            for line in summary.lines():
                self.stdout.write(line)
            if not summary.committed:
                self.stdout.write(
                    self.style.WARNING(
                        translation.gettext("Dry run: nothing was written. Run again with --commit to import.")
                    )
                )
