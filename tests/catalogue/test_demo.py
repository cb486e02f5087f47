import pytest
from django.core.management import call_command

from catalogue.models import Service
from consultation.models import Enjeu


@pytest.mark.usefixtures("territories")
def test_load_demo_loads_the_real_catalogue_and_enjeux_and_is_idempotent(capsys):
    call_command("load_demo")
    call_command("load_demo")

    assert Enjeu.objects.count() == 17
    assert Service.objects.count() == 40
    assert Service.objects.get(slug="agents-en-intervention").porteur.name == "ANCT – Incubateur des territoires"
    assert "Services : 0 créé." in capsys.readouterr().out


@pytest.mark.usefixtures("territories")
def test_unknown_licence_stays_unknown():
    call_command("load_demo")

    assert Service.objects.get(slug="creadata").license == ""
    assert Service.objects.get(slug="creadata").porteur is None
