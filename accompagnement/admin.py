"""Staff triage of the ANSM requests. Status changes go through workflow.py; nothing is ever deleted."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accompagnement import inbox, workflow
from accompagnement.admin_filters import (
    AssigneeFilter,
    DepartementFilter,
    FirstAnswerFilter,
    RegionFilter,
    TerritoryKindFilter,
    WaitingFilter,
)
from accompagnement.admin_labels import (
    LabelFilter,
    SectorFilter,
    add_label,
    label_lines,
    remove_label,
    with_visible_labels,
)
from accompagnement.diagnostic_admin import DiagnosticAdminMixin, DiagnosticNeedInline
from accompagnement.models import DiagnosticRequest, Event, RefusalReason, Status, WaitingOn
from core.opendata import csv_response
from territoires.admin import ReadOnlyAdmin
from territoires.models import Departement

EDITABLE_FIELDS = ["assignee", "diagnostic_date", "diagnostic_summary"]


class ChargeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return workflow.person(obj)


class DiagnosticRequestAdminForm(forms.ModelForm):
    new_status = forms.ChoiceField(label="Passer au statut", required=False)
    refusal_reason_choice = forms.ChoiceField(
        label="Motif (en cas de refus)", required=False, choices=[("", "—"), *RefusalReason.choices]
    )
    message_to_requester = forms.CharField(
        label="Message au demandeur (envoyé par courriel et visible sur sa page de suivi ; relu avant l'envoi)",
        help_text="Avec un changement de statut, il est joint au courriel qui annonce le nouveau statut.",
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
        if "assignee" in self.fields:  # absent for an account that may only read
            # Only the active chargé·es (and whoever holds the request now, so it is not lost on save).
            self.fields["assignee"] = ChargeeChoiceField(
                queryset=inbox.chargees(keeping=self.instance.assignee_id),
                required=False,
                label="chargé·e d'accompagnement",
                empty_label="personne",
            )
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_at"] = self.instance.updated_at.isoformat()

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
        if cleaned.get("new_status"):
            try:
                workflow.check_move(
                    self.instance.status, cleaned["new_status"], reason=cleaned.get("refusal_reason_choice", "")
                )
            except workflow.MissingRefusalReason as error:
                self.add_error("refusal_reason_choice", str(error))
            except workflow.TransitionNotAllowed as error:
                self.add_error("new_status", str(error))
        return cleaned

    @property
    def emails_requester(self) -> bool:
        return bool(self.cleaned_data.get("new_status") or self.cleaned_data.get("message_to_requester"))


def _move_action(status):
    """A bulk action moving the selected requests to ``status`` through the workflow, after a confirmation."""

    def move(modeladmin, request, queryset):
        if request.POST.get("post") != "oui":
            movable = sum(
                status in workflow.allowed_next(current) for current in queryset.values_list("status", flat=True)
            )
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": f"Passer {len(queryset)} demande(s) au statut « {status.label} » ?",
                "opts": modeladmin.model._meta,
                "queryset": queryset,
                "movable": movable,
                "ignored": len(queryset) - movable,
                "status": status,
                "action": move.__name__,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accompagnement/diagnosticrequest/move_confirmation.html", context)
        moved, refused = 0, 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                workflow.move_request(pk, to=status, by=request.user)
                moved += 1
            except workflow.TransitionNotAllowed:
                refused += 1
        messages.success(
            request, f"{moved} demande(s) passée(s) au statut « {status.label} » ; {moved} courriel(s) envoyé(s)."
        )
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
class DiagnosticRequestAdmin(DiagnosticAdminMixin, admin.ModelAdmin):
    form = DiagnosticRequestAdminForm
    inlines = [DiagnosticNeedInline]
    list_display = [
        "reference_link",
        "territory",
        "departement",
        "status",
        "assignee_name",
        "waiting",
        "received",
        "labels",
    ]
    list_filter = [
        "status",
        WaitingFilter,
        FirstAnswerFilter,
        AssigneeFilter,
        SectorFilter,
        LabelFilter,
        TerritoryKindFilter,
        RegionFilter,
        DepartementFilter,
        "created_at",
    ]
    list_select_related = ["commune", "epci", "assignee"]
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
        "earlier_requests",
        "history",
        "label_detail",
        *DiagnosticAdminMixin.diagnostic_readonly_fields,
    ]
    actions = ["assign_to_me", "assign_to", add_label, remove_label, *MOVE_ACTIONS, "export_csv"]
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
                    "earlier_requests",
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
                    "label_detail",
                    "new_status",
                    "refusal_reason_choice",
                    "message_to_requester",
                    "internal_note",
                    "loaded_at",
                ]
            },
        ),
        (
            "Diagnostic",
            {
                "description": "Les besoins relevés et les services recommandés se saisissent plus bas, "
                "dans « Diagnostic : besoins relevés et services recommandés ».",
                "fields": ["diagnostic_date", "diagnostic_summary", "diagnostic_publication", "diagnostic_answers"],
            },
        ),
        ("Historique (heure de Paris)", {"fields": ["history"]}),
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
        from accompagnement.dashboard import dashboard_figures

        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Tableau de bord des demandes",
            **dashboard_figures(),
        }
        return TemplateResponse(request, "admin/accompagnement/dashboard.html", context)

    def get_queryset(self, request):
        return with_visible_labels(super().get_queryset(request).with_area().with_waiting(), request.user)

    def get_search_results(self, request, queryset, search_term):
        found, distinct = super().get_search_results(request, queryset, search_term)
        # "ANSM-2026-00042" or "42" finds request 42.
        number = search_term.rsplit("-", 1)[-1].strip()
        if number.isdigit():
            return queryset.filter(Q(pk__in=found.values("pk")) | Q(pk=int(number))), False
        return found, distinct

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """What the requester will receive is shown before it is sent (an intermediate page, as for deletion)."""
        if request.method == "POST" and object_id and "_confirmer" not in request.POST:
            with transaction.atomic():  # the form's check locks the row, as when it is saved
                obj = self.get_object(request, object_id)
                allowed = obj is not None and self.has_triage_permission(request, obj)
                form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
                preview = allowed and form.is_valid() and form.emails_requester
            if preview:
                return self.email_confirmation(request, obj, form.cleaned_data)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def email_confirmation(self, request, obj, data):
        preview = inbox.requester_email_preview(
            obj,
            status=data.get("new_status", ""),
            reason=data.get("refusal_reason_choice", "") if data.get("new_status") == Status.DECLINED else "",
            message=data.get("message_to_requester", ""),
        )
        posted = [
            (key, value) for key, values in request.POST.lists() for value in values if key != "csrfmiddlewaretoken"
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Relire le courriel avant de l'envoyer",
            "opts": self.model._meta,
            "original": obj,
            "preview": preview,
            "posted": posted,
            "internal_note": data.get("internal_note", ""),
        }
        return TemplateResponse(request, "admin/accompagnement/diagnosticrequest/email_confirmation.html", context)

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

    @admin.display(description="territoire", ordering="commune__nom")
    def territory(self, obj):
        return f"{obj.territory_name} (EPCI)" if obj.epci_id else obj.territory_name

    @admin.display(description="dép.", ordering="departement_code")
    def departement(self, obj):
        return obj.departement_code or "—"

    @admin.display(description="chargé·e", ordering="assignee__last_name")
    def assignee_name(self, obj):
        return workflow.person(obj.assignee) or "—"

    @admin.display(description="à qui la main", ordering="waiting_since")
    def waiting(self, obj):
        if not obj.waiting_on:
            return "—"
        days = (timezone.now() - obj.waiting_since).days
        return f"{WaitingOn(obj.waiting_on).label}, depuis {days} j"

    @admin.display(description="reçue le", ordering="created_at")
    def received(self, obj):
        return timezone.localtime(obj.created_at).strftime("%d/%m/%Y")

    @admin.display(description="étiquettes")
    def labels(self, obj):
        return ", ".join(str(row.label) for row in getattr(obj, "visible_labels", [])) or "—"

    @admin.display(description="étiquettes (les vôtres et celles de l'équipe)")
    def label_detail(self, obj):
        return label_lines(obj)  # prefetched by get_queryset for the person reading

    @admin.display(description="demandes précédentes du territoire")
    def earlier_requests(self, obj):
        rows = [
            (
                reverse("admin:accompagnement_diagnosticrequest_change", args=[earlier.pk]),
                earlier.reference,
                earlier.get_status_display(),
                timezone.localtime(earlier.created_at).strftime("%d/%m/%Y"),
            )
            for earlier in inbox.earlier_requests(obj)
        ]
        if not rows:
            return "Aucune."
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> — {}, reçue le {}</li>', rows))

    @admin.display(description="historique")
    def history(self, obj):
        lines = inbox.trail(obj)
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li><strong>{}</strong>{} — {}{}</li>",
                (
                    (
                        line["at"],
                        f", {line['author']}" if line["author"] else "",
                        line["text"],
                        " (interne)" if line["internal"] else "",
                    )
                    for line in lines
                ),
            ),
        )

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
        """Every write goes through workflow.py, which records it in the trail."""
        data = form.cleaned_data
        if "assignee" in form.changed_data:
            workflow.assign_request(obj.pk, to_user=data["assignee"], by=request.user)
        edits = {name: data[name] for name in form.changed_data if name in EDITABLE_FIELDS and name != "assignee"}
        if edits:
            workflow.edit_request(obj.pk, by=request.user, values=edits)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        data = form.cleaned_data
        workflow_fields = ["new_status", "message_to_requester", "internal_note"]
        if any(data.get(name) for name in workflow_fields) and not self.has_triage_permission(request, form.instance):
            raise PermissionDenied
        try:
            if data.get("new_status"):
                # One e-mail: the message to the requester goes with the status change.
                workflow.move_request(
                    form.instance.pk,
                    to=data["new_status"],
                    by=request.user,
                    note=data.get("message_to_requester", ""),
                    reason=data.get("refusal_reason_choice", "") if data["new_status"] == Status.DECLINED else "",
                )
            elif data.get("message_to_requester"):
                workflow.post_message(form.instance.pk, body=data["message_to_requester"], by=request.user)
            if data.get("internal_note"):
                workflow.post_message(form.instance.pk, body=data["internal_note"], by=request.user, internal=True)
        except workflow.TransitionNotAllowed as error:
            messages.error(request, f"Cette demande a déjà été traitée : {error}")

    @admin.action(description="M'attribuer les demandes sélectionnées", permissions=["triage"])
    def assign_to_me(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            workflow.assign_request(pk, to_user=request.user, by=request.user)
        messages.success(request, f"{queryset.count()} demande(s) vous sont attribuées.")

    @admin.action(description="Attribuer les demandes sélectionnées à…", permissions=["triage"])
    def assign_to(self, request, queryset):
        """Reassign in bulk: a page asks to whom, among the active chargé·es, then the workflow records each."""
        people = inbox.chargees()
        chosen = inbox.user_id(request.POST.get("chargee", ""))
        user = people.filter(pk=chosen).first() if chosen else None
        if request.POST.get("post") == "oui" and user is not None:
            for pk in queryset.values_list("pk", flat=True):
                workflow.assign_request(pk, to_user=user, by=request.user)
            messages.success(request, f"{len(queryset)} demande(s) attribuée(s) à {workflow.person(user)}.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Attribuer {len(queryset)} demande(s) à…",
            "opts": self.model._meta,
            "queryset": queryset,
            "people": [(person.pk, workflow.person(person)) for person in people],
            "error": "Choisissez un·e chargé·e dans la liste." if request.POST.get("post") == "oui" else "",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/accompagnement/diagnosticrequest/assign_confirmation.html",
            context,
            status=400 if context["error"] else 200,
        )

    @admin.action(description="Exporter la sélection en CSV (Excel)", permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            "référence",
            "territoire",
            "type",
            "département",
            "EPCI",
            "population",
            "statut",
            "chargé·e",
            "reçue le",
            "thématiques",
            "besoins",
            "services qui intéressent",
            "prénom",
            "nom",
            "fonction",
            "courriel",
            "téléphone",
        ]
        departements = dict(Departement.objects.values_list("code", "nom"))
        requests = queryset.select_related("commune__epci", "epci", "assignee").prefetch_related("themes", "services")
        rows = (
            [
                obj.reference,
                obj.territory_name,
                "EPCI" if obj.epci_id else "commune",
                departements.get(obj.departement_code, ""),
                str(obj.epci or obj.commune.epci or ""),
                obj.population,
                obj.get_status_display(),
                workflow.person(obj.assignee),
                timezone.localtime(obj.created_at).strftime("%d/%m/%Y"),
                ", ".join(theme.name for theme in obj.themes.all()),
                obj.needs,
                ", ".join(service.name for service in obj.services.all()),
                obj.first_name,
                obj.last_name,
                obj.get_role_display(),
                obj.email,
                obj.phone,
            ]
            for obj in requests
        )
        return csv_response(header, rows, filename="demandes-ansm.csv", excel=True)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["request__commune", "request__epci", "author"]
    search_fields = ["body"]
    fields = ["request", "kind", "author", "created_at", "description"]
    readonly_fields = fields

    @admin.display(description="ce qui s'est passé")
    def description(self, obj):
        return inbox.describe_event(obj)
