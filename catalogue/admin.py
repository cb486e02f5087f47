from django.contrib import admin
from django.utils.html import format_html

from catalogue.models import Porteur, Service, Thematique


@admin.register(Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Thematique)
class ThematiqueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "porteur", "code_status", "stage", "is_published", "public_page"]
    list_filter = ["is_published", "code_status", "stage", "france_relance", "porteur__kind"]
    list_select_related = ["porteur"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["porteur", "themes", "enjeux"]

    @admin.display(description="page publique")
    def public_page(self, obj):
        return format_html('<a href="{}">voir</a>', obj.get_absolute_url())
