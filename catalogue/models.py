"""The catalogue of open-source digital services for local authorities."""

from django.db import models
from django.urls import reverse

from consultation.models import Enjeu


class Porteur(models.Model):
    """The organisation that carries a service."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "public"
        PRIVATE = "private", "privé"
        ASSOCIATION = "association", "association"
        UNKNOWN = "unknown", "non renseigné"

    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices, default=Kind.UNKNOWN)

    class Meta:
        verbose_name = "porteur"
        verbose_name_plural = "porteurs"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Thematique(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)

    class Meta:
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_open_code(self):
        return self.filter(code_status=Service.CodeStatus.OPEN)


class Service(models.Model):
    class CodeStatus(models.TextChoices):
        OPEN = "open", "code ouvert"
        OPENING = "opening", "ouverture en cours"
        CLOSED = "closed", "code fermé"
        UNKNOWN = "unknown", "non renseigné"

    class Stage(models.TextChoices):
        CONSTRUCTION = "construction", "construction"
        ACCELERATION = "acceleration", "accélération"
        PERENNISATION = "perennisation", "pérennisation"
        ABANDON = "abandon", "arrêté"
        UNKNOWN = "unknown", "non renseigné"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    summary = models.CharField("résumé en une phrase", max_length=300)
    description = models.TextField("description", blank=True)
    website = models.URLField("site web", max_length=500, blank=True)
    repository = models.URLField("dépôt du code source", max_length=500, blank=True)
    license = models.CharField("licence (identifiant SPDX)", max_length=100, blank=True)
    code_status = models.CharField(
        "statut du code", max_length=10, choices=CodeStatus.choices, default=CodeStatus.UNKNOWN
    )
    stage = models.CharField("maturité", max_length=15, choices=Stage.choices, default=Stage.UNKNOWN)
    porteur = models.ForeignKey(
        Porteur, verbose_name="porteur", on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    themes = models.ManyToManyField(Thematique, verbose_name="thématiques", blank=True, related_name="services")
    enjeux = models.ManyToManyField(Enjeu, verbose_name="grands enjeux", blank=True, related_name="services")
    france_relance = models.BooleanField("soutenu par France Relance", default=False)
    funding_eur = models.PositiveIntegerField("montant France Relance (€)", null=True, blank=True)
    scaled_2023 = models.BooleanField("accéléré en 2023", default=False)
    sources = models.JSONField("sources des informations", default=list, blank=True)
    is_published = models.BooleanField("publié", default=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:service_detail", kwargs={"slug": self.slug})
