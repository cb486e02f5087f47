"""Routing by département: each ``Sector`` (edited in the admin) gives its départements' requests to its chargé·es.

A request belongs to the sectors of its département (an EPCI's is the one of its main member commune, as
``with_area()`` says); it shows in their members' "mon secteur" list, and goes straight to the one chargé·e
when the sectors of that département have a single active member (``workflow.route_request``).
"""

from django.contrib.auth import get_user_model

from accompagnement.models import DiagnosticRequest
from territoires.models import Departement


def departement_of(request_id: int) -> str:
    row = DiagnosticRequest.objects.with_area().filter(pk=request_id).values_list("departement_code", flat=True)
    return row.first() or ""


def sector_members(departement_code: str):
    """Active staff of the sectors that take this département's requests."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True, ansm_sectors__departements=departement_code)
    return get_user_model().objects.filter(pk__in=users.values("pk"))


def sole_member(request_id: int):
    """The one chargé·e of the request's sector, or None when there is nobody or a group to share it."""
    code = departement_of(request_id)
    members = list(sector_members(code)[:2]) if code else []
    return members[0] if len(members) == 1 else None


def in_sectors_of(queryset, user):
    """Requests of the départements of ``user``'s sectors (``queryset`` annotated by ``with_area()``)."""
    mine = Departement.objects.filter(ansm_sectors__members=user).values("code")
    return queryset.filter(departement_code__in=mine)
