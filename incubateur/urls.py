from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView

from accompagnement import figures_views
from accompagnement.api import StatsView as AnsmStatsView
from catalogue import views as catalogue_views
from incubateur import views
from incubateur.api_router import router
from incubateur.staff_login import StaffAuthenticationForm

site_page = views.SitePageView.as_view

if settings.ADMIN_REQUIRE_2FA:
    # Every staff page then needs a session verified with a one-time password (django-otp).
    admin.site.__class__ = OTPAdminSite
    admin.site.login_form = StaffAuthenticationForm
admin.site.site_header = admin.site.site_title = "Administration du portail de l'Incubateur des territoires"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accessibilite/", site_page(template_name="incubateur/accessibilite.html"), name="accessibilite"),
    path("mentions-legales/", site_page(template_name="incubateur/mentions_legales.html"), name="mentions_legales"),
    path(
        "donnees-personnelles/",
        site_page(template_name="incubateur/donnees_personnelles.html"),
        name="donnees_personnelles",
    ),
    path("plan-du-site/", site_page(template_name="incubateur/plan_du_site.html"), name="plan_du_site"),
    path("sante/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    path("services/", include("catalogue.urls")),
    path("", include("accompagnement.usage_urls")),
    path("chiffres/", figures_views.figures, name="figures"),
    path("chiffres/<slug:slug>.csv", figures_views.figures_csv, name="figures_csv"),
    path("chiffres/besoins/", figures_views.needs, name="needs"),
    path("chiffres/besoins/<slug:kind>.csv", figures_views.needs_csv, name="needs_csv"),
    path("services.csv", catalogue_views.service_csv, name="service_csv"),
    path("utilisations.csv", catalogue_views.usage_csv, name="usage_csv"),
    path("utilisations.json", catalogue_views.usage_json, name="usage_json"),
    path("consultation/", include("consultation.urls")),
    path("accompagnement/", include("accompagnement.urls")),
    path("api/accompagnement/stats/", AnsmStatsView.as_view(), name="ansm_stats"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", views.api_docs, name="api_docs"),
    path("admin/", admin.site.urls),
]

handler400 = "incubateur.views.bad_request"
handler403 = "incubateur.views.permission_denied"
handler404 = "incubateur.views.page_not_found"
handler500 = "incubateur.views.server_error"
