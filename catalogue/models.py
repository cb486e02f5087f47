"""The catalogue of open-source digital services for local authorities."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse

from consultation.models import Enjeu, Investigation, Link, LinkBasis
from territoires.models import Commune, Departement, Epci, Region
from territoires.search import ImmutableUnaccent as BaseImmutableUnaccent

SEARCH_CONFIG = "french_unaccent"


class ImmutableUnaccent(BaseImmutableUnaccent):
    """The accent folding of ``territoires.search``, under the path that migration 0001 names."""


class Porteur(models.Model):
    """The organisation that carries a service."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "public"
        PRIVATE = "private", "privé"
        ASSOCIATION = "association", "association"
        UNKNOWN = "unknown", "inconnue"

    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices, default=Kind.UNKNOWN)
    website = models.URLField("site web", max_length=500, blank=True)

    class Meta:
        verbose_name = "porteur"
        verbose_name_plural = "porteurs"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Thematique(models.Model):
    """A family of needs from the small controlled list that staff manage (catalogue facets, ANSM form)."""

    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)
    description = models.CharField(
        "ce qu'elle couvre", max_length=300, blank=True, help_text="Quelques exemples de besoins, en une ligne."
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CodeStatus(models.TextChoices):
    OPEN = "open", "code ouvert"
    OPENING = "opening", "ouverture en cours"
    CLOSED = "closed", "code fermé"
    UNKNOWN = "unknown", "statut du code inconnu"


class Stage(models.TextChoices):
    CONSTRUCTION = "construction", "en construction"
    ACCELERATION = "acceleration", "en déploiement"
    PERENNISATION = "perennisation", "pérennisé"
    ABANDON = "abandon", "arrêté"
    UNKNOWN = "unknown", "maturité inconnue"


class AnctRole(models.TextChoices):
    INCUBATED = "incubateur", "incubé ou porté par l'Incubateur des territoires"
    SPONSOR = "sponsor", "soutenu par l'ANCT, sans être incubé par l'Incubateur des territoires"


class Cost(models.TextChoices):
    FREE_SERVICE = "free_service", "service gratuit pour les collectivités"
    FREE_SOFTWARE = "free_software", "logiciel libre à installer soi-même, sans service hébergé"
    PAID = "paid", "offre payante"
    UNKNOWN = "unknown", "coût non connu"


class AudienceKind(models.TextChoices):
    COMMUNE = "commune", "communes"
    EPCI = "epci", "intercommunalités (EPCI)"
    DEPARTEMENT = "departement", "départements"
    REGION = "region", "régions"
    OTHER = "other", "autres organismes publics"


# publiccode.yml (standard 0.4) values, see catalogue/publiccode_rules.py.
class SoftwareType(models.TextChoices):
    WEB = "standalone/web", "application web"
    MOBILE = "standalone/mobile", "application mobile"
    DESKTOP = "standalone/desktop", "logiciel de bureau"
    BACKEND = "standalone/backend", "logiciel serveur"
    IOT = "standalone/iot", "objets connectés"
    OTHER = "standalone/other", "autre logiciel autonome"
    ADDON = "addon", "extension d'un autre logiciel"
    LIBRARY = "library", "bibliothèque de code"
    CONFIGURATION = "configurationFiles", "fichiers de configuration"


class DevelopmentStatus(models.TextChoices):
    CONCEPT = "concept", "concept"
    DEVELOPMENT = "development", "en développement"
    BETA = "beta", "en test (bêta)"
    STABLE = "stable", "stable"
    OBSOLETE = "obsolete", "obsolète"


class MaintenanceType(models.TextChoices):
    INTERNAL = "internal", "maintenu par le propriétaire du dépôt"
    CONTRACT = "contract", "maintenu sous contrat"
    COMMUNITY = "community", "maintenu par une communauté"
    NONE = "none", "plus maintenu"


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def active(self):
        """Services that are not stopped: the only ones a commune can adopt or ask about."""
        return self.exclude(stage=Stage.ABANDON)

    def with_open_code(self):
        return self.filter(code_status=Service.CodeStatus.OPEN)


class Service(models.Model):
    CodeStatus = CodeStatus
    Stage = Stage
    Cost = Cost

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=200, unique=True)
    summary = models.CharField("résumé en une phrase", max_length=300)
    description = models.TextField("description", blank=True)
    problem = models.TextField("problème résolu", blank=True)
    audience = models.TextField("pour qui", blank=True)
    how_to_adopt = models.TextField("comment l'adopter", blank=True)
    audience_kinds = ArrayField(
        models.CharField(max_length=12, choices=AudienceKind.choices),
        verbose_name="collectivités visées",
        default=list,
        blank=True,
    )
    cost = models.CharField("coût", max_length=15, choices=Cost.choices, default=Cost.UNKNOWN)
    cost_detail = models.CharField("précision sur le coût", max_length=300, blank=True)
    instance_url = models.URLField(
        "instance qu'une collectivité peut rejoindre",
        max_length=500,
        blank=True,
        help_text="Adresse d'une instance hébergée ouverte aux collectivités, si une source le dit.",
    )
    operator = models.CharField("qui exploite cette instance", max_length=200, blank=True)
    website = models.URLField("site web", max_length=500, blank=True)
    repository = models.URLField("dépôt du code source", max_length=500, blank=True)
    repository_previous = models.URLField("ancienne adresse du dépôt", max_length=500, blank=True)
    repository_evidence = models.TextField("d'où vient l'adresse du dépôt", blank=True)
    license = models.CharField("licence (expression SPDX)", max_length=100, blank=True)
    license_evidence = models.TextField("d'où vient la licence", blank=True)
    code_status = models.CharField(
        "statut du code", max_length=10, choices=CodeStatus.choices, default=CodeStatus.UNKNOWN
    )
    stage = models.CharField("maturité", max_length=15, choices=Stage.choices, default=Stage.UNKNOWN)
    stage_detail = models.CharField("précision sur la maturité", max_length=500, blank=True)
    porteur = models.ForeignKey(
        Porteur, verbose_name="porteur", on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    anct_role = models.CharField("rôle de l'ANCT", max_length=12, choices=AnctRole.choices, blank=True)
    themes = models.ManyToManyField(Thematique, verbose_name="thématiques", blank=True, related_name="services")
    enjeux = models.ManyToManyField(
        Enjeu, verbose_name="grands enjeux", through="ServiceEnjeu", blank=True, related_name="services"
    )
    investigations = models.ManyToManyField(
        Investigation,
        verbose_name="investigations d'origine",
        through="ServiceInvestigation",
        blank=True,
        related_name="services",
    )
    # None: no source says whether France Relance funded it.
    france_relance = models.BooleanField("soutenu par France Relance", null=True, blank=True, default=None)
    funding_eur = models.PositiveIntegerField("montant France Relance (€)", null=True, blank=True)
    scaled_2023 = models.BooleanField("accéléré en 2023", default=False)
    contact = models.CharField("contact public (courriel ou adresse web)", max_length=300, blank=True)
    sources = models.JSONField("sources des informations", default=list, blank=True)
    notes = models.TextField("notes sur les sources", blank=True)
    facts_checked_at = models.DateField("informations relevées le", null=True, blank=True)
    # What publiccode.yml (standard 0.4) says of the software; empty until a source or an import says it.
    language = models.CharField(
        "langue du résumé et de la description", max_length=35, default="fr", help_text="Code BCP 47 : fr, en, it…"
    )
    features = models.JSONField("fonctionnalités", default=list, blank=True, help_text="Une liste de textes.")
    categories = ArrayField(
        models.CharField(max_length=50),
        verbose_name="catégories publiccode.yml",
        default=list,
        blank=True,
        help_text="Valeurs de la liste du standard, séparées par des virgules (par exemple online-booking).",
    )
    platforms = ArrayField(
        models.CharField(max_length=50), verbose_name="plateformes", default=list, blank=True, help_text="web, ios…"
    )
    software_type = models.CharField("type de logiciel", max_length=20, choices=SoftwareType.choices, blank=True)
    development_status = models.CharField(
        "état du logiciel", max_length=12, choices=DevelopmentStatus.choices, blank=True
    )
    maintenance_type = models.CharField("maintenance", max_length=10, choices=MaintenanceType.choices, blank=True)
    # People named by the maintainers in their own publiccode.yml: given back in the export, never on a page.
    maintenance_contacts = models.JSONField("contacts techniques", default=list, blank=True)
    maintenance_contractors = models.JSONField("prestataires de maintenance", default=list, blank=True)
    localisation_ready = models.BooleanField("prêt pour la traduction", null=True, blank=True)
    available_languages = ArrayField(
        models.CharField(max_length=35), verbose_name="langues disponibles", default=list, blank=True
    )
    logo = models.CharField("logo (adresse ou chemin dans le dépôt)", max_length=500, blank=True)
    used_by = models.JSONField("utilisateurs déclarés par les mainteneurs", default=list, blank=True)
    other_descriptions = models.JSONField("descriptions dans d'autres langues", default=dict, blank=True)
    publiccode_extra = models.JSONField("autres clés publiccode.yml", default=dict, blank=True)
    publiccode_path = models.CharField("publiccode.yml du dépôt", max_length=300, blank=True)
    is_published = models.BooleanField("publié", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    # Derived columns kept by PostgreSQL itself, so an import, the admin or a shell can never leave them stale.
    search_vector = models.GeneratedField(
        verbose_name="vecteur de recherche",
        expression=SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("problem", "audience", "description", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    name_search = models.GeneratedField(
        verbose_name="nom sans accents",
        expression=ImmutableUnaccent(Lower("name")),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Name and summary without accents: the typo-tolerant (trigram) part of the search.
    text_search = models.GeneratedField(
        verbose_name="nom et résumé sans accents",
        expression=ImmutableUnaccent(Lower(Concat("name", Value(" "), "summary"))),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="service_name"),
            GinIndex(fields=["search_vector"], name="service_search_vector"),
            GinIndex(OpClass("name_search", name="gin_trgm_ops"), name="service_name_trgm"),
            GinIndex(OpClass("text_search", name="gin_trgm_ops"), name="service_text_trgm"),
        ]
        constraints = [
            models.CheckConstraint(name="service_code_status_valid", condition=Q(code_status__in=CodeStatus.values)),
            models.CheckConstraint(name="service_stage_valid", condition=Q(stage__in=Stage.values)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:service_detail", kwargs={"slug": self.slug})

    @property
    def is_stopped(self) -> bool:
        return self.stage == Stage.ABANDON

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(AudienceKind.choices)
        return [labels.get(kind, kind) for kind in self.audience_kinds]


class ServiceEnjeu(Link):
    """A service that answers a grand enjeu of the 2021 consultation, with the basis of that link."""

    service = models.ForeignKey(Service, verbose_name="service", on_delete=models.CASCADE, related_name="enjeu_links")
    enjeu = models.ForeignKey(
        Enjeu, verbose_name="grand enjeu", on_delete=models.CASCADE, related_name="service_links"
    )

    class Meta:
        verbose_name = "lien service – grand enjeu"
        verbose_name_plural = "liens services – grands enjeux"
        ordering = ["enjeu__number", "service__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "enjeu"], name="service_enjeu_unique"),
            *Link.constraints_for("service_enjeu"),
        ]

    def __str__(self):
        return f"{self.service} → {self.enjeu}"


class ServiceInvestigation(Link):
    """A service that came out of an investigation of the PNI."""

    service = models.ForeignKey(
        Service, verbose_name="service", on_delete=models.CASCADE, related_name="investigation_links"
    )
    investigation = models.ForeignKey(
        Investigation, verbose_name="investigation", on_delete=models.CASCADE, related_name="service_links"
    )

    class Meta:
        verbose_name = "lien service – investigation d'origine"
        verbose_name_plural = "liens services – investigations d'origine"
        ordering = ["investigation__title", "service__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "investigation"], name="service_investigation_unique"),
            *Link.constraints_for("service_investigation"),
        ]

    def __str__(self):
        return f"{self.investigation} → {self.service}"


class UsageOrigin(models.TextChoices):
    """Where a usage comes from: it decides nothing, staff verify every one before it is published."""

    ANSM = "ansm", "suite d'un diagnostic ANSM"
    DECLARATION = "declaration", "déclaration sur la page du service"
    STAFF = "staff", "saisie par l'équipe"
    PUBLICCODE = "publiccode", "usedBy d'un publiccode.yml rapproché de la liste officielle"


class UsageState(models.TextChoices):
    PENDING = "pending", "à vérifier"
    PUBLISHED = "published", "publiée"
    TO_CONFIRM = "to_confirm", "à confirmer"
    HIDDEN = "hidden", "masquée faute de confirmation"
    REJECTED = "rejected", "refusée"


# Shown to the public: verified usages, including those whose confirmation is overdue ("à confirmer").
PUBLIC_USAGE_STATES = [UsageState.PUBLISHED, UsageState.TO_CONFIRM]


class DeploymentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(state__in=PUBLIC_USAGE_STATES)


class Deployment(models.Model):
    """A body that uses a service ("qui l'utilise"), keyed on its official code: a commune (INSEE), an EPCI
    (SIREN), a département or a région (COG code), or another body."""

    class Status(models.TextChoices):
        PILOT = "pilot", "en expérimentation"
        ACTIVE = "active", "en service"
        ENDED = "ended", "arrêté"

    service = models.ForeignKey(Service, verbose_name="service", on_delete=models.CASCADE, related_name="deployments")
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True)
    epci = models.ForeignKey(Epci, verbose_name="EPCI", on_delete=models.PROTECT, null=True, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="région",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Seulement quand la région elle-même utilise le service.",
    )
    # Set (from the commune when there is one) for every body but a région, so "used in my département" is one
    # indexed filter.
    departement = models.ForeignKey(
        Departement,
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,  # filled from the commune by clean()
        help_text="Le département qui utilise le service, ou celui de l'EPCI ou de l'organisme. "
        "Laissez vide pour une commune : son département est repris.",
    )
    other_body = models.CharField("autre organisme", max_length=200, blank=True)
    since = models.DateField("depuis", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    use_case = models.CharField("usage en une ligne", max_length=200, blank=True)
    contact = models.CharField(
        "contact public",
        max_length=200,
        blank=True,
        help_text="Une adresse ou une page publique de la collectivité (jamais l'adresse personnelle d'un agent), "
        "ou rien.",
    )
    stop_reason = models.TextField("raison de l'arrêt", blank=True)
    instance_url = models.URLField("adresse de l'instance publique", max_length=500, blank=True)
    source = models.CharField("source", max_length=500, blank=True)
    origin = models.CharField("origine", max_length=12, choices=UsageOrigin.choices, default=UsageOrigin.STAFF)
    state = models.CharField("vérification", max_length=10, choices=UsageState.choices, default=UsageState.PENDING)
    verified_at = models.DateTimeField("vérifiée le", null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The 24-month confirmation clock starts again at each verification or confirmation.
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True, editable=False)

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        verbose_name = "utilisation"
        verbose_name_plural = "utilisations"
        ordering = ["service", "status"]
        constraints = [
            models.CheckConstraint(
                name="deployment_at_most_one_body",
                condition=(
                    Q(commune__isnull=True, epci__isnull=True, region__isnull=True)
                    | Q(commune__isnull=False, epci__isnull=True, region__isnull=True, other_body="")
                    | Q(commune__isnull=True, epci__isnull=False, region__isnull=True, other_body="")
                    | Q(commune__isnull=True, epci__isnull=True, region__isnull=False, other_body="")
                ),
                violation_error_message=(
                    "Indiquez une seule collectivité : une commune, un EPCI, une région ou un autre organisme."
                ),
            ),
            models.CheckConstraint(
                name="deployment_located",
                condition=Q(departement__isnull=False) | Q(region__isnull=False),
                violation_error_message="Indiquez le département de cet utilisateur.",
            ),
            models.CheckConstraint(
                name="deployment_status_valid", condition=Q(status__in=["pilot", "active", "ended"])
            ),
            models.CheckConstraint(name="deployment_state_valid", condition=Q(state__in=UsageState.values)),
            models.CheckConstraint(name="deployment_origin_valid", condition=Q(origin__in=UsageOrigin.values)),
        ]
        indexes = [models.Index(fields=["departement", "service"], name="deployment_departement")]

    def clean(self):
        if self.commune_id:
            self.departement_id = self.commune.departement_id
        if self.region_id:
            self.departement_id = None
        if not self.departement_id and not self.region_id:
            raise ValidationError({"departement": "Indiquez le département de cet utilisateur."})

    def __str__(self):
        return f"{self.user_name} — {self.service}"

    @property
    def user_name(self) -> str:
        if self.commune_id:
            return self.commune.nom
        if self.epci_id:
            return self.epci.nom
        if self.region_id:
            return self.region.nom
        return self.other_body or self.departement.nom

    @property
    def official_code(self) -> str:
        """The body's official code: INSEE code of a commune, SIREN of an EPCI, COG code otherwise."""
        if self.commune_id:
            return self.commune_id
        if self.epci_id:
            return self.epci_id
        if self.region_id:
            return self.region_id
        return "" if self.other_body else self.departement_id

    @property
    def is_to_confirm(self) -> bool:
        return self.state == UsageState.TO_CONFIRM


class DeploymentChange(models.Model):
    """The trail of a usage: every verification, confirmation, expiry and edit, with who or what made it."""

    deployment = models.ForeignKey(
        Deployment, verbose_name="utilisation", on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField("date", auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, blank=True
    )
    actor = models.CharField("origine du changement", max_length=100, blank=True)
    old_state = models.CharField("ancien état", max_length=10, choices=UsageState.choices, blank=True)
    new_state = models.CharField("nouvel état", max_length=10, choices=UsageState.choices, blank=True)
    fields = models.JSONField("champs modifiés", default=dict, blank=True)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "changement d'une utilisation"
        verbose_name_plural = "changements des utilisations"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.deployment} — {self.at:%d/%m/%Y}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UsageDeclaration(models.Model):
    """An agent's declaration from a service page ("nous l'utilisons" or "nous l'avons arrêté").

    The professional e-mail is confirmed by a link (double opt-in) and never published; staff then verify it.
    """

    class Kind(models.TextChoices):
        USES = "uses", "nous l'utilisons"
        STOPPED = "stopped", "nous l'avons arrêté"

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", "adresse à confirmer"
        TO_REVIEW = "to_review", "à vérifier"
        ACCEPTED = "accepted", "acceptée"
        REJECTED = "rejected", "refusée"

    service = models.ForeignKey(
        Service, verbose_name="service", on_delete=models.CASCADE, related_name="usage_declarations"
    )
    kind = models.CharField("déclaration", max_length=10, choices=Kind.choices)
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True)
    epci = models.ForeignKey(Epci, verbose_name="EPCI", on_delete=models.PROTECT, null=True, blank=True)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, null=True, blank=True)
    since = models.DateField("depuis", null=True, blank=True)
    use_case = models.CharField("usage en une ligne", max_length=200, blank=True)
    contact = models.CharField("contact public proposé", max_length=200, blank=True)
    stop_reason = models.TextField("raison de l'arrêt", blank=True)
    email = models.EmailField("adresse professionnelle (jamais publiée)", max_length=254)
    token_hash = models.CharField("empreinte du lien de confirmation", max_length=64, unique=True, editable=False)
    status = models.CharField("statut", max_length=14, choices=Status.choices, default=Status.AWAITING_EMAIL)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    email_confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField("vérifiée le", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    deployment = models.ForeignKey(
        Deployment,
        verbose_name="utilisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="declarations",
    )

    class Meta:
        verbose_name = "déclaration d'utilisation"
        verbose_name_plural = "déclarations d'utilisation"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="declaration_one_body",
                condition=(
                    Q(commune__isnull=False, epci__isnull=True, departement__isnull=True, region__isnull=True)
                    | Q(commune__isnull=True, epci__isnull=False, departement__isnull=True, region__isnull=True)
                    | Q(commune__isnull=True, epci__isnull=True, departement__isnull=False, region__isnull=True)
                    | Q(commune__isnull=True, epci__isnull=True, departement__isnull=True, region__isnull=False)
                ),
                violation_error_message="Indiquez une seule collectivité.",
            ),
            models.CheckConstraint(name="declaration_kind_valid", condition=Q(kind__in=["uses", "stopped"])),
        ]

    def __str__(self):
        return f"{self.body} — {self.service} ({self.get_kind_display()})"

    @property
    def body(self):
        return self.commune or self.epci or self.departement or self.region

    def new_token(self) -> str:
        """Give the declaration a new confirmation token and return it (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token


class Laureat(models.Model):
    """A project retained and funded by France Relance (2021), linked to its service when it is in the catalogue."""

    title = models.CharField("projet", max_length=300, unique=True)
    porteur = models.ForeignKey(
        Porteur, verbose_name="porteur", on_delete=models.PROTECT, null=True, blank=True, related_name="laureats"
    )
    amount_eur = models.PositiveIntegerField("montant (€)", null=True, blank=True)
    enjeu = models.ForeignKey(
        Enjeu, verbose_name="grand enjeu", on_delete=models.SET_NULL, null=True, blank=True, related_name="laureats"
    )
    enjeu_basis = models.CharField(
        "fondement du lien avec l'enjeu", max_length=10, choices=LinkBasis.choices, blank=True
    )
    service = models.ForeignKey(
        Service, verbose_name="service", on_delete=models.SET_NULL, null=True, blank=True, related_name="laureats"
    )
    service_basis = models.CharField(
        "fondement du lien avec le service", max_length=10, choices=LinkBasis.choices, blank=True
    )
    scaled_2023 = models.BooleanField("accéléré en 2023", default=False)
    sources = models.JSONField("sources", default=list, blank=True)
    notes = models.TextField("notes", blank=True)

    class Meta:
        verbose_name = "lauréat France Relance"
        verbose_name_plural = "lauréats France Relance"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="laureat_enjeu_basis_given",
                condition=Q(enjeu__isnull=True, enjeu_basis="")
                | Q(enjeu__isnull=False, enjeu_basis__in=LinkBasis.values),
                violation_error_message="Indiquez le fondement du lien avec l'enjeu (et seulement s'il y a un enjeu).",
            ),
            models.CheckConstraint(
                name="laureat_service_basis_given",
                condition=Q(service__isnull=True, service_basis="")
                | Q(service__isnull=False, service_basis__in=LinkBasis.values),
                violation_error_message=(
                    "Indiquez le fondement du lien avec le service (et seulement s'il y a un service)."
                ),
            ),
        ]

    def __str__(self):
        return self.title


class SearchSynonym(models.Model):
    """Words a commune types, searched as the words the catalogue uses ("parapheur" -> "signature électronique")."""

    term = models.CharField(
        "mots tapés",
        max_length=100,
        unique=True,
        help_text="Ce qu'une commune tape, par exemple « salle des fêtes ». Accents et majuscules sont ignorés.",
    )
    expansion = models.CharField(
        "recherchés aussi comme",
        max_length=300,
        help_text="Les mots du catalogue à chercher en plus, en groupes séparés par des virgules : "
        "chaque groupe est cherché entier (par exemple « réservation salles, équipements publics »).",
    )
    term_search = models.GeneratedField(
        verbose_name="mots tapés sans accents",
        expression=ImmutableUnaccent(Lower("term")),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "synonyme de recherche"
        verbose_name_plural = "synonymes de recherche"
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.expansion}"

    @property
    def groups(self) -> list[str]:
        return [group.strip() for group in self.expansion.split(",") if group.strip()]
