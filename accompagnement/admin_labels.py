"""Labels and sectors in the staff admin: bulk labelling, the label and sector filters, their own admin pages.

Every change goes through workflow.py (labels) or is a plain edit of the reference (sectors).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from accompagnement import inbox, workflow
from accompagnement.models import Label, RequestLabel, Sector
from accompagnement.routing import in_sectors_of


def with_visible_labels(queryset, user):
    """Prefetch, as ``visible_labels``, the labels of each request that ``user`` may see (one query)."""
    visible = RequestLabel.objects.filter(label__in=Label.objects.visible_to(user)).select_related("label", "added_by")
    return queryset.prefetch_related(
        Prefetch("request_labels", queryset=visible.order_by("label__name"), to_attr="visible_labels")
    )


def label_lines(obj) -> str:
    """The labels of a request its reader may see, each with who put it there and when (Paris time)."""
    rows = [
        (str(row.label), workflow.person(row.added_by) or "—", inbox.paris_time(row.added_at))
        for row in getattr(obj, "visible_labels", [])
    ]
    if not rows:
        return "Aucune."
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — posée par {} le {}</li>", rows))


class LabelChoiceForm(forms.Form):
    label = forms.ModelChoiceField(
        label="Étiquette", queryset=Label.objects.none(), required=False, empty_label="— choisir —"
    )
    new_name = forms.CharField(label="ou une nouvelle étiquette", max_length=50, required=False)
    shared = forms.BooleanField(
        label="Partagée avec l'équipe (sinon, vous seul·e la voyez)", required=False, initial=False
    )

    def __init__(self, *args, user, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["label"].queryset = Label.objects.visible_to(user)
        if not adding:
            del self.fields["new_name"], self.fields["shared"]

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("new_name") or "").strip()
        if bool(cleaned.get("label")) == bool(name):
            raise forms.ValidationError("Choisissez une étiquette de la liste, ou donnez le nom d'une nouvelle.")
        cleaned["new_name"] = name
        return cleaned

    def chosen_label(self) -> Label:
        """The label chosen, or the one named (found again whatever its case, else created)."""
        if self.cleaned_data["label"]:
            return self.cleaned_data["label"]
        owner = None if self.cleaned_data.get("shared") else self.user
        name = self.cleaned_data["new_name"]
        # get_or_create looks again when a colleague created the same label at the same instant.
        label, _ = Label.objects.get_or_create(
            name__iexact=name, owner=owner, defaults={"name": name, "created_by": self.user}
        )
        return label


def _label_action(*, adding: bool):
    def action(modeladmin, request, queryset):
        form = LabelChoiceForm(
            request.POST if request.POST.get("post") == "oui" else None, user=request.user, adding=adding
        )
        if form.is_bound and form.is_valid():
            label = form.chosen_label()
            changed = workflow.label_requests(
                queryset.values_list("pk", flat=True), label=label, by=request.user, add=adding
            )
            verb = "ajoutée à" if adding else "retirée de"
            messages.success(request, f"Étiquette « {label.name} » {verb} {changed} demande(s).")
            return None
        count = len(queryset)
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"{'Ajouter une étiquette à' if adding else 'Retirer une étiquette de'} {count} demande(s)",
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action.__name__,
            "button": "Ajouter l'étiquette" if adding else "Retirer l'étiquette",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/accompagnement/diagnosticrequest/label_confirmation.html",
            context,
            status=400 if form.is_bound else 200,
        )

    action.__name__ = "add_label" if adding else "remove_label"
    description = "Ajouter une étiquette aux demandes sélectionnées…" if adding else "Retirer une étiquette…"
    return admin.action(description=description, permissions=["triage"])(action)


add_label = _label_action(adding=True)
remove_label = _label_action(adding=False)


class LabelFilter(admin.SimpleListFilter):
    """The team's shared labels and the user's own: another's personal label is never offered nor applied."""

    title = "étiquette"
    parameter_name = "etiquette"

    def lookups(self, request, model_admin):
        # Never empty: a filter without choices would not be applied at all, whatever the address says.
        return [("aucune", "sans étiquette")] + [
            (str(label.pk), str(label)) for label in Label.objects.visible_to(request.user)
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() == "aucune":
            return queryset.exclude(request_labels__label__in=Label.objects.visible_to(request.user))
        wanted = inbox.user_id(self.value())  # a positive integer that fits a PostgreSQL column, or None
        label = Label.objects.visible_to(request.user).filter(pk=wanted).first() if wanted else None
        return queryset.filter(request_labels__label=label) if label else queryset.none()


class SectorFilter(admin.SimpleListFilter):
    title = "secteur"
    parameter_name = "secteur"

    def lookups(self, request, model_admin):
        return [("mien", "mon secteur")] + [(str(sector.pk), sector.name) for sector in Sector.objects.all()]

    def queryset(self, request, queryset):
        if self.value() == "mien":
            return in_sectors_of(queryset, request.user)
        if not self.value():
            return queryset
        wanted = inbox.user_id(self.value())  # a positive integer that fits a PostgreSQL column, or None
        codes = Sector.departements.through.objects.filter(sector_id=wanted).values("departement_id")
        return queryset.filter(departement_code__in=codes) if wanted else queryset.none()


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    """Each chargé·e sees the shared labels and their own; labels are created from the list's bulk action."""

    list_display = ["name", "shared", "created_by", "created_at"]
    list_select_related = ["created_by", "owner"]
    search_fields = ["name"]
    fields = ["name", "owner", "created_by", "created_at"]
    readonly_fields = ["owner", "created_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False  # from the list of requests: "Ajouter une étiquette aux demandes sélectionnées…"

    @admin.display(description="partagée", boolean=True)
    def shared(self, obj):
        return obj.is_shared


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "departement_list", "member_list"]
    search_fields = ["name", "departements__nom", "departements__code"]
    filter_horizontal = ["departements", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departements", "members")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = inbox.chargees()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="départements")
    def departement_list(self, obj):
        return ", ".join(d.code for d in obj.departements.all()) or "—"

    @admin.display(description="chargé·es")
    def member_list(self, obj):
        return ", ".join(workflow.person(user) for user in obj.members.all()) or "—"
