"""Who uses a service ("qui l'utilise"), nearest to the visitor's commune first.

The official lists carry no coordinates, so "nearest" is administrative: the same EPCI, the same département,
the neighbouring départements (derived from the official lists, see territoires/neighbours.py), the same
région, then elsewhere.
"""

from dataclasses import dataclass, field

from catalogue.models import Deployment


@dataclass
class UsageGroup:
    title: str
    deployments: list = field(default_factory=list)
    is_near: bool = False


def _public_usages(service) -> list:
    return list(
        Deployment.objects.public()
        .filter(service=service)
        .select_related("departement", "commune", "epci", "region")
        .order_by("departement_id", "status", "commune__nom", "epci__nom", "region__nom", "other_body")
    )


def _region_code(deployment) -> str:
    return deployment.region_id or deployment.departement.region_id


def proximity(deployment, near) -> int:
    """0 same EPCI, 1 same département, 2 neighbouring département, 3 same région, 4 elsewhere."""
    epci = deployment.epci_id or (deployment.commune.epci_id if deployment.commune_id else None)
    if near.epci_id and epci == near.epci_id:
        return 0
    if deployment.departement_id == near.departement_id:
        return 1
    if deployment.departement_id and deployment.departement_id in near.departement.voisins:
        return 2
    if _region_code(deployment) == near.region_id:
        return 3
    return 4


def usages_near(service, *, near=None) -> list[UsageGroup]:
    """Public usages of ``service``: by distance from commune ``near``, or by département without one."""
    usages = _public_usages(service)
    if near is None:
        groups: dict[str, UsageGroup] = {}
        for deployment in usages:
            title = str(deployment.departement) if deployment.departement_id else f"Région {deployment.region}"
            groups.setdefault(title, UsageGroup(title)).deployments.append(deployment)
        return list(groups.values())
    titles = [
        f"Dans votre intercommunalité ({near.epci})" if near.epci_id else "",
        f"Dans votre département ({near.departement})",
        "Dans les départements voisins",
        "Dans votre région",
        "Ailleurs",
    ]
    ranked: list[UsageGroup] = [UsageGroup(title, is_near=rank < 3) for rank, title in enumerate(titles)]
    for deployment in usages:
        ranked[proximity(deployment, near)].deployments.append(deployment)
    for group in ranked:
        # Bodies still using the service first, then those that stopped.
        group.deployments.sort(key=lambda d: (d.status == Deployment.Status.ENDED, d.user_name))
    return [group for group in ranked if group.deployments]
