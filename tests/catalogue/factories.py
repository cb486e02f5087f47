import factory
from django.utils import timezone

from catalogue.models import Deployment, Porteur, Service, Thematique, UsageState


class PorteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Porteur
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Porteur {n}")
    slug = factory.Sequence(lambda n: f"porteur-{n}")
    kind = Porteur.Kind.PUBLIC


class ThematiqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thematique
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thématique {n}")
    slug = factory.Sequence(lambda n: f"thematique-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service numéro {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    summary = "Un service pour les collectivités."
    code_status = "open"
    porteur = factory.SubFactory(PorteurFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    service = factory.SubFactory(ServiceFactory)
    departement_id = "38"
    other_body = "Département de l'Isère"
    state = UsageState.PUBLISHED
    confirmed_at = factory.LazyFunction(timezone.now)
