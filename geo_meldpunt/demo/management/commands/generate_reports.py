"""Demo reports in bulk. The work is in geo_meldpunt.demo.generate."""

from django.core.management.base import BaseCommand, CommandError

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.demo.generate import demo_report_count, reports_ensure, reports_generate
from geo_meldpunt.demo.tunables import DEMO_BATCH_SIZE


class Command(BaseCommand):
    help = "Generate realistic demo reports (clustered, routed like live reports) with COPY."

    def add_arguments(self, parser):
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--count", type=int, help="Add this many demo reports.")
        amount.add_argument(
            "--ensure", type=int, help="Add demo reports until there are this many; running it again adds nothing."
        )
        parser.add_argument("--seed", type=int, default=None, help="Seed of the random generator (places, mix).")
        parser.add_argument("--batch", type=int, default=DEMO_BATCH_SIZE, help="Reports per transaction.")

    def handle(self, *args, count, ensure, seed, batch, **options):
        if batch < 1 or (count is not None and count < 0) or (ensure is not None and ensure < 0):
            raise CommandError("--count, --ensure and --batch must be positive.")

        def progress(done: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0.0
            self.stdout.write(f"  {done:>10,} / {total:,} reports  {seconds:7.1f} s  {rate:9,.0f} reports/s")

        try:
            if ensure is not None:
                existing = demo_report_count()
                self.stdout.write(f"{existing:,} demo reports present, {ensure:,} wanted.")
                result = reports_ensure(total=ensure, seed=seed, batch_size=batch, progress=progress)
            else:
                result = reports_generate(count=count, seed=seed, batch_size=batch, progress=progress)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not result.created:
            self.stdout.write("Nothing to add.")
            return
        years = ", ".join(f"{year}: {n:,}" for year, n in sorted(result.per_year.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.created:,} demo reports in {result.seconds:.1f} s ({result.per_second:,.0f}/s; "
                f"{result.drawn:,} points drawn, {result.drawn - result.created:,} outside the territory). "
                f"Per year: {years}."
            )
        )
