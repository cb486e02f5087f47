from django.contrib import admin, messages
from django.utils.html import format_html

from catalogue import usage_workflow
from catalogue.models import (
    Deployment,
    DeploymentChange,
    Laureat,
    Porteur,
    SearchSynonym,
    Service,
    ServiceEnjeu,
    ServiceInvestigation,
    Thematique,
    UsageDeclaration,
)


@admin.register(Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Thematique)
class ThematiqueAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "description", "slug"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 0
    autocomplete_fields = ["commune", "epci", "departement", "region"]
    fields = ["commune", "epci", "region", "other_body", "departement", "status", "since", "source", "state"]
    readonly_fields = ["state"]


def record_admin_edit(deployment, form, user) -> None:
    """A trail row for a usage created or edited in the admin, naming each changed field."""
    if not form.changed_data:
        return
    fields = {
        name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))] for name in form.changed_data
    }
    usage_workflow.record_change(
        deployment, author=user, actor="équipe (admin)", old_state=deployment.state, fields=fields, note="modifiée"
    )


class ServiceEnjeuInline(admin.TabularInline):
    """The enjeux a service answers: staff say on what basis (a public source, or a match by topic)."""

    model = ServiceEnjeu
    extra = 0
    autocomplete_fields = ["enjeu"]
    fields = ["enjeu", "basis", "source", "note"]


class ServiceInvestigationInline(admin.TabularInline):
    model = ServiceInvestigation
    extra = 0
    autocomplete_fields = ["investigation"]
    fields = ["investigation", "basis", "source", "note"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "porteur", "code_status", "stage", "france_relance", "is_published", "public_page"]
    list_filter = ["is_published", "code_status", "stage", "france_relance", "scaled_2023", "porteur__kind", "themes"]
    list_select_related = ["porteur"]
    search_fields = ["name", "summary", "repository"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["porteur", "themes"]
    readonly_fields = ["created_at", "updated_at", "public_page"]
    inlines = [ServiceEnjeuInline, ServiceInvestigationInline, DeploymentInline]
    actions = ["publish", "unpublish"]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Deployment:
            for deployment_form in formset.forms:
                if deployment_form.instance.pk and deployment_form not in formset.deleted_forms:
                    record_admin_edit(deployment_form.instance, deployment_form, request.user)

    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "is_published", "public_page"]}),
        ("Ce qu'il résout, et pour qui", {"fields": ["description", "problem", "audience_kinds", "audience"]}),
        (
            "Coût et accès",
            {"fields": ["cost", "cost_detail", "instance_url", "operator", "website", "contact", "how_to_adopt"]},
        ),
        (
            "Code et maturité",
            {
                "fields": [
                    "repository",
                    "repository_previous",
                    "repository_evidence",
                    "license",
                    "license_evidence",
                    "code_status",
                    "stage",
                    "stage_detail",
                ]
            },
        ),
        ("Porteur et classement", {"fields": ["porteur", "anct_role", "themes"]}),
        ("France Relance", {"fields": ["france_relance", "funding_eur", "scaled_2023"]}),
        (
            "Fiche publiccode.yml",
            {
                "classes": ["collapse"],
                "description": "Ce que le standard publiccode.yml 0.4 demande pour publier la fiche du logiciel.",
                "fields": [
                    "language",
                    "features",
                    "categories",
                    "platforms",
                    "software_type",
                    "development_status",
                    "maintenance_type",
                    "maintenance_contacts",
                    "maintenance_contractors",
                    "localisation_ready",
                    "available_languages",
                    "logo",
                    "used_by",
                    "other_descriptions",
                    "publiccode_extra",
                    "publiccode_path",
                ],
            },
        ),
        ("Sources", {"fields": ["sources", "notes", "facts_checked_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description="page publique")
    def public_page(self, obj):
        if not obj.pk or not obj.is_published:
            return "—"
        return format_html('<a href="{}">voir la page publique</a>', obj.get_absolute_url())

    # A view-only account (the triage group) must not change what the public sees.
    @admin.action(description="Publier les services sélectionnés", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"{count} service(s) publié(s).", messages.SUCCESS)

    @admin.action(description="Dépublier les services sélectionnés (sans les supprimer)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"{count} service(s) dépublié(s) : ils restent en base.", messages.SUCCESS)


class DeploymentChangeInline(admin.TabularInline):
    model = DeploymentChange
    extra = 0
    can_delete = False
    fields = ["at", "author", "actor", "old_state", "new_state", "fields", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _UsageActions:
    """Admin actions that call the usage workflow and report refusals as a short French message."""

    def _run(self, request, queryset, action, done: str):
        count = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                action(pk, by=request.user)
                count += 1
            except usage_workflow.UsageActionRefused as error:
                self.message_user(request, f"n° {pk} : {error.message}", messages.WARNING)
        if count:
            self.message_user(request, f"{count} {done}.", messages.SUCCESS)


@admin.register(Deployment)
class DeploymentAdmin(_UsageActions, admin.ModelAdmin):
    list_display = [
        "service",
        "user_name",
        "departement",
        "status",
        "state",
        "origin",
        "source",
        "since",
        "confirmed_at",
    ]
    list_filter = ["state", "origin", "status", "departement__region"]
    list_select_related = ["service", "commune", "epci", "departement", "region"]
    # "ANSM-2026-00042" finds the usages its requester declared after the diagnostic (their source).
    search_fields = [
        "service__name",
        "commune__nom",
        "commune__code_insee",
        "epci__nom",
        "epci__siren",
        "other_body",
        "source",
    ]
    autocomplete_fields = ["service", "commune", "epci", "departement", "region"]
    readonly_fields = ["state", "verified_at", "verified_by", "confirmed_at"]
    inlines = [DeploymentChangeInline]
    actions = ["verify", "reject"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_admin_edit(obj, form, request.user)

    @admin.action(description="Vérifier et publier (ou confirmer) les utilisations sélectionnées")
    def verify(self, request, queryset):
        self._run(request, queryset, usage_workflow.verify_deployment, "utilisation(s) publiée(s)")

    @admin.action(description="Refuser les utilisations sélectionnées (à vérifier seulement)")
    def reject(self, request, queryset):
        self._run(request, queryset, usage_workflow.reject_deployment, "utilisation(s) refusée(s)")


@admin.register(UsageDeclaration)
class UsageDeclarationAdmin(_UsageActions, admin.ModelAdmin):
    """Declarations from the service pages: staff check them (call the collectivité, look at its site) before
    accepting; accepting creates or updates the usage and publishes it."""

    list_display = ["created_at", "service", "body", "kind", "status", "email", "email_confirmed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["service", "commune", "epci", "departement", "region"]
    search_fields = ["service__name", "commune__nom", "epci__nom", "email"]
    readonly_fields = [
        "service",
        "kind",
        "commune",
        "epci",
        "departement",
        "region",
        "since",
        "use_case",
        "contact",
        "stop_reason",
        "email",
        "status",
        "created_at",
        "email_confirmed_at",
        "reviewed_at",
        "reviewed_by",
        "deployment",
    ]
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Accepter et publier les déclarations sélectionnées")
    def accept(self, request, queryset):
        self._run(request, queryset, usage_workflow.accept_declaration, "déclaration(s) acceptée(s) et publiée(s)")

    @admin.action(description="Refuser les déclarations sélectionnées")
    def reject(self, request, queryset):
        self._run(request, queryset, usage_workflow.reject_declaration, "déclaration(s) refusée(s)")


@admin.register(Laureat)
class LaureatAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "porteur",
        "enjeu",
        "enjeu_basis",
        "service",
        "service_basis",
        "amount_eur",
        "scaled_2023",
    ]
    list_filter = ["scaled_2023", "enjeu_basis", "service_basis", "enjeu"]
    list_select_related = ["porteur", "enjeu", "service"]
    search_fields = ["title"]
    autocomplete_fields = ["porteur", "enjeu", "service"]
