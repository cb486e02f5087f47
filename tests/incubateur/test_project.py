"""Site-wide guards: migrations, verbose names, the one-way dependency rule."""

import pytest
from django.apps import apps
from django.core.management import call_command

PROJECT_APPS = ["territoires", "consultation", "catalogue", "accompagnement"]


@pytest.mark.django_db
def test_no_missing_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def starts_in_lowercase(text):
    first_word = str(text).split()[0]
    return first_word[0].islower() or first_word.isupper() or first_word[:2].isupper()


def test_verbose_names_are_lowercase_french():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            assert starts_in_lowercase(model._meta.verbose_name), model
            assert starts_in_lowercase(model._meta.verbose_name_plural), model
            for field in model._meta.get_fields():
                if hasattr(field, "verbose_name") and not field.auto_created:
                    assert starts_in_lowercase(field.verbose_name), f"{model.__name__}.{field.name}"


def test_openapi_schema_is_valid_and_generates_without_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "/api/services/{slug}/" in (tmp_path / "schema.yml").read_text()
