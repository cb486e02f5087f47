"""The 2021 national consultation: grands enjeux, Decidim contributions and comments, the PNI, figures."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from territoires.models import Departement

SEARCH_CONFIG = "french_unaccent"


class Enjeu(models.Model):
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    source_id = models.CharField("identifiant dans la source", max_length=20, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "grand enjeu"
        verbose_name_plural = "grands enjeux"
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("consultation:enjeu_detail", kwargs={"slug": self.slug})


class Kind(models.TextChoices):
    NEED = "besoin", "besoin"
    EXISTING_SERVICE = "service", "service existant"
    UNKNOWN = "inconnu", "non précisé"


class AuthorType(models.TextChoices):
    PARTICIPANT = "participant", "participant·e"
    GROUP = "groupe", "groupe ou collectivité"
    ORGANIZATION = "organisation", "organisateur de la consultation"
    MEETING = "reunion", "réunion"
    UNKNOWN = "inconnu", "non précisé"


class State(models.TextChoices):
    NOT_ANSWERED = "sans_reponse", "sans réponse"
    EVALUATING = "evaluating", "en cours d'évaluation"
    ACCEPTED = "accepted", "retenue"
    REJECTED = "rejected", "non retenue"
    WITHDRAWN = "withdrawn", "retirée"
    OTHER = "autre", "autre état"


class ContributionQuerySet(models.QuerySet):
    def visible(self):
        """What the public archive shows: everything imported except hidden (moderated) proposals."""
        return self.filter(is_hidden=False)


class Contribution(models.Model):
    """A proposal of the Decidim platform; its identity is the instance's host and the proposal's id."""

    decidim_host = models.CharField("instance Decidim", max_length=253)
    decidim_id = models.PositiveBigIntegerField("identifiant Decidim")
    reference = models.CharField("référence Decidim", max_length=100, blank=True)
    title = models.CharField("titre", max_length=1000)
    body = models.TextField("texte (HTML nettoyé)", blank=True)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.UNKNOWN)
    author_type = models.CharField(
        "type d'auteur", max_length=12, choices=AuthorType.choices, default=AuthorType.UNKNOWN
    )
    category = models.CharField("catégorie Decidim", max_length=300, blank=True)
    scope = models.CharField("portée Decidim", max_length=300, blank=True)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField("état", max_length=15, choices=State.choices, default=State.NOT_ANSWERED)
    state_raw = models.CharField("état dans Decidim", max_length=100, blank=True)
    answer = models.TextField("réponse officielle (HTML nettoyé)", blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    supports = models.PositiveIntegerField("soutiens", default=0)
    endorsements = models.PositiveIntegerField("adhésions", default=0)
    comments_count = models.PositiveIntegerField("commentaires (selon Decidim)", default=0)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    url = models.URLField("adresse d'origine", max_length=1000, blank=True)
    participatory_space_id = models.PositiveBigIntegerField("espace participatif", null=True, blank=True)
    component_id = models.PositiveBigIntegerField("composant Decidim", null=True, blank=True)
    is_amendment = models.BooleanField("amendement", default=False)
    is_withdrawn = models.BooleanField("retirée par son auteur", default=False)
    is_hidden = models.BooleanField("masquée", default=False)
    enjeu = models.ForeignKey(
        Enjeu,
        verbose_name="grand enjeu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    raw = models.JSONField("enregistrement d'origine", default=dict, blank=True)
    imported_at = models.DateTimeField("importée le", auto_now=True)
    search_vector = models.GeneratedField(
        verbose_name="vecteur de recherche",
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", "category", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-supports", "decidim_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decidim_host", "decidim_id"], name="contribution_unique_decidim_identity"
            ),
            models.CheckConstraint(name="contribution_state_valid", condition=Q(state__in=State.values)),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="contribution_search_vector"),
            models.Index(fields=["enjeu", "-supports"], name="contribution_enjeu_supports"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:contribution_detail", kwargs={"pk": self.pk})

    @property
    def original_is_reachable(self) -> bool:
        """False for the demo sample, whose host is a reserved, non-existent domain."""
        return bool(self.url) and not self.decidim_host.endswith(".invalid")


class Comment(models.Model):
    """A comment on a contribution; author names are personal data and are not kept."""

    class Alignment(models.IntegerChoices):
        AGAINST = -1, "contre"
        NEUTRAL = 0, "neutre"
        FOR = 1, "pour"

    decidim_host = models.CharField("instance Decidim", max_length=253)
    decidim_id = models.PositiveBigIntegerField("identifiant Decidim")
    contribution = models.ForeignKey(
        Contribution, verbose_name="contribution", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", verbose_name="réponse à", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    parent_decidim_id = models.PositiveBigIntegerField("commentaire parent dans Decidim", null=True, blank=True)
    body = models.TextField("texte")
    locale = models.CharField("langue", max_length=10, blank=True)
    alignment = models.SmallIntegerField("position", choices=Alignment.choices, default=Alignment.NEUTRAL)
    depth = models.PositiveSmallIntegerField("profondeur", default=0)
    created_at = models.DateTimeField("publié le", null=True, blank=True)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["created_at", "decidim_id"]
        constraints = [
            models.UniqueConstraint(fields=["decidim_host", "decidim_id"], name="comment_unique_decidim_identity")
        ]

    def __str__(self):
        return self.body[:80]


class Investigation(models.Model):
    """An investigation of the Programme national d'investigations (PNI, 2021)."""

    source_id = models.CharField("identifiant dans la source", max_length=20, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    title = models.CharField("titre", max_length=300)
    problem = models.TextField("problème étudié", blank=True)
    territory_types = models.JSONField("types de territoires", default=list, blank=True)
    collectivites = models.JSONField("collectivités", default=list, blank=True)
    duration_weeks = models.PositiveSmallIntegerField("durée (semaines)", null=True, blank=True)
    status_2021 = models.CharField("état en octobre 2021", max_length=100, blank=True)
    findings = models.TextField("résultats", blank=True)
    follow_up = models.CharField("suite donnée", max_length=300, blank=True)
    prototype_url = models.URLField("prototype", max_length=500, blank=True)
    enjeu = models.ForeignKey(
        Enjeu,
        verbose_name="grand enjeu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investigations",
    )
    sources = models.JSONField("sources", default=list, blank=True)

    class Meta:
        verbose_name = "investigation du PNI"
        verbose_name_plural = "investigations du PNI"
        ordering = ["title"]

    def __str__(self):
        return self.title


class ReportedFigure(models.Model):
    """A figure the programme published (not counted from this archive), with its source and date."""

    key = models.SlugField("identifiant", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    value = models.CharField("valeur", max_length=50)
    as_of = models.CharField("date", max_length=20)
    source = models.CharField("source", max_length=500)
    note = models.CharField("précision", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "chiffre publié"
        verbose_name_plural = "chiffres publiés"
        ordering = ["position"]

    def __str__(self):
        return f"{self.value} {self.label}"
