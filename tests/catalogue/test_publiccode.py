from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from catalogue.models import Porteur, Service
from tests.catalogue.factories import ServiceFactory

DATA = Path(__file__).parent / "data" / "publiccode"
REQUIRED = [
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
]


@pytest.mark.usefixtures("demo")
def test_every_service_exports_a_valid_publiccode_yml(client):
    for service in Service.objects.all():
        response = client.get(f"/services/{service.slug}/publiccode.yml")

        data = yaml.safe_load(response.content)
        assert response["Content-Type"].startswith("application/yaml")
        assert all(key in data for key in REQUIRED), service.slug
        assert data["publiccodeYmlVersion"].startswith("0.4")
        assert len(data["description"]["fr"]["shortDescription"]) <= 150
        assert data["description"]["fr"]["longDescription"]
        assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
        assert data["legal"]["license"]


@pytest.mark.usefixtures("demo")
def test_export_lists_users_and_organisation(client):
    data = yaml.safe_load(client.get("/services/espace-sur-demande/publiccode.yml").content)

    assert data["usedBy"] == ["Département de l'Isère"]
    assert data["organisation"]["name"] == Service.objects.get(slug="espace-sur-demande").porteur.name
    assert data["legal"]["license"] == "NOASSERTION"  # unknown licence, never invented


@pytest.mark.usefixtures("territories")
def test_real_files_in_several_languages_import(capsys):
    call_command("import_publiccode", *sorted(DATA.glob("*.yml")))

    catala = Service.objects.get(repository="https://github.com/CatalaLang/catala")
    milano = Service.objects.get(repository="https://github.com/Comune-Milano/Whistleblowing")
    signalen = Service.objects.get(repository="https://github.com/Amsterdam/signals-frontend")
    assert catala.summary.startswith("Langage de programmation dédié")  # French preferred over English
    assert catala.website == "https://catala-lang.org"
    assert milano.summary.startswith("Whistleblowing è un applicativo")  # any language when neither
    assert milano.stage == "construction"
    assert milano.license == "AGPL-3.0-only"
    assert signalen.stage == "perennisation"
    assert signalen.porteur.name == "Signalen"
    assert "3 service(s) créé(s)" in capsys.readouterr().out


@pytest.mark.usefixtures("territories")
def test_reimport_updates_the_service_matched_by_repository():
    existing = ServiceFactory(name="Ancien nom", repository="https://GitHub.com/CatalaLang/catala.git/")

    call_command("import_publiccode", DATA / "catala.yml")
    call_command("import_publiccode", DATA / "catala.yml")

    existing.refresh_from_db()
    assert Service.objects.count() == 1
    assert existing.name == "Catala"


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [unclosed", r"YAML invalide \(ligne 1"),
        ("- a list\n- not a mapping\n", "dictionnaire"),
        ("url: https://example.org/x\ndescription: {fr: {shortDescription: x}}\n", "clé « name » manquante"),
        ("name: X\ndescription: {fr: {shortDescription: x}}\n", "clé « url » manquante"),
        ("name: X\nurl: ftp://example.org/x\ndescription: {fr: {shortDescription: x}}\n", "clé « url »"),
        ("name: X\nurl: https://example.org/x\n", "clé « description » manquante"),
        ("name: X\nurl: https://example.org/x\ndescription: {fr: texte}\n", "« description.fr »"),
        (
            "name: X\nurl: https://example.org/x\ndescription: {en: {features: [a]}}\n",
            "description.en.shortDescription",
        ),
        (
            "name: {a: b}\nurl: https://example.org/x\ndescription: {fr: {shortDescription: x}}\n",
            "« name » doit être un texte",
        ),
    ],
)
def test_bad_file_names_the_file_and_key_and_changes_nothing(tmp_path, content, message):
    bad = tmp_path / "mauvais.yml"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message) as error:
        call_command("import_publiccode", DATA / "catala.yml", bad)

    assert "mauvais.yml" in str(error.value)
    assert Service.objects.count() == 0
    assert Porteur.objects.count() == 0


@pytest.mark.usefixtures("territories")
def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("import_publiccode", tmp_path / "absent.yml")
