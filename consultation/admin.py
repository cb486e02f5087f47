from django.contrib import admin

from consultation.models import Contribution, Enjeu


@admin.register(Enjeu)
class EnjeuAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "slug"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["title", "decidim_host", "decidim_id", "enjeu", "published_at"]
    list_filter = ["enjeu", "decidim_host"]
    list_select_related = ["enjeu"]
    search_fields = ["title", "decidim_id"]
    autocomplete_fields = ["enjeu"]
