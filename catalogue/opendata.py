"""The catalogue as open data: the columns of ``/services.csv``, every public field of a service."""

from django.conf import settings

CSV_COLUMNS = [
    "slug",
    "nom",
    "resume",
    "description",
    "probleme_resolu",
    "pour_qui",
    "comment_l_adopter",
    "site_web",
    "depot_code_source",
    "licence",
    "statut_code",
    "maturite",
    "porteur",
    "nature_porteur",
    "thematiques",
    "grands_enjeux",
    "france_relance",
    "montant_france_relance_eur",
    "accelere_2023",
    "contact",
    "informations_verifiees_le",
    "mis_a_jour_le",
    "sources",
    "url",
]


def csv_rows(services):
    """One row per service, in the order of ``CSV_COLUMNS``; the queryset prefetches themes and enjeux."""
    for service in services:
        yield [
            "" if value is None else value
            for value in [
                service.slug,
                service.name,
                service.summary,
                service.description,
                service.problem,
                service.audience,
                service.how_to_adopt,
                service.website,
                service.repository,
                service.license,
                service.code_status,
                service.stage,
                service.porteur.name if service.porteur else "",
                service.porteur.kind if service.porteur else "",
                " | ".join(theme.name for theme in service.themes.all()),
                " | ".join(enjeu.slug for enjeu in service.enjeux.all()),
                {True: "oui", False: "non", None: ""}[service.france_relance],
                service.funding_eur,
                "oui" if service.scaled_2023 else "non",
                service.contact,
                service.facts_checked_at.isoformat() if service.facts_checked_at else "",
                service.updated_at.date().isoformat(),
                " | ".join(service.sources),
                f"{settings.SITE_URL}{service.get_absolute_url()}",
            ]
        ]


# Usages as open data: verified usages only, keyed on official codes; never the declaring agent's address.
USAGE_COLUMNS = [
    "service",
    "service_slug",
    "collectivite",
    "code_officiel",
    "nature_du_code",
    "departement",
    "region",
    "statut",
    "depuis",
    "usage",
    "contact_public",
    "raison_de_l_arret",
    "origine",
    "a_confirmer",
    "confirmee_le",
]


def _code_kind(deployment) -> str:
    if deployment.commune_id:
        return "code INSEE de la commune"
    if deployment.epci_id:
        return "SIREN de l'EPCI"
    if deployment.region_id:
        return "code de la région"
    return "" if deployment.other_body else "code du département"


def usage_records(deployments) -> list[dict]:
    """One record per public usage, with the columns of ``USAGE_COLUMNS``."""
    return [
        dict(
            zip(
                USAGE_COLUMNS,
                [
                    d.service.name,
                    d.service.slug,
                    d.user_name,
                    d.official_code,
                    _code_kind(d),
                    d.departement_id or "",
                    d.region_id or (d.departement.region_id if d.departement_id else ""),
                    d.get_status_display(),
                    d.since.isoformat() if d.since else "",
                    d.use_case,
                    d.contact,
                    d.stop_reason,
                    d.get_origin_display(),
                    d.is_to_confirm,
                    d.confirmed_at.date().isoformat() if d.confirmed_at else "",
                ],
                strict=True,
            )
        )
        for d in deployments
    ]
