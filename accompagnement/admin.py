"""Staff triage of the ANSM requests. Status changes go through workflow.py; nothing is ever deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accompagnement import workflow
from accompagnement.models import TRIAGE_GROUP, DiagnosticRequest, Event, RefusalReason, Status
from core.opendata import csv_response
from territoires.admin import ReadOnlyAdmin

EDITABLE_FIELDS = ["assignee", "diagnostic_date", "diagnostic_summary", "recommended_services"]


class AssigneeFilter(admin.SimpleListFilter):
    title = "chargé·e d'accompagnement"
    parameter_name = "attribution"

    def lookups(self, request, model_admin):
        return [("moi", "à moi"), ("aucun", "non assignées")]

    def queryset(self, request, queryset):
        if self.value() == "moi":
            return queryset.filter(assignee=request.user)
        if self.value() == "aucun":
            return queryset.filter(assignee__isnull=True)
        return queryset


class TerritoryKindFilter(admin.SimpleListFilter):
    title = "type de collectivité"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("commune", "commune"), ("epci", "EPCI")]

    def queryset(self, request, queryset):
        if self.value() == "commune":
            return queryset.filter(commune__isnull=False)
        if self.value() == "epci":
            return queryset.filter(epci__isnull=False)
        return queryset


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "author", "old_status", "new_status", "body", "changes"]
    readonly_fields = fields
    verbose_name_plural = "historique (lecture seule)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DiagnosticRequestAdminForm(forms.ModelForm):
    new_status = forms.ChoiceField(label="Passer au statut", required=False)
    refusal_reason_choice = forms.ChoiceField(
        label="Motif (en cas de refus)", required=False, choices=[("", "—"), *RefusalReason.choices]
    )
    status_note = forms.CharField(
        label="Commentaire du changement de statut", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    message_to_requester = forms.CharField(
        label="Message au demandeur (envoyé par courriel et visible sur sa page de suivi)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label="Note interne (jamais montrée au demandeur)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DiagnosticRequest
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else Status.NEW
        self.fields["new_status"].choices = [("", "— inchangé —")] + [
            (status, Status(status).label) for status in workflow.allowed_next(current)
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_at"] = self.instance.updated_at.isoformat()
        if "assignee" in self.fields:
            # Active members of the triage group only (not every account, not superusers as such); whoever is
            # assigned now stays a valid choice, so the page can be saved unchanged.
            self.fields["assignee"].queryset = (
                get_user_model()
                .objects.filter(Q(is_active=True, groups__name=TRIAGE_GROUP) | Q(pk=self.instance.assignee_id or None))
                .distinct()
                .order_by("last_name", "first_name", "username")
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Lock first, then compare: the admin validates and saves in one transaction, so a colleague's edit
            # or move either committed before this check (and is seen) or waits until this one is saved.
            stored = (
                DiagnosticRequest.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if stored and cleaned.get("loaded_at") and stored.isoformat() != cleaned["loaded_at"]:
                raise forms.ValidationError(
                    "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la consultiez. "
                    "Rechargez la page pour voir ses nouvelles valeurs : vos saisies n'ont pas été enregistrées."
                )
        if cleaned.get("new_status") == Status.DECLINED and not cleaned.get("refusal_reason_choice"):
            self.add_error("refusal_reason_choice", "Choisissez le motif du refus.")
        return cleaned


def _move_action(status):
    """A bulk action moving the selected requests to ``status`` through the workflow."""

    def move(modeladmin, request, queryset):
        moved, refused = 0, 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                workflow.move_request(pk, to=status, by=request.user)
                moved += 1
            except workflow.TransitionNotAllowed:
                refused += 1
        messages.success(request, f"{moved} demande(s) passée(s) au statut « {status.label} ».")
        if refused:
            messages.warning(
                request,
                f"{refused} demande(s) ignorée(s) : leur statut ne permet pas ce changement (déjà traitées ?).",
            )

    move.__name__ = f"move_to_{status.value}"
    return admin.action(description=f"Passer au statut « {status.label} »", permissions=["triage"])(move)


# Refusals need a reason and withdrawals are the requester's: those go through the change page.
MOVE_ACTIONS = [
    _move_action(status) for status in Status if status not in (Status.NEW, Status.DECLINED, Status.WITHDRAWN)
]


@admin.register(DiagnosticRequest)
class DiagnosticRequestAdmin(admin.ModelAdmin):
    form = DiagnosticRequestAdminForm
    list_display = [
        "reference_link",
        "territory_name",
        "departement",
        "population",
        "status",
        "assignee",
        "age_in_days",
        "updated_at",
    ]
    list_filter = [
        "status",
        AssigneeFilter,
        TerritoryKindFilter,
        ("commune__departement__region", admin.RelatedOnlyFieldListFilter),
        ("commune__departement", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["commune__departement", "epci", "assignee"]
    search_fields = ["commune__nom", "epci__nom", "first_name", "last_name", "email"]
    readonly_fields = [
        "reference",
        "status",
        "refusal_reason",
        "commune",
        "epci",
        "population",
        "first_name",
        "last_name",
        "role",
        "email",
        "phone",
        "theme_list",
        "service_list",
        "needs",
        "consent_at",
        "created_at",
        "updated_at",
        "email_deliveries",
    ]
    autocomplete_fields = ["recommended_services"]
    inlines = [EventInline]
    actions = ["assign_to_me", *MOVE_ACTIONS, "export_csv"]
    fieldsets = [
        (
            "Demande",
            {
                "fields": [
                    "reference",
                    "status",
                    "refusal_reason",
                    "commune",
                    "epci",
                    "population",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Demandeur", {"fields": ["first_name", "last_name", "role", "email", "phone", "consent_at"]}),
        ("Besoins", {"fields": ["theme_list", "service_list", "needs"]}),
        (
            "Suivi",
            {
                "fields": [
                    "assignee",
                    "new_status",
                    "refusal_reason_choice",
                    "status_note",
                    "message_to_requester",
                    "internal_note",
                    "loaded_at",
                ]
            },
        ),
        ("Diagnostic", {"fields": ["diagnostic_date", "diagnostic_summary", "recommended_services"]}),
        ("Courriels", {"fields": ["email_deliveries"]}),
    ]

    def get_urls(self):
        from django.urls import path

        dashboard = path(
            "tableau-de-bord/",
            self.admin_site.admin_view(self.dashboard_view),
            name="accompagnement_diagnosticrequest_dashboard",
        )
        return [dashboard, *super().get_urls()]

    def dashboard_view(self, request):
        from django.template.response import TemplateResponse

        from accompagnement.dashboard import dashboard_figures

        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Tableau de bord des demandes",
            **dashboard_figures(),
        }
        return TemplateResponse(request, "admin/accompagnement/dashboard.html", context)

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        # "ANSM-2026-00042" or "42" finds request 42.
        number = search_term.rsplit("-", 1)[-1].strip()
        if number.isdigit():
            queryset |= self.model.objects.filter(pk=int(number))
        return queryset, distinct

    def has_delete_permission(self, request, obj=None):
        return False  # a request is never lost

    def has_triage_permission(self, request, obj=None):
        """Moving, assigning and messaging: the triage group's right, not every account that may read."""
        return request.user.has_perm("accompagnement.triage_diagnosticrequest")

    def has_add_permission(self, request):
        return False  # requests come from the public form

    @admin.display(description="référence", ordering="pk")
    def reference_link(self, obj):
        return obj.reference

    @admin.display(description="département")
    def departement(self, obj):
        return obj.commune.departement.nom if obj.commune_id else "—"

    @admin.display(description="âge (jours)", ordering="created_at")
    def age_in_days(self, obj):
        return (timezone.now() - obj.created_at).days

    @admin.display(description="thématiques")
    def theme_list(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all()) or "—"

    @admin.display(description="état d'envoi des courriels")
    def email_deliveries(self, obj):
        """Each e-mail of the request and whether it left (envoyé, en attente, échec); never its text."""
        rows = [
            (
                f"{email.created_at:%d/%m/%Y %H:%M}",
                email.subject,
                email.to,
                email.get_delivery_display(),
                f"{email.attempts} tentative(s)" + (f" — {email.last_error}" if email.last_error else ""),
            )
            for email in obj.emails.all()
        ]
        if not rows:
            return "Aucun courriel."
        return format_html(
            "<table><thead><tr><th>créé le</th><th>objet</th><th>destinataire</th><th>état</th><th>envoi</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="services qui intéressent")
    def service_list(self, obj):
        return ", ".join(service.name for service in obj.services.all()) or "—"

    def save_model(self, request, obj, form, change):
        """Field edits are recorded with their old and new values; status and messages go through workflow."""
        with transaction.atomic():
            before = DiagnosticRequest.objects.select_for_update().get(pk=obj.pk)
            changes = {
                name: [str(getattr(before, name) or ""), str(getattr(obj, name) or "")]
                for name in form.changed_data
                if name in EDITABLE_FIELDS and name != "recommended_services"
            }
            if "assignee" in changes:
                changes.pop("assignee")
                workflow.assign_request(obj.pk, to_user=obj.assignee, by=request.user)
            obj.save(update_fields=["diagnostic_date", "diagnostic_summary", "updated_at"])
            if changes:
                Event.objects.create(request=obj, kind=Event.Kind.EDIT, author=request.user, changes=changes)

    def save_related(self, request, form, formsets, change):
        obj, data = form.instance, form.cleaned_data
        workflow_fields = ["new_status", "message_to_requester", "internal_note"]
        if any(data.get(name) for name in workflow_fields) and not self.has_triage_permission(request, obj):
            raise PermissionDenied
        super().save_related(request, form, formsets, change)
        if "recommended_services" in form.changed_data:
            Event.objects.create(
                request=obj,
                kind=Event.Kind.EDIT,
                author=request.user,
                changes={"services recommandés": ["", ", ".join(s.name for s in obj.recommended_services.all())]},
            )
        try:
            if data.get("new_status"):
                workflow.move_request(
                    obj.pk,
                    to=data["new_status"],
                    by=request.user,
                    note=data.get("status_note", ""),
                    reason=data.get("refusal_reason_choice", ""),
                )
            if data.get("message_to_requester"):
                workflow.post_message(obj.pk, body=data["message_to_requester"], by=request.user)
            if data.get("internal_note"):
                workflow.post_message(obj.pk, body=data["internal_note"], by=request.user, internal=True)
        except workflow.TransitionNotAllowed as error:
            messages.error(request, f"Cette demande a déjà été traitée : {error}")

    @admin.action(description="M'attribuer les demandes sélectionnées", permissions=["triage"])
    def assign_to_me(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            workflow.assign_request(pk, to_user=request.user, by=request.user)
        messages.success(request, f"{queryset.count()} demande(s) vous sont attribuées.")

    @admin.action(description="Exporter la sélection en CSV (Excel)", permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            "référence",
            "territoire",
            "population",
            "statut",
            "chargé·e",
            "reçue le",
            "prénom",
            "nom",
            "fonction",
            "courriel",
            "téléphone",
        ]
        rows = (
            [
                obj.reference,
                obj.territory_name,
                obj.population,
                obj.get_status_display(),
                str(obj.assignee or ""),
                obj.created_at.strftime("%d/%m/%Y"),
                obj.first_name,
                obj.last_name,
                obj.get_role_display(),
                obj.email,
                obj.phone,
            ]
            for obj in queryset.select_related("commune", "epci", "assignee")
        )
        return csv_response(header, rows, filename="demandes-ansm.csv", excel=True)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["request__commune", "request__epci", "author"]
    search_fields = ["body"]
    readonly_fields = ["request", "kind", "author", "old_status", "new_status", "body", "changes", "created_at"]
