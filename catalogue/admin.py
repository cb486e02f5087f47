from django.contrib import admin, messages
from django.utils.html import format_html

from catalogue.models import (
    Deployment,
    Laureat,
    Porteur,
    SearchSynonym,
    Service,
    ServiceEnjeu,
    ServiceInvestigation,
    Thematique,
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
    autocomplete_fields = ["commune", "epci", "departement"]
    fields = ["commune", "epci", "other_body", "departement", "status", "since", "instance_url", "source"]


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


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["service", "user_name", "departement", "status", "since"]
    list_filter = ["status", "departement__region"]
    list_select_related = ["service", "commune", "epci", "departement"]
    search_fields = ["service__name", "commune__nom", "epci__nom", "other_body"]
    autocomplete_fields = ["service", "commune", "epci", "departement"]


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
