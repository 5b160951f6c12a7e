from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reference.loading import REFERENCE_DATA_DEFAULT_PATH, reference_data_load


class Command(BaseCommand):
    help = (
        "Load a city's reference data (departments, zones, categories, routing rules, addresses) from a folder. "
        "Idempotent: a second run changes nothing. Writes for real, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(REFERENCE_DATA_DEFAULT_PATH), help="folder with the reference files")

    def handle(self, *args, **options):
        try:
            summary = reference_data_load(path=options["path"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["verbosity"] == 0:
            return
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Reference data loaded." if summary.changed else "Already up to date."))
