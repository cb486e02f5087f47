import pytest
from django.core.management import call_command

from catalogue.models import SearchSynonym, Service, Thematique
from consultation.models import Enjeu


@pytest.mark.usefixtures("territories")
def test_load_demo_loads_the_real_catalogue_and_enjeux_and_running_it_again_changes_nothing(capsys):
    call_command("load_demo")
    before = dict(Service.objects.values_list("slug", "updated_at"))
    call_command("load_demo")

    assert Enjeu.objects.count() == 17
    assert Service.objects.count() == 52
    assert Thematique.objects.count() == 14
    assert SearchSynonym.objects.filter(term="parapheur").exists()
    assert dict(Service.objects.values_list("slug", "updated_at")) == before
    assert Service.objects.get(slug="agents-en-intervention").porteur.name == "ANCT – Incubateur des territoires"
    assert "Services : 0 créé." in capsys.readouterr().out


@pytest.mark.usefixtures("territories")
def test_facts_keep_their_evidence_and_unknown_facts_stay_unknown():
    call_command("load_demo")

    creadata = Service.objects.get(slug="creadata")
    dotations = Service.objects.get(slug="dotations-locales")
    assert creadata.license == "" and creadata.porteur is None
    assert creadata.license_evidence.startswith("not found")
    assert dotations.repository == "https://github.com/ThomasDos/dotations-locales"
    assert dotations.repository_previous == "https://git.leximpact.dev/openfisca/openfisca-france-dotations-locales"
    assert Service.objects.get(slug="messages").france_relance is None  # no source says it either way
    assert Service.objects.get(slug="diagbruit").anct_role == "sponsor"
    grist = Service.objects.get(slug="grist")  # its description says for whom and who runs the instance
    assert (grist.audience_kinds, grist.instance_url) == (["commune"], "https://grist.incubateur.anct.gouv.fr")
    assert Service.objects.get(slug="umap").audience == ""  # nothing stated, nothing shown


@pytest.mark.usefixtures("territories")
def test_the_former_labels_are_mapped_onto_the_families():
    call_command("load_demo")

    families = set(Service.objects.get(slug="espace-sur-demande").themes.values_list("slug", flat=True))
    assert families == {"services-techniques"}
    assert not Service.objects.get(slug="allo-62").themes.exists()
