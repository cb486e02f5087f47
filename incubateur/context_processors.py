"""Context shared by every page, computed without any query (error pages render it during an outage)."""

from django.conf import settings


def site(request):
    """Expose the site's identity, its public settings and the main-menu section of the page."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "section": request.path.strip("/").split("/", 1)[0],
        "contact_email": settings.CONTACT_EMAIL,
        "hosting_provider": settings.HOSTING_PROVIDER,
        "retention_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
        "commune_threshold": settings.ANSM_COMMUNE_MAX_POPULATION,
        "epci_threshold": settings.ANSM_EPCI_MAX_POPULATION,
        "first_answer_days": settings.ANSM_FIRST_ANSWER_WORKING_DAYS,
    }
