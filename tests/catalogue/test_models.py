import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from catalogue.models import Deployment
from territoires.models import Commune
from tests.catalogue.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("territories")


def test_a_commune_deployment_takes_the_communes_departement():
    deployment = Deployment(service=ServiceFactory(), commune_id="38185")

    deployment.full_clean()

    assert deployment.departement_id == "38"


def test_a_deployment_without_departement_is_refused_in_french():
    deployment = Deployment(service=ServiceFactory(), other_body="Syndicat mixte")

    with pytest.raises(ValidationError, match="Indiquez le département"):
        deployment.full_clean()


def test_the_database_refuses_a_deployment_naming_two_bodies():
    with pytest.raises(IntegrityError):
        Deployment.objects.create(
            service=ServiceFactory(),
            commune_id="38185",
            epci_id=Commune.objects.get(code_insee="38185").epci_id,
            departement_id="38",
        )
