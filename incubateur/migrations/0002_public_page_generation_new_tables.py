"""The page-cache trigger on the tables added since 0001 (links of the consultation's story)."""

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
        ("incubateur", "0001_public_page_generation"),
        ("consultation", "0002_story_links"),
        ("catalogue", "0003_story_links_constraints"),
    ]

    operations = [migrations.RunPython(create_triggers, migrations.RunPython.noop)]
