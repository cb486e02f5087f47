"""The API's one router: each app registers its read-only viewsets here, under /api/."""

from django.urls import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from catalogue.api import PorteurViewSet, ServiceViewSet, ThematiqueViewSet
from consultation.api import ContributionViewSet, EnjeuViewSet, InvestigationViewSet
from territoires.api import CommuneViewSet, DepartementViewSet, EpciViewSet, RegionViewSet


class RootView(APIRootView):
    """The API's root: its lists, and the public aggregate figures (page and CSV tables) beside them."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["chiffres"] = request.build_absolute_uri(reverse("figures"))
        return response


class Router(DefaultRouter):
    include_format_suffixes = False
    APIRootView = RootView


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
