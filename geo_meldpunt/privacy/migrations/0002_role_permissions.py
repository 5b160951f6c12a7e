from django.contrib.auth.management import create_permissions
from django.db import migrations

from geo_meldpunt.staff.groups import groups_sync


def role_permissions_add(apps, schema_editor):
    # The coordinator and the administrator handle reporters' requests: create this app's permissions now (they
    # are normally made after all migrations) and give the role groups theirs. groups_sync only adds.
    app_config = apps.get_app_config("privacy")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    groups_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0001_initial"),
        ("staff", "0003_management_group"),
    ]

    operations = [
        migrations.RunPython(role_permissions_add, migrations.RunPython.noop),
    ]
