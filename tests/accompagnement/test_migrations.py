import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("catalogue", "0001_initial"), ("accompagnement", "0002_staff_group")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("territories")
def test_requests_and_services_keep_their_needs_when_the_labels_become_families():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    label = old.get_model("catalogue", "Thematique").objects.create(
        name="Outils collaboratifs", slug="outils-collaboratifs"
    )
    generic = old.get_model("catalogue", "Thematique").objects.create(name="Collectivités", slug="collectivites")
    service = old.get_model("catalogue", "Service").objects.create(name="Suite", slug="suite", summary="Une suite.")
    service.themes.set([label, generic])
    request = old.get_model("accompagnement", "DiagnosticRequest").objects.create(
        commune_id="07128",
        population=388,
        first_name="A",
        last_name="B",
        role="maire",
        email="a@example.org",
        needs="x" * 30,
        consent_at=timezone.now(),
        submission_key="4b0e4f3c-0d7e-4a36-9d2c-3a1a0e8e9f10",
        token_hash="0" * 64,
    )
    request.themes.set([label])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Thematique = new.get_model("catalogue", "Thematique")
    assert not Thematique.objects.filter(slug__in=["outils-collaboratifs", "collectivites"]).exists()
    assert Thematique.objects.count() == 14
    request = new.get_model("accompagnement", "DiagnosticRequest").objects.get(pk=request.pk)
    assert list(request.themes.values_list("slug", flat=True)) == ["outils-securite"]
    service = new.get_model("catalogue", "Service").objects.get(pk=service.pk)
    assert list(service.themes.values_list("slug", flat=True)) == ["outils-securite"]
