"""The page-cache trigger on the usage trail and declaration tables of the catalogue."""

from django.db import migrations

from core.pagecache import GENERATION_FUNCTION, TRIGGER_NAME, public_tables


def create_triggers(apps, schema_editor):
    # CREATE OR REPLACE: tables that already have the trigger keep one; every new table gets it.
    for table in public_tables(apps):
        schema_editor.execute(
            f'CREATE OR REPLACE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {GENERATION_FUNCTION}()"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incubateur", "0003_search_synonym_generation"),
        ("catalogue", "0008_usage_verification"),
    ]

    operations = [migrations.RunPython(create_triggers, migrations.RunPython.noop)]
