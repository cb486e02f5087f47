"""ANSM diagnostic requests ("Accompagnement Numérique Sur-Mesure"), their trail and their messages."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from catalogue.models import Service, Thematique
from territoires.models import Commune, Departement, Epci


class Status(models.TextChoices):
    NEW = "nouvelle", "nouvelle"
    QUALIFYING = "qualification", "en qualification"
    SCHEDULED = "planifiee", "diagnostic planifié"
    DIAGNOSED = "realisee", "diagnostic réalisé"
    SUPPORTING = "accompagnement", "accompagnement en cours"
    CLOSED = "cloturee", "clôturée"
    DECLINED = "refusee", "refusée"
    WITHDRAWN = "abandonnee", "abandonnée"


# The staff group that triages the requests (created by migration 0002).
TRIAGE_GROUP = "Chargé·e d'accompagnement"
# What each status means for the requester, in plain words (follow-up page, status e-mails).
STATUS_EXPLANATIONS = {
    Status.NEW: "Nous avons bien reçu votre demande. Un·e chargé·e d'accompagnement va la lire et vous répondre.",
    Status.QUALIFYING: (
        "Un·e chargé·e d'accompagnement étudie votre demande : il ou elle peut vous appeler ou vous écrire pour "
        "mieux comprendre votre besoin et vérifier que l'accompagnement y répond."
    ),
    Status.SCHEDULED: (
        "Le diagnostic est prévu : l'équipe convient avec vous de la visioconférence et de la journée sur place."
    ),
    Status.DIAGNOSED: "Le diagnostic a eu lieu : l'équipe vous remet ses recommandations et le plan d'action.",
    Status.SUPPORTING: "L'équipe vous aide à mettre en place les solutions retenues dans le plan d'action.",
    Status.CLOSED: "L'accompagnement est terminé. Pour un nouveau besoin, vous pouvez faire une nouvelle demande.",
    Status.DECLINED: "L'équipe ne peut pas donner suite à cette demande ; le motif est indiqué avec le statut.",
    Status.WITHDRAWN: "La demande a été retirée : l'équipe ne la traite plus.",
}

OPEN_STATUSES = [Status.NEW, Status.QUALIFYING, Status.SCHEDULED, Status.DIAGNOSED, Status.SUPPORTING]


class RefusalReason(models.TextChoices):
    INELIGIBLE = "ineligible", "inéligible"
    DUPLICATE = "doublon", "doublon"
    OUT_OF_SCOPE = "hors_perimetre", "hors périmètre"
    NO_ANSWER = "sans_reponse", "sans réponse"


class Role(models.TextChoices):
    MAYOR = "maire", "maire"
    DEPUTY = "adjoint", "adjoint·e"
    COUNCILLOR = "conseiller", "conseiller·ère"
    SECRETARY = "secretaire", "secrétaire de mairie"
    DGS = "dgs", "DGS"
    AGENT = "agent", "agent·e"
    OTHER = "autre", "autre"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WaitingOn(models.TextChoices):
    TEAM = "equipe", "équipe"
    REQUESTER = "demandeur", "demandeur"


class DiagnosticRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def pending(self):
        return self.filter(status=Status.NEW)

    def for_token(self, token: str):
        """The request this follow-up token opens: its first link, one resent, or one sent later or to a colleague."""
        digest = hash_token(token)
        other_links = FollowUpLink.objects.filter(request=OuterRef("pk"), token_hash=digest)
        return self.filter(Q(token_hash=digest) | Q(resent_token_hashes__contains=[digest]) | Q(Exists(other_links)))

    def with_area(self):
        """Annotate ``departement_code`` and ``region_code``: the commune's, or for an EPCI those of its most
        populated member commune (the data gives no seat; an EPCI rarely crosses a département border)."""
        main_member = Commune.objects.filter(epci=OuterRef("epci")).order_by(
            F("population").desc(nulls_last=True), "code_insee"
        )
        return self.annotate(
            departement_code=Coalesce(
                "commune__departement_id",
                Subquery(main_member.values("departement_id")[:1]),
                output_field=models.CharField(),
            ),
            region_code=Coalesce(
                "commune__region_id", Subquery(main_member.values("region_id")[:1]), output_field=models.CharField()
            ),
        )

    def with_waiting(self):
        """Annotate ``waiting_on`` (``equipe`` or ``demandeur``, empty when closed) and ``waiting_since``.

        The requester must act after a text the team sent them (a message, or a status change with a
        message); otherwise the team must, since the requester's last message or the request's arrival.
        """
        last_exchange = (
            Event.objects.filter(request=OuterRef("pk"))
            .filter(Q(kind=Event.Kind.MESSAGE_FROM_REQUESTER) | Event.TEAM_TEXT)
            .order_by("-created_at", "-pk")
        )
        return self.annotate(
            last_exchange_kind=Subquery(last_exchange.values("kind")[:1]),
            last_exchange_at=Subquery(last_exchange.values("created_at")[:1]),
        ).annotate(
            waiting_on=Case(
                When(~Q(status__in=OPEN_STATUSES), then=Value("")),
                When(last_exchange_kind=Event.Kind.MESSAGE_FROM_REQUESTER, then=Value(WaitingOn.TEAM)),
                When(last_exchange_kind__isnull=False, then=Value(WaitingOn.REQUESTER)),
                default=Value(WaitingOn.TEAM),
            ),
            waiting_since=Coalesce("last_exchange_at", "created_at"),
        )

    def with_first_answer(self):
        """Annotate ``first_answer_at``: when the team first wrote to the requester or moved the request."""
        answers = Event.objects.filter(request=OuterRef("pk")).filter(Event.FIRST_ANSWER).order_by("created_at")
        return self.annotate(first_answer_at=Subquery(answers.values("created_at")[:1]))

    def unanswered(self):
        """Open requests the team has not answered yet: an assignment or an internal note is no answer."""
        return self.open().filter(~Q(pk__in=Event.objects.filter(Event.FIRST_ANSWER).values("request_id")))


class DiagnosticRequest(models.Model):
    # Territory: exactly one of commune and EPCI; its population is kept as it was when checked.
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True)
    epci = models.ForeignKey(Epci, verbose_name="EPCI", on_delete=models.PROTECT, null=True, blank=True)
    population = models.PositiveIntegerField("population au moment de la demande")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    role = models.CharField("fonction", max_length=12, choices=Role.choices)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    themes = models.ManyToManyField(Thematique, verbose_name="thématiques", related_name="diagnostic_requests")
    services = models.ManyToManyField(
        Service, verbose_name="services qui intéressent", blank=True, related_name="diagnostic_requests"
    )
    needs = models.TextField("besoins")
    consent_at = models.DateTimeField("consentement donné le")
    submission_key = models.UUIDField("clé d'envoi du formulaire", unique=True)
    token_hash = models.CharField("empreinte du lien de suivi", max_length=64, unique=True, editable=False)
    # Links sent again on request ("Renvoyer le lien de suivi"): added, never replacing the one in use, so a
    # stranger pressing the button cannot kill the requester's link.
    resent_token_hashes = ArrayField(
        models.CharField(max_length=64), verbose_name="empreintes des liens renvoyés", default=list, editable=False
    )
    link_resent_at = models.DateTimeField("lien de suivi renvoyé le", null=True, blank=True, editable=False)
    status = models.CharField("statut", max_length=15, choices=Status.choices, default=Status.NEW)
    refusal_reason = models.CharField("motif de refus", max_length=15, choices=RefusalReason.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé·e d'accompagnement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    diagnostic_date = models.DateField("date du diagnostic", null=True, blank=True)
    diagnostic_summary = models.TextField("synthèse du diagnostic", blank=True)
    # The diagnostic's needs and recommendations are DiagnosticNeed and Recommendation rows (below); the requester
    # sees them once published (workflow.publish_diagnostic).
    diagnostic_published_at = models.DateTimeField("diagnostic publié le", null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    updated_at = models.DateTimeField("dernière activité", auto_now=True)

    objects = DiagnosticRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'accompagnement"
        verbose_name_plural = "demandes d'accompagnement"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="request_one_territory",
                condition=Q(commune__isnull=False, epci__isnull=True) | Q(commune__isnull=True, epci__isnull=False),
            ),
            models.CheckConstraint(name="request_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(
                name="request_refusal_reason_only_when_declined",
                condition=Q(status=Status.DECLINED, refusal_reason__in=RefusalReason.values)
                | (~Q(status=Status.DECLINED) & Q(refusal_reason="")),
            ),
            # One open request per territory, even when two are posted at the same instant.
            models.UniqueConstraint(
                fields=["commune"], condition=Q(status__in=OPEN_STATUSES), name="request_one_open_per_commune"
            ),
            models.UniqueConstraint(
                fields=["epci"], condition=Q(status__in=OPEN_STATUSES), name="request_one_open_per_epci"
            ),
        ]
        indexes = [GinIndex(fields=["resent_token_hashes"], name="request_resent_tokens_gin")]
        permissions = [("triage_diagnosticrequest", "Peut trier et faire avancer les demandes")]

    def __str__(self):
        return f"{self.reference} — {self.territory_name}"

    @property
    def reference(self) -> str:
        return f"ANSM-{self.created_at.year if self.created_at else ''}-{self.pk:05d}" if self.pk else "ANSM-…"

    @property
    def territory(self):
        return self.commune or self.epci

    @property
    def territory_name(self) -> str:
        return str(self.commune.nom if self.commune_id else self.epci.nom if self.epci_id else "")

    @property
    def territory_label(self) -> str:
        """The territory as e-mails and pages name it: a commune with its département (Condat, Cantal or Lot)."""
        if self.commune_id:
            return f"{self.commune.nom} ({self.commune.departement.nom}, {self.commune.departement_id})"
        return self.territory_name

    @property
    def status_explanation(self) -> str:
        return STATUS_EXPLANATIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def new_token(self) -> str:
        """Give the request a new private follow-up token and return it (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    def add_token(self, *, keep: int = 20) -> str:
        """One more follow-up token for the request (the others keep working); only its hash is stored."""
        token = secrets.token_urlsafe(32)
        self.resent_token_hashes = [*self.resent_token_hashes, hash_token(token)][-keep:]
        return token


class Event(models.Model):
    """One line of a request's trail: a status change, a message, an assignment or a field edit."""

    class Kind(models.TextChoices):
        STATUS = "statut", "changement de statut"
        MESSAGE_TO_REQUESTER = "message_equipe", "message de l'équipe"
        MESSAGE_FROM_REQUESTER = "message_demandeur", "message du demandeur"
        NOTE = "note", "note interne"
        ASSIGNMENT = "attribution", "attribution"
        EDIT = "modification", "modification"
        DIAGNOSTIC = "diagnostic", "diagnostic publié"
        ANSWER = "reponse", "réponse à une recommandation"
        REMINDER = "relance", "relance du demandeur"
        LABEL = "etiquette", "étiquette"

    PUBLIC_KINDS = [
        Kind.STATUS,
        Kind.MESSAGE_TO_REQUESTER,
        Kind.MESSAGE_FROM_REQUESTER,
        Kind.DIAGNOSTIC,
        Kind.REMINDER,
    ]
    # Key of ``changes`` on what the portal did by itself (a reminder command, the routing): no author, no requester.
    AUTOMATIC = "automatique"
    # A text the team sent the requester: a message, or a status change carrying one.
    TEAM_TEXT = Q(kind=Kind.MESSAGE_TO_REQUESTER) | (Q(kind=Kind.STATUS, author__isnull=False) & ~Q(body=""))
    # What the requester receives from the team: a message or any status change made by staff.
    FIRST_ANSWER = Q(kind=Kind.MESSAGE_TO_REQUESTER) | Q(kind=Kind.STATUS, author__isnull=False)

    request = models.ForeignKey(
        DiagnosticRequest, verbose_name="demande", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, blank=True
    )
    old_status = models.CharField("ancien statut", max_length=15, choices=Status.choices, blank=True)
    new_status = models.CharField("nouveau statut", max_length=15, choices=Status.choices, blank=True)
    body = models.TextField("texte", blank=True)
    changes = models.JSONField("valeurs avant et après", default=dict, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique"
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Staff read Paris time everywhere, never the stored UTC.
        return f"{self.get_kind_display()} — {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS

    @property
    def is_automatic(self) -> bool:
        return self.author_id is None and self.AUTOMATIC in (self.changes or {})


class FollowUpLink(models.Model):
    """Another private address of a request's follow-up page: one per e-mail that carries a link, or a colleague's.

    Only the hash of each token is kept; a new link never disables the ones already sent.
    """

    class Kind(models.TextChoices):
        EMAIL = "courriel", "lien envoyé au demandeur"
        RECOVERY = "retrouve", "lien retrouvé par le demandeur"
        COLLEAGUE = "collegue", "collègue invité·e"

    request = models.ForeignKey(
        DiagnosticRequest, verbose_name="demande", on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField("empreinte du lien", max_length=64, unique=True, editable=False)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    email = models.EmailField("adresse de la personne invitée", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "lien de suivi"
        verbose_name_plural = "liens de suivi"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.created_at:%d/%m/%Y %H:%M}"

    @classmethod
    def make(cls, request: DiagnosticRequest, *, kind: str, email: str = "") -> str:
        """Save a new link to ``request`` and return its token (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        cls.objects.create(request=request, token_hash=hash_token(token), kind=kind, email=email)
        return token


# ---------------------------------------------------------------- the diagnostic: needs and recommendations
# (rules in accompagnement/diagnostic.py; publication and answers through workflow.py)


class Priority(models.TextChoices):
    HIGH = "haute", "haute"
    MEDIUM = "moyenne", "moyenne"
    LOW = "basse", "basse"


PRIORITY_ORDER = [Priority.HIGH, Priority.MEDIUM, Priority.LOW]


class DiagnosticNeedQuerySet(models.QuerySet):
    def by_priority(self):
        """Highest priority first, then in the order the chargé·e entered them."""
        rank = Case(*(When(priority=value, then=Value(i)) for i, value in enumerate(PRIORITY_ORDER)))
        return self.annotate(priority_rank=rank).order_by("priority_rank", "pk")


class DiagnosticNeed(models.Model):
    """A need the chargé·e found during the diagnostic, with its priority and its recommended services."""

    request = models.ForeignKey(
        DiagnosticRequest, verbose_name="demande", on_delete=models.CASCADE, related_name="diagnostic_needs"
    )
    label = models.CharField("besoin", max_length=150, help_text="En quelques mots, par exemple « Agenda partagé ».")
    thematique = models.ForeignKey(Thematique, verbose_name="thématique", on_delete=models.PROTECT, related_name="+")
    priority = models.CharField("priorité", max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    comment = models.TextField(
        "commentaire pour le demandeur",
        blank=True,
        help_text="Visible par le demandeur une fois le diagnostic publié.",
    )
    internal_note = models.TextField("note interne", blank=True, help_text="Jamais montrée au demandeur.")

    objects = DiagnosticNeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin du diagnostic"
        verbose_name_plural = "besoins du diagnostic"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="diagnostic_need_priority_valid", condition=Q(priority__in=Priority.values))
        ]

    def __str__(self):
        return f"{self.label} ({self.get_priority_display()})"


class Answer(models.TextChoices):
    DEPLOYED = "deploye", "nous l'avons déployé"
    NOT_KEPT = "non_retenu", "pas retenu"


class Recommendation(models.Model):
    """A catalogue service recommended for a need, and what the requester answered about it."""

    need = models.ForeignKey(
        DiagnosticNeed, verbose_name="besoin", on_delete=models.CASCADE, related_name="recommendations"
    )
    service = models.ForeignKey(
        Service, verbose_name="service recommandé", on_delete=models.PROTECT, related_name="recommendations"
    )
    answer = models.CharField("réponse du demandeur", max_length=10, choices=Answer.choices, blank=True)
    deployed_since = models.DateField("déployé depuis", null=True, blank=True)
    use_case = models.CharField("usage en une ligne", max_length=200, blank=True)
    reason = models.CharField("pourquoi pas retenu", max_length=500, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    # The usage the "deployed" answer started or joined (catalogue, to be verified by staff).
    deployment = models.ForeignKey(
        "catalogue.Deployment",
        verbose_name="utilisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "recommandation"
        verbose_name_plural = "recommandations"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "service"], name="recommendation_once_per_need"),
            models.CheckConstraint(
                name="recommendation_answer_valid", condition=Q(answer="") | Q(answer__in=Answer.values)
            ),
        ]

    def __str__(self):
        return f"{self.service} — {self.need.label}"


class SubmissionCounter(models.Model):
    """Posts of the public forms per client and time window: a rate limit that holds across web processes."""

    key = models.CharField("client et fenêtre", max_length=100, unique=True)
    count = models.PositiveIntegerField("envois", default=0)
    window_start = models.DateTimeField("début de la fenêtre")

    class Meta:
        verbose_name = "compteur d'envois"
        verbose_name_plural = "compteurs d'envois"

    def __str__(self):
        return self.key


class Delivery(models.TextChoices):
    PENDING = "en_attente", "en attente"
    SENT = "envoye", "envoyé"
    FAILED = "echec", "échec"


class EmailQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(delivery=Delivery.FAILED)


class Email(models.Model):
    """One e-mail about a request, in the outbox: the worker's task carries only this row's id.

    Its text (first name, follow-up link with its token, staff message) is emptied once it has left, so no
    personal data or raw token outlives the sending; the row stays so staff see what left and what failed.
    """

    # Empty for an e-mail about several requests (the staff reminder lists them).
    request = models.ForeignKey(
        DiagnosticRequest,
        verbose_name="demande",
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
    )
    template = models.CharField("modèle", max_length=50)
    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=250)
    body = models.TextField("texte (effacé une fois envoyé)", blank=True)
    delivery = models.CharField("état", max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(name="email_delivery_valid", condition=Q(delivery__in=Delivery.values))]

    def __str__(self):
        return f"{self.subject} — {self.get_delivery_display()}"


class LabelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The labels ``user`` sees: the team's shared ones and their own personal ones."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class Label(models.Model):
    """An étiquette staff put on requests: shared with the team (no owner), or personal (seen by its owner only)."""

    name = models.CharField("nom", max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="propriétaire (vide : partagée avec l'équipe)",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ansm_labels",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        verbose_name = "étiquette"
        verbose_name_plural = "étiquettes"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="label_one_name_per_owner", nulls_distinct=False),
        ]

    def __str__(self):
        return self.name if self.owner_id is None else f"{self.name} (personnelle)"

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class RequestLabel(models.Model):
    """A label on a request, with who put it there and when."""

    request = models.ForeignKey(
        DiagnosticRequest, verbose_name="demande", on_delete=models.CASCADE, related_name="request_labels"
    )
    label = models.ForeignKey(Label, verbose_name="étiquette", on_delete=models.CASCADE, related_name="request_labels")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="posée par", on_delete=models.SET_NULL, null=True, blank=True
    )
    added_at = models.DateTimeField("posée le", auto_now_add=True)

    class Meta:
        verbose_name = "étiquette d'une demande"
        verbose_name_plural = "étiquettes des demandes"
        constraints = [models.UniqueConstraint(fields=["request", "label"], name="request_label_once")]

    def __str__(self):
        return str(self.label)


class Sector(models.Model):
    """A group of chargé·es who take the requests of some départements (an EPCI's is its main member's)."""

    name = models.CharField("nom", max_length=100, unique=True)
    departements = models.ManyToManyField(Departement, verbose_name="départements", related_name="ansm_sectors")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="chargé·es du secteur", blank=True, related_name="ansm_sectors"
    )

    class Meta:
        verbose_name = "secteur"
        verbose_name_plural = "secteurs"
        ordering = ["name"]

    def __str__(self):
        return self.name
