from django.contrib.auth.management import create_permissions
from django.db import migrations

from geo_meldpunt.staff.groups import groups_sync


def role_groups_create(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now so the groups
    # can be given theirs on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    groups_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0001_staff_membership"),
        ("reports", "0004_workflow_deadlines"),
        ("zones", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing leaves the groups: they may have members by then.
        migrations.RunPython(role_groups_create, migrations.RunPython.noop),
    ]
