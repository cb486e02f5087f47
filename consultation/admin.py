from django.contrib import admin

from consultation.models import (
    Comment,
    Contribution,
    Enjeu,
    EnjeuOffer,
    Investigation,
    InvestigationEnjeu,
    ReportedFigure,
)


class EnjeuOfferInline(admin.TabularInline):
    """Other offers of the Incubateur on an enjeu (a page of the portal such as /accompagnement/, or a site)."""

    model = EnjeuOffer
    extra = 0
    fields = ["title", "description", "url", "basis", "source", "note", "position"]


@admin.register(Enjeu)
class EnjeuAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "slug"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EnjeuOfferInline]


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["decidim_id", "created_at", "alignment", "depth", "body"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["title", "decidim_host", "decidim_id", "kind", "state", "supports", "enjeu", "is_hidden"]
    list_filter = ["kind", "state", "author_type", "is_hidden", "enjeu", "decidim_host"]
    list_select_related = ["enjeu"]
    search_fields = ["title", "reference", "decidim_id"]
    autocomplete_fields = ["enjeu", "departement"]
    # What came from Decidim stays as imported; staff classify (enjeu, kind) and may hide a row.
    readonly_fields = [
        "decidim_host",
        "decidim_id",
        "reference",
        "title",
        "body",
        "category",
        "scope",
        "state",
        "state_raw",
        "answer",
        "answered_at",
        "supports",
        "endorsements",
        "comments_count",
        "published_at",
        "url",
        "participatory_space_id",
        "component_id",
        "is_amendment",
        "is_withdrawn",
        "raw",
        "imported_at",
    ]
    inlines = [CommentInline]


class InvestigationEnjeuInline(admin.TabularInline):
    """The enjeux an investigation relates to: staff say on what basis (a public source, or a match by topic)."""

    model = InvestigationEnjeu
    extra = 0
    autocomplete_fields = ["enjeu"]
    fields = ["enjeu", "basis", "source", "note"]


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "duration_weeks"]
    list_filter = ["status", "enjeux"]
    search_fields = ["title", "problem", "slug"]
    inlines = [InvestigationEnjeuInline]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
    list_display = ["value", "label", "as_of", "source", "position"]
    list_editable = ["position"]
    search_fields = ["label", "source"]
