"""Who uses a service ("qui l'utilise"), grouped by département, nearest to the visitor first."""

from dataclasses import dataclass

from catalogue.models import Deployment


@dataclass
class DepartementUsage:
    departement: object
    deployments: list
    is_visitor_departement: bool = False


def deployments_by_departement(service, *, near=None) -> list[DepartementUsage]:
    """Deployments of ``service`` by département: the visitor's, then its région's, then the others by code.

    The official lists carry no coordinates, so "nearest" is by administrative proximity.
    """
    groups: dict[str, DepartementUsage] = {}
    deployments = (
        Deployment.objects.filter(service=service)
        .select_related("departement", "commune", "epci")
        .order_by("departement_id", "status", "commune__nom", "epci__nom", "other_body")
    )
    for deployment in deployments:
        group = groups.setdefault(deployment.departement_id, DepartementUsage(deployment.departement, []))
        group.deployments.append(deployment)

    def proximity(group: DepartementUsage):
        if near is None:
            return (0, group.departement.code)
        if group.departement.code == near.departement_id:
            return (0, "")
        same_region = group.departement.region_id == near.departement.region_id
        return (1 if same_region else 2, group.departement.code)

    ordered = sorted(groups.values(), key=proximity)
    for group in ordered:
        group.is_visitor_departement = near is not None and group.departement.code == near.departement_id
    return ordered
