"""One demo account per role, with a known password, for a developer's machine only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from geo_meldpunt.staff import groups
from geo_meldpunt.staff.services import roles_sync, staff_roles_set
from geo_meldpunt.zones.models import Department

# Known on purpose: these accounts exist only where DEBUG is on (never with the production settings).
DEMO_PASSWORD = "meldpunt-demo"
# username -> (role, slugs of the departments it works for)
DEMO_STAFF = {
    "behandelaar": (groups.HANDLER, ("openbare-werken",)),
    "coordinator": (groups.COORDINATOR, ()),
    "telefoondesk": (groups.PHONE_DESK, ()),
    "veldwerker": (groups.FIELD_STAFF, ()),
    "planner": (groups.PLANNER, ()),
    "ombudsdienst": (groups.OMBUDSMAN, ()),
    "beheerder": (groups.ADMINISTRATOR, ()),
    "directie": (groups.MANAGEMENT, ()),
}


class Command(BaseCommand):
    help = "Create (or reset) one demo staff account per role. Only when DEBUG is on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_demo_staff runs only with DEBUG on: it sets a known password.")
        User = get_user_model()
        roles_sync()
        rows: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for username, (role, department_slugs) in DEMO_STAFF.items():
                user, _created = User.objects.get_or_create(username=username)
                user.email = f"{username}@example.org"
                user.is_staff = True  # may enter reports from staff channels (phone, field) and open the admin
                user.is_superuser = role == groups.ADMINISTRATOR
                user.set_password(DEMO_PASSWORD)
                user.save()
                departments = list(Department.objects.filter(slug__in=department_slugs))
                staff_roles_set(user=user, roles=[role], departments=departments)
                rows.append((username, role, ", ".join(d.slug for d in departments)))
        self.stdout.write(f"Demo staff (password for each: {DEMO_PASSWORD}):")
        for username, role, slugs in rows:
            self.stdout.write(f"  {username:<14} {role:<14} {slugs}")
