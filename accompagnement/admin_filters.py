"""Filters of the staff list of requests: territory (communes and EPCI alike), who must act, first answer."""

from django.conf import settings
from django.contrib import admin

from accompagnement.inbox import chargees, user_id
from accompagnement.models import DiagnosticRequest, WaitingOn
from accompagnement.service_levels import late
from accompagnement.workflow import person
from territoires.models import Departement, Region
from territoires.search import normalize


class AssigneeFilter(admin.SimpleListFilter):
    title = "chargé·e d'accompagnement"
    parameter_name = "attribution"

    def lookups(self, request, model_admin):
        return [("moi", "à moi"), ("aucun", "non assignées")] + [
            (str(user.pk), person(user)) for user in chargees().exclude(pk=request.user.pk)
        ]

    def queryset(self, request, queryset):
        if self.value() == "moi":
            return queryset.filter(assignee=request.user)
        if self.value() == "aucun":
            return queryset.filter(assignee__isnull=True)
        if self.value():
            wanted = user_id(self.value())
            return queryset.filter(assignee_id=wanted) if wanted else queryset.none()
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


class RegionFilter(admin.SimpleListFilter):
    """Every région of the reference data; an EPCI counts in the région of its main member commune."""

    title = "région"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        # Alphabetical as a reader expects it: "Île-de-France" among the I, not after every Z.
        return sorted(Region.objects.values_list("code", "nom"), key=lambda region: normalize(region[1]))

    def queryset(self, request, queryset):
        return queryset.filter(region_code=self.value()) if self.value() else queryset


class DepartementFilter(admin.SimpleListFilter):
    """The départements that have requests (within the chosen région), communes and EPCI alike."""

    title = "département"
    parameter_name = "departement"

    def lookups(self, request, model_admin):
        present = DiagnosticRequest.objects.with_area()
        if request.GET.get("region"):
            present = present.filter(region_code=request.GET["region"])
        codes = present.values("departement_code").distinct()
        return [(d.code, str(d)) for d in Departement.objects.filter(code__in=codes).order_by("code")]

    def queryset(self, request, queryset):
        return queryset.filter(departement_code=self.value()) if self.value() else queryset


class WaitingFilter(admin.SimpleListFilter):
    title = "à qui la main"
    parameter_name = "main"

    def lookups(self, request, model_admin):
        return [(WaitingOn.TEAM, "l'équipe doit agir"), (WaitingOn.REQUESTER, "en attente du demandeur")]

    def queryset(self, request, queryset):
        return queryset.filter(waiting_on=self.value()) if self.value() in WaitingOn.values else queryset


class FirstAnswerFilter(admin.SimpleListFilter):
    title = "première réponse"
    parameter_name = "reponse"

    def lookups(self, request, model_admin):
        return [
            ("aucune", "jamais traitées (en cours, sans réponse)"),
            ("retard", f"en retard (plus de {settings.ANSM_FIRST_ANSWER_WORKING_DAYS} jours ouvrés)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "retard":
            return late(queryset)
        return queryset.unanswered() if self.value() == "aucune" else queryset
