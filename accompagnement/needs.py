"""Needs that the catalogue does not cover (« Besoins non couverts »): demand set against the services that answer it.

Two kinds of expressed needs, each in the taxonomy the catalogue already uses, so that every row links to the
catalogue filtered on it:
- ANSM requests by thématique (the catalogue's families, ticked on the request form). Only counts: never a
  request's own words. A count below ``MIN_COUNT_SHOWN`` is shown as « moins de 3 », like the figures page.
- 2021 consultation contributions (public) by grand enjeu; the services answering an enjeu are those the
  catalogue links to it (``ServiceEnjeu``, with its basis: a public source or « rapproché par thème »).
A need is answered by the published services that are not stopped.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from accompagnement.api import MIN_COUNT_SHOWN
from accompagnement.models import DiagnosticRequest
from catalogue.models import Service, ServiceEnjeu, Thematique
from consultation.models import Enjeu, LinkBasis

# 1 or 2 services: a commune has hardly any choice, and one stopped service would leave the need uncovered.
FEW_SERVICES = 2
HIDDEN_COUNT = f"moins de {MIN_COUNT_SHOWN}"
BADGES = {"non couvert": "fr-badge--error", "peu couvert": "fr-badge--warning", "couvert": "fr-badge--success"}


def coverage_label(services: int) -> str:
    """« non couvert », « peu couvert » or « couvert », from the number of services that answer a need."""
    if services == 0:
        return "non couvert"
    if services <= FEW_SERVICES:
        return "peu couvert"
    return "couvert"


def shown_count(count: int) -> int | str:
    """A count of ANSM requests as it may be published: 1 or 2 requests could point to one commune."""
    return HIDDEN_COUNT if 0 < count < MIN_COUNT_SHOWN else count


@dataclass
class Need:
    name: str
    demand: int | str  # ANSM requests (maybe « moins de 3 ») or contributions
    services: int
    catalogue_url: str
    contributions_url: str = ""
    by_theme: int = 0  # of the services, those linked « rapproché par thème » rather than by a source

    @property
    def coverage(self) -> str:
        return coverage_label(self.services)

    @property
    def coverage_badge(self) -> str:
        """The DSFR badge of the coverage: red, orange or green."""
        return BADGES[self.coverage]


def _answering():
    return Service.objects.published().active()


def _sorted(keyed: list[tuple]) -> list[Need]:
    """Least covered first, then the most asked, then the taxonomy's own order."""
    return [need for *_, need in sorted(keyed, key=lambda item: item[:3])]


def needs_by_theme() -> list[Need]:
    """Every thématique with its ANSM requests and its published services, least covered first."""
    services = dict(_answering().values_list("themes").annotate(n=Count("pk", distinct=True)))
    requests = dict(DiagnosticRequest.objects.values_list("themes").annotate(n=Count("pk", distinct=True)))
    catalogue = reverse("catalogue:service_list")
    return _sorted([
        (services.get(theme.pk, 0), -requests.get(theme.pk, 0), theme.position, Need(
            name=theme.name,
            demand=shown_count(requests.get(theme.pk, 0)),
            services=services.get(theme.pk, 0),
            catalogue_url=f"{catalogue}?theme={theme.slug}",
        ))
        for theme in Thematique.objects.all()
    ])  # fmt: skip


def needs_by_enjeu() -> list[Need]:
    """Every grand enjeu with its contributions and the published services linked to it, least covered first."""
    links = {
        row["enjeu"]: row
        for row in ServiceEnjeu.objects.filter(service__in=_answering())
        .values("enjeu")
        .annotate(n=Count("service", distinct=True), by_theme=Count("service", filter=Q(basis=LinkBasis.THEME)))
    }
    catalogue = reverse("catalogue:service_list")
    contributions = reverse("consultation:contribution_list")
    needs = []
    for enjeu in Enjeu.objects.with_archive_counts():
        link = links.get(enjeu.pk, {"n": 0, "by_theme": 0})
        needs.append((link["n"], -enjeu.contributions_count, enjeu.number, Need(
            name=str(enjeu),
            demand=enjeu.contributions_count,
            services=link["n"],
            by_theme=link["by_theme"],
            catalogue_url=f"{catalogue}?enjeu={enjeu.slug}",
            contributions_url=f"{contributions}?enjeu={enjeu.slug}",
        )))  # fmt: skip
    return _sorted(needs)


def csv_rows(kind: str) -> tuple[list[str], list[list]]:
    """Header and rows of a CSV download: ``thematiques`` or ``enjeux``."""
    if kind == "thematiques":
        header = ["thématique", "demandes ANSM", "services publiés", "couverture", "catalogue"]
        return header, [[n.name, n.demand, n.services, n.coverage, n.catalogue_url] for n in needs_by_theme()]
    header = ["grand enjeu", "contributions 2021", "services publiés", "dont rapprochés par thème", "couverture",
              "catalogue", "contributions"]  # fmt: skip
    return header, [
        [n.name, n.demand, n.services, n.by_theme, n.coverage, n.catalogue_url, n.contributions_url]
        for n in needs_by_enjeu()
    ]
