from django.db import migrations

from geo_meldpunt.staff.groups import groups_sync


def role_groups_sync(apps, schema_editor):
    # groups_sync is idempotent: it adds the new "directie" group and leaves the others as they are.
    groups_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_role_groups")]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
