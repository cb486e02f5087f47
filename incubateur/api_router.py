"""The API's one router: each app registers its read-only viewsets here, under /api/."""

from rest_framework.routers import DefaultRouter

from catalogue.api import PorteurViewSet, ServiceViewSet, ThematiqueViewSet
from consultation.api import ContributionViewSet, EnjeuViewSet, InvestigationViewSet
from territoires.api import CommuneViewSet, DepartementViewSet, EpciViewSet, RegionViewSet


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("territoires/regions", RegionViewSet, basename="region")
router.register("territoires/departements", DepartementViewSet, basename="departement")
router.register("territoires/epci", EpciViewSet, basename="epci")
router.register("territoires/communes", CommuneViewSet, basename="commune")
router.register("services", ServiceViewSet, basename="service")
router.register("themes", ThematiqueViewSet, basename="theme")
router.register("organisations", PorteurViewSet, basename="organisation")
router.register("enjeux", EnjeuViewSet, basename="enjeu")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("investigations", InvestigationViewSet, basename="investigation")
