"""The 2021 national consultation: grands enjeux, Decidim contributions and comments, the PNI, figures."""

import statistics

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from core.sanitize import safe_url
from territoires.models import Departement
from territoires.search import ImmutableUnaccent

SEARCH_CONFIG = "french_unaccent"
# The sample export of the demo lives on a reserved, non-existent domain (RFC 2606): never the archive.
DEMO_TLD = ".invalid"


class LinkBasis(models.TextChoices):
    """Why two things of the story (need, enjeu, investigation, project, service) are linked."""

    SOURCE = "source", "source"
    THEME = "theme", "rapproché par thème"


class LinkQuerySet(models.QuerySet):
    def sourced(self):
        return self.filter(basis=LinkBasis.SOURCE)


class Link(models.Model):
    """What every link of the story records: its basis and, when a public source says it, that source."""

    basis = models.CharField("fondement du lien", max_length=10, choices=LinkBasis.choices)
    source = models.CharField(
        "source",
        max_length=500,
        blank=True,
        help_text="Obligatoire quand le lien vient d'une source : son adresse ou sa référence.",
    )
    note = models.CharField("précision publique", max_length=300, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        if self.basis == LinkBasis.SOURCE and not self.source.strip():
            raise ValidationError({"source": "Indiquez la source publique qui établit ce lien."})

    @property
    def source_url(self) -> str:
        """The source as a link when it is a web address."""
        return safe_url(self.source)

    @staticmethod
    def constraints_for(name: str) -> list:
        return [
            models.CheckConstraint(name=f"{name}_basis_valid", condition=Q(basis__in=LinkBasis.values)),
            models.CheckConstraint(
                name=f"{name}_source_given",
                condition=~Q(basis=LinkBasis.SOURCE) | ~Q(source=""),
                violation_error_message="Indiquez la source publique qui établit ce lien.",
            ),
        ]


class EnjeuQuerySet(models.QuerySet):
    def with_archive_counts(self):
        """Each enjeu with ``contributions_count``: contributions of the real archive (no demo, nothing hidden)."""
        archive = Q(contributions__is_hidden=False) & ~Q(contributions__decidim_host__endswith=DEMO_TLD)
        return self.annotate(contributions_count=models.Count("contributions", filter=archive, distinct=True))


class Enjeu(models.Model):
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    source_id = models.CharField("identifiant dans la source", max_length=20, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)

    objects = EnjeuQuerySet.as_manager()

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

    def archive(self):
        """The real archive: visible contributions, the demo's sample excluded (never counted as archive)."""
        return self.visible().exclude(decidim_host__endswith=DEMO_TLD)

    def demo(self):
        """The demo's sample, labelled « [Exemple] » on a reserved host."""
        return self.visible().filter(decidim_host__endswith=DEMO_TLD)


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
    # The title without accents: the typo-tolerant (trigram) part of the search.
    title_search = models.GeneratedField(
        verbose_name="titre sans accents",
        expression=ImmutableUnaccent(Lower("title")),
        output_field=models.TextField(),
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
            GinIndex(OpClass("title_search", name="gin_trgm_ops"), name="contribution_title_trgm"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:contribution_detail", kwargs={"pk": self.pk})

    @property
    def is_demo(self) -> bool:
        return self.decidim_host.endswith(DEMO_TLD)

    @property
    def original_is_reachable(self) -> bool:
        """False for the demo sample, whose host is a reserved, non-existent domain."""
        return bool(self.url) and not self.is_demo

    @property
    def origin(self) -> str:
        """The Decidim instance's address, against which relative links of the texts are resolved."""
        return f"https://{self.decidim_host}/" if self.decidim_host else ""


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


class InvestigationStatus(models.TextChoices):
    ONGOING = "en_cours", "en cours"
    FINISHED = "terminee", "terminée"
    UNKNOWN = "inconnu", "non précisé"


# The kinds of territories the PNI was open to (pni.json, ``eligible_territory_types``), plus overseas.
# The data keeps the source's words; the filter uses these stable values.
TERRITORY_TYPES = {
    "rural": "rural",
    "montagne": "montagne",
    "qpv": "quartier prioritaire de la politique de la ville",
    "coeur-de-ville": "cœur de ville",
    "petites-villes-de-demain": "Petites villes de demain",
    "outre-mer": "outre-mer",
}


class InvestigationQuerySet(models.QuerySet):
    def duration_summary(self) -> dict:
        """How long the investigations whose duration is published ran (weeks): count, shortest, longest, median."""
        weeks = sorted(self.exclude(duration_weeks=None).values_list("duration_weeks", flat=True))
        if not weeks:
            return {"count": 0}
        return {"count": len(weeks), "min": weeks[0], "max": weeks[-1], "median": statistics.median(weeks)}


class Investigation(models.Model):
    """An investigation of the Programme national d'investigations (PNI, 2021)."""

    source_id = models.CharField("identifiant dans la source", max_length=20, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    title = models.CharField("titre", max_length=300)
    problem = models.TextField("problème étudié", blank=True)
    territory_types = models.JSONField("types de territoires", default=list, blank=True)
    collectivites = models.JSONField("collectivités", default=list, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField("durée (semaines)", null=True, blank=True)
    status = models.CharField(
        "état en octobre 2021", max_length=10, choices=InvestigationStatus.choices, default=InvestigationStatus.UNKNOWN
    )
    findings = models.TextField("résultats", blank=True)
    prototype_url = models.URLField("prototype", max_length=500, blank=True)
    enjeux = models.ManyToManyField(
        Enjeu, verbose_name="grands enjeux", through="InvestigationEnjeu", blank=True, related_name="investigations"
    )
    sources = models.JSONField("sources", default=list, blank=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = "investigation du PNI"
        verbose_name_plural = "investigations du PNI"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="investigation_status_valid", condition=Q(status__in=InvestigationStatus.values)
            )
        ]

    def __str__(self):
        return self.title

    @property
    def year(self) -> int | None:
        return self.start_date.year if self.start_date else None

    @property
    def territory_labels(self) -> list[str]:
        return list(self.territory_types or [])


class InvestigationEnjeu(Link):
    """An investigation related to a grand enjeu (the investigations were not chosen by enjeu: mostly by theme)."""

    investigation = models.ForeignKey(
        Investigation, verbose_name="investigation", on_delete=models.CASCADE, related_name="enjeu_links"
    )
    enjeu = models.ForeignKey(
        Enjeu, verbose_name="grand enjeu", on_delete=models.CASCADE, related_name="investigation_links"
    )

    class Meta:
        verbose_name = "lien investigation – grand enjeu"
        verbose_name_plural = "liens investigations – grands enjeux"
        ordering = ["enjeu__number", "investigation__title"]
        constraints = [
            models.UniqueConstraint(fields=["investigation", "enjeu"], name="investigation_enjeu_unique"),
            *Link.constraints_for("investigation_enjeu"),
        ]

    def __str__(self):
        return f"{self.investigation} → {self.enjeu}"


def validate_link_target(value: str) -> None:
    """A page of this site (« /accompagnement/ ») or an http(s) address."""
    if not (value.startswith("/") and not value.startswith("//")) and not safe_url(value):
        raise ValidationError("Indiquez une page du portail (commençant par « / ») ou une adresse http(s).")


class EnjeuOffer(Link):
    """Something else the Incubateur offers on an enjeu, beyond the catalogue (the ANSM diagnostic…)."""

    enjeu = models.ForeignKey(Enjeu, verbose_name="grand enjeu", on_delete=models.CASCADE, related_name="offers")
    title = models.CharField("intitulé", max_length=200)
    description = models.CharField("description", max_length=500)
    url = models.CharField("adresse", max_length=500, validators=[validate_link_target])
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "offre liée à un grand enjeu"
        verbose_name_plural = "offres liées aux grands enjeux"
        ordering = ["enjeu__number", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["enjeu", "title"], name="enjeu_offer_unique"),
            *Link.constraints_for("enjeu_offer"),
        ]

    def __str__(self):
        return f"{self.title} ({self.enjeu})"


class ReportedFigure(models.Model):
    """A figure the programme published (not counted from this archive), with its source and date."""

    key = models.SlugField("identifiant", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    value = models.CharField("valeur", max_length=50)
    as_of = models.CharField("date", max_length=20)
    source = models.CharField("source", max_length=500, help_text="Le titre de la source, tel que le public le lit.")
    source_url = models.URLField("adresse de la source", max_length=500, blank=True)
    note = models.CharField("précision publique", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "chiffre publié"
        verbose_name_plural = "chiffres publiés"
        ordering = ["position"]

    def __str__(self):
        return f"{self.value} {self.label}"
