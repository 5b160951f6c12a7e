import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.geo import SUPPORTED_IMPORT_SRIDS
from geo_meldpunt.zones.importing import zones_import
from geo_meldpunt.zones.models import ZoneType


class Command(BaseCommand):
    help = (
        "Import a city's official zones from a GeoJSON, Shapefile or any file OGR reads. "
        "Dry run unless --commit: prints what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="file to read (for a Shapefile, the .shp)")
        parser.add_argument("--zone-type", choices=ZoneType.values, help="type of every zone, unless --type-field")
        parser.add_argument("--name-field", default="name", help="field with the zone's name (default: name)")
        parser.add_argument("--slug-field", help="field with the slug (default: slugify the name)")
        parser.add_argument("--slug-prefix", default="", help="prefix for every slug, e.g. 'wijk-'")
        parser.add_argument("--type-field", help="field with each zone's type")
        parser.add_argument(
            "--srid", type=int, choices=SUPPORTED_IMPORT_SRIDS, help="source SRID, overriding the file's own"
        )
        parser.add_argument("--layer", default="0", help="layer name or number (default: the first)")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat, help="first day the zones apply (YYYY-MM-DD)")
        parser.add_argument("--valid-to", type=dt.date.fromisoformat, help="first day they no longer apply")
        parser.add_argument("--source", help="provenance stored on each zone (default: the file name)")
        parser.add_argument("--commit", action="store_true", help="write the zones (default: dry run)")

    def handle(self, *args, **options):
        layer = options["layer"]
        try:
            report = zones_import(
                path=options["path"],
                zone_type=options["zone_type"],
                name_field=options["name_field"],
                slug_field=options["slug_field"],
                type_field=options["type_field"],
                slug_prefix=options["slug_prefix"],
                srid=options["srid"],
                layer=int(layer) if layer.isdigit() else layer,
                valid_from=options["valid_from"],
                valid_to=options["valid_to"],
                source=options["source"],
                commit=options["commit"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} feature(s) rejected; nothing written. Fix or remove them.")
        if report.committed:
            self.stdout.write(self.style.SUCCESS("Committed."))
        else:
            self.stdout.write(self.style.WARNING("Dry run: nothing written. Add --commit to write."))
