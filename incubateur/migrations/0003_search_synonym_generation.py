"""The catalogue's synonyms table changes search results: a write to it refreshes the public page cache too.

On a new database 0001 may already have given it the trigger (it runs on the tables present then), so it is
replaced rather than added twice.
"""

from django.db import migrations

from core.pagecache import GENERATION_FUNCTION, TRIGGER_NAME

TABLE = "catalogue_searchsynonym"


def create_trigger(apps, schema_editor):
    drop_trigger(apps, schema_editor)
    schema_editor.execute(
        f'CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{TABLE}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {GENERATION_FUNCTION}()"
    )


def drop_trigger(apps, schema_editor):
    schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{TABLE}"')


class Migration(migrations.Migration):
    dependencies = [
        ("incubateur", "0002_public_page_generation_new_tables"),
        ("catalogue", "0004_service_facts_and_families"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
