"""Territories are reference data from the official lists: staff read them, the import writes them."""

from django.contrib import admin

from territoires.models import Commune, Departement, Epci, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "nom", "zone"]
    list_filter = ["zone"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "nom", "region", "zone"]
    list_filter = ["zone", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "nom"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["nom", "siren", "type", "population_communes_insee", "nombre_communes"]
    list_filter = ["type", "mode_financement"]
    search_fields = ["nom", "siren"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["nom", "code_insee", "departement", "epci", "population"]
    list_filter = ["zone", "departement__region"]
    list_select_related = ["departement", "epci"]
    search_fields = ["nom", "code_insee"]
