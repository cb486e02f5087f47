"""The content generation that keys the public page cache (see core/pagecache.py).

Every table of the public apps gets a statement-level trigger that sets the generation to the next
value of a sequence: the new value is visible to other connections when the write commits, and never
reused after a rollback.
"""

from django.db import migrations

from core.pagecache import (
    GENERATION_FUNCTION,
    GENERATION_SEQUENCE,
    GENERATION_TABLE,
    TRIGGER_NAME,
    public_tables,
)


def create_triggers(apps, schema_editor):
    schema_editor.execute(f"""
        CREATE SEQUENCE {GENERATION_SEQUENCE};
        CREATE TABLE {GENERATION_TABLE} (
            id smallint PRIMARY KEY CHECK (id = 1),
            value bigint NOT NULL
        );
        INSERT INTO {GENERATION_TABLE} (id, value) VALUES (1, nextval('{GENERATION_SEQUENCE}'));
        CREATE FUNCTION {GENERATION_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {GENERATION_TABLE} SET value = nextval('{GENERATION_SEQUENCE}') WHERE id = 1;
            RETURN NULL;
        END;
        $$;
    """)
    for table in public_tables(apps):
        schema_editor.execute(
            f'CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {GENERATION_FUNCTION}()"
        )


def drop_triggers(apps, schema_editor):
    for table in public_tables(apps):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}"')
    schema_editor.execute(
        f"DROP FUNCTION {GENERATION_FUNCTION}(); DROP TABLE {GENERATION_TABLE}; DROP SEQUENCE {GENERATION_SEQUENCE};"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("territoires", "0001_initial"),
        ("consultation", "0001_initial"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
