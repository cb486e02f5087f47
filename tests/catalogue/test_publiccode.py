import json
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from catalogue.models import Porteur, Service
from catalogue.publiccode import normalize_repository
from catalogue.publiccode_rules import validate
from tests.catalogue.factories import DeploymentFactory, ServiceFactory

DATA = Path(__file__).parent / "data" / "publiccode"


def problems(name):
    return [str(problem) for problem in validate(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))]


def complete_service(**values):
    """A service whose facts cover everything the 0.4 standard asks."""
    defaults = {
        "name": "Espace sur Demande",
        "summary": "Plateforme de réservation en ligne des salles et équipements publics.",
        "description": "Côté agents, le service centralise les demandes et les calendriers des salles et produit "
        "les conventions de mise à disposition ; côté habitants et associations, il permet de réserver en ligne.",
        "repository": "https://gitlab.com/incubateur-territoires/startups/espace-sur-demande/application",
        "website": "https://espacesurdemande.anct.gouv.fr",
        "license": "AGPL-3.0-only",
        "features": ["Réserver une salle en ligne", "Produire les conventions de mise à disposition"],
        "categories": ["online-booking", "facility-management"],
        "platforms": ["web"],
        "software_type": "standalone/web",
        "development_status": "beta",
        "maintenance_type": "contract",
        "maintenance_contractors": [{"name": "Incubateur des territoires", "until": "2027-12-31"}],
        "localisation_ready": False,
        "available_languages": ["fr"],
    }
    return ServiceFactory(**{**defaults, **values})


def test_a_real_file_written_to_the_rules_0_4_keeps_has_only_its_version_to_change():
    assert problems("wai-portal.yml") == [
        'publiccodeYmlVersion : « 0.2 » : ce document doit déclarer la version "0.4" (un texte)'
    ]


def test_the_validator_finds_the_real_mistakes_of_a_file_declaring_0_4():
    found = problems("aitema-terminvergabe.yml")

    assert 'publiccodeYmlVersion : « 0.4 » : ce document doit déclarer la version "0.4" (un texte)' in found
    assert "categories : « government » n'est pas dans la liste des catégories du standard" in found
    assert "maintenance.type : « commercial » n'est pas une valeur permise" in found
    assert not any("appointment-scheduling" in problem for problem in found)


def test_the_validator_finds_missing_categories_an_unknown_version_and_scope():
    found = problems("amsterdam-design-system.yml")

    assert "categories : clé obligatoire manquante" in found
    assert any(problem.startswith("publiccodeYmlVersion : « 0.7 »") for problem in found)
    assert "intendedAudience.scope : « government » n'est pas dans la liste des domaines du standard" in found


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"legal": {"license": "NOASSERTION"}}, "legal.license : doit être une expression SPDX"),
        ({"organisation": {"name": "ANCT"}}, "organisation : clé inconnue du standard 0.4"),
        ({"developmentStatus": "unknown"}, "developmentStatus : « unknown » n'est pas une valeur permise"),
        ({"maintenance": {"type": "internal"}}, "maintenance.contacts : obligatoire"),
        ({"releaseDate": "01/02/2024"}, "releaseDate : doit être une date au format AAAA-MM-JJ"),
    ],
)
def test_the_validator_refuses_what_the_standard_does_not_allow(change, expected):
    document = yaml.safe_load((DATA / "wai-portal.yml").read_text(encoding="utf-8"))
    document.update({"publiccodeYmlVersion": "0.4", **change})

    assert any(str(problem).startswith(expected) for problem in validate(document))


@pytest.mark.usefixtures("demo")
def test_every_export_of_the_real_catalogue_is_valid_or_says_why_there_is_none(client):
    for service in Service.objects.all():
        response = client.get(f"/services/{service.slug}/publiccode.yml")

        if response.status_code == 200:
            assert validate(yaml.safe_load(response.content)) == [], service.slug
        else:
            assert response.status_code == 404, service.slug
            assert "Pas de fiche publiccode.yml" in response.content.decode(), service.slug


@pytest.mark.usefixtures("territories")
def test_a_service_without_repository_has_no_file_and_the_page_says_why(client):
    service = complete_service(repository="")

    response = client.get(f"/services/{service.slug}/publiccode.yml")

    assert response.status_code == 404
    assert "Aucun dépôt de code public n&#x27;est connu pour ce service" in response.content.decode()
    assert "<h1>Pas de fiche publiccode.yml pour" in response.content.decode()


@pytest.mark.usefixtures("territories")
def test_an_unverified_licence_is_never_exported_as_noassertion(client):
    service = complete_service(license="")

    response = client.get(f"/services/{service.slug}/publiccode.yml")

    assert response.status_code == 404
    assert "licence n&#x27;a pas été vérifiée" in response.content.decode()


@pytest.mark.usefixtures("territories")
def test_a_complete_service_exports_a_valid_0_4_file_pointing_at_its_repository(client):
    service = complete_service()
    DeploymentFactory(service=service)

    response = client.get(f"/services/{service.slug}/publiccode.yml")

    data = yaml.safe_load(response.content)
    assert response["Content-Type"].startswith("application/yaml")
    assert validate(data) == []
    assert data["publiccodeYmlVersion"] == "0.4"
    assert data["url"] == service.repository
    assert data["usedBy"] == ["Département de l'Isère"]
    assert "organisation" not in data
    assert list(data["description"]) == ["fr"]


@pytest.mark.usefixtures("territories")
def test_export_then_import_then_export_changes_nothing_and_creates_nothing(client, tmp_path):
    service = complete_service(repository="https://github.com/betagouv/rdv-service-public")
    DeploymentFactory(service=service)
    first = client.get(f"/services/{service.slug}/publiccode.yml").content
    exported = tmp_path / "publiccode.yml"
    exported.write_bytes(first)

    call_command("import_publiccode", exported)

    assert Service.objects.count() == 1
    assert client.get(f"/services/{service.slug}/publiccode.yml").content == first
    service.refresh_from_db()
    assert service.license == "AGPL-3.0-only"
    assert service.used_by == []  # the user is already a deployment, not declared twice


@pytest.mark.usefixtures("territories")
def test_real_files_in_several_languages_import_each_description_in_its_language(capsys):
    call_command("import_publiccode", *sorted(DATA.glob("*.yml")))

    catala = Service.objects.get(repository="https://github.com/CatalaLang/catala")
    milano = Service.objects.get(repository="https://github.com/Comune-Milano/Whistleblowing")
    signalen = Service.objects.get(repository="https://github.com/Amsterdam/signals-frontend")
    assert catala.language == "fr" and catala.summary.startswith("Langage de programmation dédié")
    assert catala.other_descriptions["en"]["shortDescription"].startswith("Domain-specific programming language")
    assert catala.website == "https://catala-lang.org"
    assert catala.license == "Apache-2.0"  # "apache-2.0" in the file, spelt as SPDX lists it
    assert milano.language == "it" and milano.summary.startswith("Whistleblowing è un applicativo")
    assert signalen.language == "nl" and signalen.features == ["Meldingen classificeren", "Meldingen routeren"]
    out = capsys.readouterr().out
    assert "6 service(s) créé(s)" in out
    assert "non gardé : catala.yml : fundedBy (clé absente du standard 0.4" in out


@pytest.mark.usefixtures("territories")
def test_import_keeps_logo_categories_features_maintenance_users_and_localisation_and_invents_nothing():
    call_command("import_publiccode", DATA / "wai-portal.yml", DATA / "catala.yml")

    wai = Service.objects.get(repository="https://github.com/agid/wai-portal")
    catala = Service.objects.get(repository="https://github.com/CatalaLang/catala")
    assert wai.logo == "resources/images/wai-logo.svg"
    assert wai.categories == ["data-analytics", "data-collection", "data-visualization", "seo", "marketing"]
    assert len(wai.features) == 4
    assert wai.maintenance_type == "contract"
    assert wai.maintenance_contractors == [
        {"name": "Indra Italia", "until": "2021-10-18", "website": "https://www.indracompany.com/en"}
    ]
    assert wai.used_by == ["Agenzia per l'Italia Digitale"]
    assert wai.localisation_ready is True and wai.available_languages == ["it"]
    assert wai.publiccode_extra["softwareVersion"] == "1.4.1-beta"
    # Catala's file has no developmentStatus nor platforms: neither is invented.
    assert (catala.development_status, catala.platforms, catala.software_type) == ("", [], "standalone/other")
    assert catala.stage == "unknown"
    assert catala.porteur is None


@pytest.mark.usefixtures("territories")
def test_an_imported_file_exported_again_is_valid_0_4(client):
    call_command("import_publiccode", DATA / "wai-portal.yml")
    service = Service.objects.get()

    data = yaml.safe_load(client.get(f"/services/{service.slug}/publiccode.yml").content)

    assert validate(data) == []
    assert data["maintenance"]["contractors"][0]["name"] == "Indra Italia"
    assert "it" not in data  # the Italian country extension is not part of the 0.4 core


@pytest.mark.usefixtures("territories")
def test_reimport_updates_the_service_matched_on_its_normalised_repository():
    existing = ServiceFactory(name="Ancien nom", repository="http://GitHub.com/catalalang/Catala.git/")

    call_command("import_publiccode", DATA / "catala.yml")
    call_command("import_publiccode", DATA / "catala.yml")

    existing.refresh_from_db()
    assert Service.objects.count() == 1
    assert existing.name == "Catala"
    assert existing.repository == "http://GitHub.com/catalalang/Catala.git/"  # the address staff wrote stays


def test_repository_addresses_are_normalised_on_scheme_host_git_suffix_and_slash():
    assert normalize_repository("http://WWW.GitHub.com/Org/Repo.git/") == "https://github.com/org/repo"
    assert normalize_repository("https://git.example.org/Org/Repo") == "https://git.example.org/Org/Repo"


@pytest.mark.usefixtures("territories")
def test_import_keeps_only_web_addresses(tmp_path):
    bad = tmp_path / "publiccode.yml"
    bad.write_text(
        "name: X\nurl: https://example.org/x\nlandingURL: 'javascript:alert(1)'\n"
        "logo: 'data:image/png;base64,AAAA'\ndescription: {fr: {shortDescription: Un outil}}\n",
        encoding="utf-8",
    )

    call_command("import_publiccode", bad)

    service = Service.objects.get()
    assert service.website == "" and service.logo == ""


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("address", ["https:///javascript:alert(1)", "https://exemple.fr/\u0007x", "http://"])
def test_import_keeps_only_addresses_the_shared_sanitiser_accepts(tmp_path, address):
    bad = tmp_path / "publiccode.yml"
    bad.write_text(
        f"name: X\nurl: https://example.org/x\nlandingURL: {json.dumps(address)}\n"
        "description: {fr: {shortDescription: Un outil}}\n",
        encoding="utf-8",
    )

    call_command("import_publiccode", bad)

    assert Service.objects.get().website == ""


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
        ("name: " + "[" * 200_000 + "]" * 200_000 + "\n", "YAML trop imbriqué"),
        ("name: X\nurl: https://example.org/x\nx: " + "{a: " * 5_000 + "b" + "}" * 5_000 + "\n", "trop imbriqué"),
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


@pytest.mark.usefixtures("territories")
def test_used_by_names_matching_one_official_body_become_usages_to_verify(tmp_path, client):
    path = tmp_path / "publiccode.yml"
    path.write_text(
        "name: Salles\nurl: https://example.org/salles\ndescription: {fr: {shortDescription: Un outil}}\n"
        "usedBy: [Ville de Grenoble, Département de l'Isère, Grenoble-Alpes-Métropole, Saint-Martin, Syndicat X]\n",
        encoding="utf-8",
    )

    call_command("import_publiccode", path)
    call_command("import_publiccode", path)

    service = Service.objects.get()
    usages = {(d.commune_id, d.epci_id, d.departement_id, d.state, d.origin) for d in service.deployments.all()}
    assert usages == {
        ("38185", None, "38", "pending", "publiccode"),
        (None, None, "38", "pending", "publiccode"),
        (None, "200040715", "38", "pending", "publiccode"),
    }
    assert all(d.changes.get().actor == "import publiccode.yml" for d in service.deployments.all())
    service.is_published = True
    service.save()
    assert "Grenoble-Alpes" not in client.get(service.get_absolute_url()).content.decode()
