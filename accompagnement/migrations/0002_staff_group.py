from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Chargé·e d'accompagnement"
PERMISSIONS = [
    ("accompagnement", "view_diagnosticrequest"),
    ("accompagnement", "change_diagnosticrequest"),
    ("accompagnement", "triage_diagnosticrequest"),
    ("accompagnement", "view_event"),
    ("catalogue", "view_service"),
    ("territoires", "view_commune"),
    ("territoires", "view_epci"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations: make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalogue", "0001_initial"),
        ("territoires", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
