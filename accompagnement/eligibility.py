"""Who may ask for an ANSM diagnostic: communes and EPCI strictly under a population threshold.

Thresholds: communes under 3,500 inhabitants and EPCI under 15,000 (the Incubateur's 2022 description of
the scheme); settings, since the programme has changed them before. Populations: INSEE populations de
référence 2023 (population municipale), for EPCI the sum of their member communes', so that communes and
EPCI are counted on the same millésime.
"""

from dataclasses import dataclass, field

from django.conf import settings

from territoires.models import INSEE_CODE, Commune, Epci

POPULATION_SOURCE = "Insee, populations de référence 2023 (population municipale)"
CATALOGUE_STAYS_OPEN = (
    "Le catalogue des services reste ouvert à toutes les collectivités, quelle que soit leur taille."
)


@dataclass
class Eligibility:
    territory: object
    kind: str  # "commune" or "epci"
    population: int | None
    threshold: int
    eligible: bool
    reason: str
    alternatives: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        if self.kind == "epci":
            return f"{POPULATION_SOURCE}, somme des communes membres"
        return POPULATION_SOURCE


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def check_commune(commune: Commune) -> Eligibility:
    """Whether a commune may ask, with its population and, when it may not, why and what it can do."""
    threshold = settings.ANSM_COMMUNE_MAX_POPULATION
    population = commune.population
    if population is None:
        return Eligibility(
            commune,
            "commune",
            None,
            threshold,
            False,
            "La population de cette commune n'est pas connue dans les données officielles : écrivez-nous pour "
            "que nous étudiions votre demande.",
        )
    if commune.zone == "com":
        return Eligibility(
            commune,
            "commune",
            population,
            threshold,
            False,
            "Les collectivités d'outre-mer relèvent d'autres dispositifs : écrivez-nous pour être orientés.",
        )
    if population < threshold:
        return Eligibility(
            commune,
            "commune",
            population,
            threshold,
            True,
            f"{commune.nom} compte {_thousands(population)} habitants, moins de {_thousands(threshold)} : "
            "la commune peut demander un accompagnement.",
        )
    alternatives = []
    epci = commune.epci
    if epci is not None and epci.population_communes_insee is not None:
        if epci.population_communes_insee < settings.ANSM_EPCI_MAX_POPULATION:
            alternatives.append(
                f"Votre intercommunalité, {epci.nom} ({_thousands(epci.population_communes_insee)} habitants), "
                "peut en faire la demande."
            )
    alternatives.append(CATALOGUE_STAYS_OPEN)
    return Eligibility(
        commune,
        "commune",
        population,
        threshold,
        False,
        f"{commune.nom} compte {_thousands(population)} habitants : l'accompagnement est réservé aux communes de "
        f"moins de {_thousands(threshold)} habitants.",
        alternatives,
    )


def check_epci(epci: Epci) -> Eligibility:
    """Whether an EPCI may ask, with its population and, when it may not, why and what it can do."""
    threshold = settings.ANSM_EPCI_MAX_POPULATION
    population = epci.population_communes_insee
    if population is not None and population < threshold:
        return Eligibility(
            epci,
            "epci",
            population,
            threshold,
            True,
            f"{epci.nom} compte {_thousands(population)} habitants, moins de {_thousands(threshold)} : "
            "l'intercommunalité peut demander un accompagnement.",
        )
    return Eligibility(
        epci,
        "epci",
        population,
        threshold,
        False,
        f"{epci.nom} compte {_thousands(population or 0)} habitants : l'accompagnement est réservé aux "
        f"intercommunalités de moins de {_thousands(threshold)} habitants.",
        [
            f"Ses communes de moins de {_thousands(settings.ANSM_COMMUNE_MAX_POPULATION)} habitants peuvent "
            "chacune en faire la demande.",
            CATALOGUE_STAYS_OPEN,
        ],
    )


NAME_RESULTS = 10


@dataclass
class EligibilitySearch:
    results: list[Eligibility]
    more: int  # communes matching a name beyond those shown (a postal code shows all of its communes)


def search_eligibility(text: str) -> EligibilitySearch:
    """Eligibility of the communes and EPCI matching what was typed: every commune of a postal code."""
    communes = Commune.objects.search(text).select_related("departement", "epci")
    if INSEE_CODE.match(text.strip()):
        found, more = list(communes), 0
    else:
        found = list(communes[: NAME_RESULTS + 1])
        more = communes.count() - NAME_RESULTS if len(found) > NAME_RESULTS else 0
    epcis = Epci.objects.search(text)[:3]
    shown = found[:NAME_RESULTS] if more else found
    return EligibilitySearch(
        [check_commune(commune) for commune in shown] + [check_epci(epci) for epci in epcis], more
    )
