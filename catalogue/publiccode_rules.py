"""The rules of the publiccode.yml standard, version 0.4, as a validator.

Written from the standard's text (publiccodeyml/publiccode.yml, ``docs/standard/schema.core.rst``, its
controlled vocabularies ``categories-list.rst`` and ``scope-list.rst``): which keys exist, which are
mandatory, their types, lengths and allowed values. ``validate`` returns every problem found, each with
the key it concerns and a French message; an empty list means the document follows the standard.
Country sections (``it``, ``IT``…) belong to their own extensions and are not checked here.
"""

import datetime
import re
from dataclasses import dataclass

from catalogue.licences import LicenceError, parse

VERSIONS = {"0.4", "0.4.0"}
SHORT_DESCRIPTION_MAX, LONG_DESCRIPTION_MIN, LONG_DESCRIPTION_MAX, GENERIC_NAME_MAX = 150, 150, 10000, 35

CATEGORIES = frozenset(
    """accounting agile-project-management applicant-tracking application-development appointment-scheduling
    backup billing-and-invoicing blog budgeting business-intelligence business-process-management cad
    call-center-management cloud-management collaboration communications compliance-management
    contact-management content-management crm customer-service-and-support data-analytics data-collection
    data-visualization design design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management email-marketing
    employee-management enterprise-project-management enterprise-social-networking erp event-management
    facility-management feedback-and-reviews-management financial-reporting fleet-management fundraising
    gamification geographic-information-systems grant-management graphic-design help-desk hr ide
    identity-management instant-messaging inventory-management it-asset-management it-development
    it-management it-security it-service-management knowledge-management learning-management-system
    marketing mind-mapping mobile-marketing mobile-payment network-management office online-booking
    online-community payment-gateway payroll predictive-analysis procurement productivity-suite
    project-collaboration project-management property-management real-estate-management remote-support
    resource-management sales-management seo service-desk social-media-management survey talent-management
    task-management taxes-management test-management time-management time-tracking translation
    video-conferencing video-editing visitor-management voip warehouse-management web-collaboration
    web-conferencing website-builder whistleblowing workflow-management""".split()
)
SCOPES = frozenset(
    """agriculture culture defence education emergency-services employment energy environment
    finance-and-economic-development foreign-affairs healthcare infrastructures justice local-authorities
    manufacturing research science-and-technology security society sport tourism transportation welfare""".split()
)
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}

TOP_LEVEL_KEYS = {
    "publiccodeYmlVersion",
    "name",
    "applicationSuite",
    "url",
    "landingURL",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "inputTypes",
    "outputTypes",
    "platforms",
    "categories",
    "usedBy",
    "roadmap",
    "developmentStatus",
    "softwareType",
    "intendedAudience",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "dependsOn",
}
DESCRIPTION_KEYS = {
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
}
LEGAL_KEYS = {"license", "mainCopyrightOwner", "repoOwner", "authorsFile"}
CONTACT_KEYS = {"name", "email", "phone", "affiliation"}
CONTRACTOR_KEYS = {"name", "until", "email", "website"}
DEPENDENCY_KEYS = {"name", "versionMin", "versionMax", "version", "optional"}

# BCP 47 tags (RFC 5646), syntax only: a primary language subtag of 2-3 letters (or 4-8), then subtags.
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3}|[a-zA-Z]{4,8})(-[a-zA-Z0-9]{1,8})*$")
_COUNTRY_SECTION = re.compile(r"^[a-zA-Z]{2}$")
_MIME_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$|^https?://localhost[^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self):
        return f"{self.key} : {self.message}"


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(key, message))

    def mapping(self, data, key: str, allowed: set[str], *, required: set[str] = frozenset()) -> dict:
        if not isinstance(data, dict):
            self.add(key, "doit être une section (clés et valeurs)")
            return {}
        for name in data:
            if str(name) not in allowed:
                self.add(f"{key}.{name}" if key else str(name), "clé inconnue du standard 0.4")
        for name in sorted(required - {str(name) for name in data}):
            self.add(f"{key}.{name}" if key else name, "clé obligatoire manquante")
        return data

    def text(self, data: dict, name: str, key: str) -> str | None:
        if name not in data:
            return None
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            self.add(key, "doit être un texte non vide")
            return None
        return value

    def url(self, data: dict, name: str, key: str) -> None:
        value = self.text(data, name, key)
        if value is not None and not _URL.match(value.strip()):
            self.add(key, "doit être une adresse web (http ou https)")

    def texts(self, data: dict, name: str, key: str, *, non_empty: bool = False) -> list[str]:
        if name not in data:
            return []
        value = data[name]
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            self.add(key, "doit être une liste de textes")
            return []
        if non_empty and not value:
            self.add(key, "doit contenir au moins une valeur")
        return value

    def date(self, data: dict, name: str, key: str) -> None:
        if name not in data:
            return
        value = data[name]
        # YAML 1.1 readers turn an unquoted 2024-01-31 into a date: the same value for the standard.
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                datetime.date.fromisoformat(value)
                return
            except ValueError:
                pass
        self.add(key, "doit être une date au format AAAA-MM-JJ")

    def choice(self, data: dict, name: str, key: str, allowed) -> None:
        if name in data and data[name] not in allowed:
            self.add(key, f"« {data[name]} » n'est pas une valeur permise")


def validate(document) -> list[Problem]:
    """Every way ``document`` (a parsed publiccode.yml) departs from the 0.4 standard."""
    check = _Checker()
    if not isinstance(document, dict):
        check.add("publiccode.yml", "le fichier doit être une section de clés, pas une liste ni un texte")
        return check.problems
    country_sections = {
        key for key in document if isinstance(key, str) and _COUNTRY_SECTION.match(key) and key not in TOP_LEVEL_KEYS
    }
    required = {"publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus"}
    required |= {"softwareType", "description", "legal", "maintenance", "localisation"}
    data = check.mapping(
        {key: value for key, value in document.items() if key not in country_sections},
        "",
        TOP_LEVEL_KEYS,
        required=required,
    )
    version = data.get("publiccodeYmlVersion")
    if "publiccodeYmlVersion" in data and (not isinstance(version, str) or version not in VERSIONS):
        check.add("publiccodeYmlVersion", f'« {version} » : ce document doit déclarer la version "0.4" (un texte)')
    for name in ["name", "applicationSuite", "softwareVersion", "logo", "monochromeLogo"]:
        check.text(data, name, name)
    for name in ["url", "landingURL", "roadmap"]:
        check.url(data, name, name)
    if "isBasedOn" in data:
        based_on = data["isBasedOn"]
        values = based_on if isinstance(based_on, list) else [based_on]
        if not values or not all(isinstance(value, str) and _URL.match(value) for value in values):
            check.add("isBasedOn", "doit être l'adresse d'un dépôt ou une liste d'adresses")
    check.date(data, "releaseDate", "releaseDate")
    for name in ["inputTypes", "outputTypes"]:
        if any(not _MIME_TYPE.match(value) for value in check.texts(data, name, name)):
            check.add(name, "doit être une liste de types de médias (RFC 6838), par exemple text/csv")
    platforms = data.get("platforms")
    if "platforms" in data and not (
        (isinstance(platforms, str) and platforms.strip())
        or (isinstance(platforms, list) and platforms and all(isinstance(p, str) and p.strip() for p in platforms))
    ):
        check.add("platforms", "doit être une plateforme ou une liste de plateformes (web, android…)")
    for category in check.texts(data, "categories", "categories", non_empty=True):
        if category not in CATEGORIES:
            check.add("categories", f"« {category} » n'est pas dans la liste des catégories du standard")
    check.texts(data, "usedBy", "usedBy")
    check.choice(data, "developmentStatus", "developmentStatus", DEVELOPMENT_STATUSES)
    check.choice(data, "softwareType", "softwareType", SOFTWARE_TYPES)
    if "intendedAudience" in data:
        audience = check.mapping(
            data["intendedAudience"], "intendedAudience", {"countries", "unsupportedCountries", "scope"}
        )
        for name in ["countries", "unsupportedCountries"]:
            for country in check.texts(audience, name, f"intendedAudience.{name}"):
                if not re.fullmatch(r"[a-zA-Z]{2}", country):
                    check.add(
                        f"intendedAudience.{name}", f"« {country} » n'est pas un code pays ISO 3166-1 à deux lettres"
                    )
        for scope in check.texts(audience, "scope", "intendedAudience.scope"):
            if scope not in SCOPES:
                check.add("intendedAudience.scope", f"« {scope} » n'est pas dans la liste des domaines du standard")
    if "description" in data:
        _check_descriptions(check, data["description"])
    if "legal" in data:
        legal = check.mapping(data["legal"], "legal", LEGAL_KEYS, required={"license"})
        licence = check.text(legal, "license", "legal.license")
        if licence is not None:
            try:
                parse(licence)
            except LicenceError as error:
                check.add("legal.license", f"doit être une expression SPDX : {error}")
        for name in ["mainCopyrightOwner", "repoOwner", "authorsFile"]:
            check.text(legal, name, f"legal.{name}")
    if "maintenance" in data:
        _check_maintenance(check, data["maintenance"])
    if "localisation" in data:
        localisation = check.mapping(
            data["localisation"],
            "localisation",
            {"localisationReady", "availableLanguages"},
            required={"localisationReady", "availableLanguages"},
        )
        if "localisationReady" in localisation and not isinstance(localisation["localisationReady"], bool):
            check.add("localisation.localisationReady", "doit valoir true ou false")
        for language in check.texts(
            localisation, "availableLanguages", "localisation.availableLanguages", non_empty=True
        ):
            if not _LANGUAGE_TAG.match(language):
                check.add(
                    "localisation.availableLanguages", f"« {language} » n'est pas une étiquette de langue BCP 47"
                )
    if "dependsOn" in data:
        depends_on = check.mapping(data["dependsOn"], "dependsOn", {"open", "proprietary", "hardware"})
        for kind, dependencies in depends_on.items():
            _check_list_of(check, dependencies, f"dependsOn.{kind}", DEPENDENCY_KEYS, _check_dependency)
    return check.problems


def _check_descriptions(check: _Checker, descriptions) -> None:
    if not isinstance(descriptions, dict) or not descriptions:
        check.add("description", "doit contenir au moins une langue")
        return
    has_long, has_features = False, False
    for language, description in descriptions.items():
        key = f"description.{language}"
        if not isinstance(language, str) or not _LANGUAGE_TAG.match(language):
            check.add(key, f"« {language} » n'est pas une étiquette de langue BCP 47")
        description = check.mapping(description, key, DESCRIPTION_KEYS, required={"shortDescription"})
        short = check.text(description, "shortDescription", f"{key}.shortDescription")
        if short is not None and len(short) > SHORT_DESCRIPTION_MAX:
            check.add(f"{key}.shortDescription", f"{len(short)} caractères, {SHORT_DESCRIPTION_MAX} au plus")
        generic = check.text(description, "genericName", f"{key}.genericName")
        if generic is not None and len(generic) > GENERIC_NAME_MAX:
            check.add(f"{key}.genericName", f"{len(generic)} caractères, {GENERIC_NAME_MAX} au plus")
        long = check.text(description, "longDescription", f"{key}.longDescription")
        if long is not None:
            has_long = True
            if not LONG_DESCRIPTION_MIN <= len(long) <= LONG_DESCRIPTION_MAX:
                check.add(
                    f"{key}.longDescription",
                    f"{len(long)} caractères, entre {LONG_DESCRIPTION_MIN} et {LONG_DESCRIPTION_MAX} attendus",
                )
        has_features |= bool(check.texts(description, "features", f"{key}.features", non_empty=True))
        check.text(description, "localisedName", f"{key}.localisedName")
        for name in ["documentation", "apiDocumentation"]:
            check.url(description, name, f"{key}.{name}")
        check.texts(description, "screenshots", f"{key}.screenshots")
        check.texts(description, "awards", f"{key}.awards")
        if any(not _URL.match(video) for video in check.texts(description, "videos", f"{key}.videos")):
            check.add(f"{key}.videos", "doit être une liste d'adresses web")
    if not has_long:
        check.add("description", "longDescription est obligatoire dans au moins une langue")
    if not has_features:
        check.add("description", "features est obligatoire dans au moins une langue")


def _check_maintenance(check: _Checker, maintenance) -> None:
    maintenance = check.mapping(maintenance, "maintenance", {"type", "contractors", "contacts"}, required={"type"})
    kind = maintenance.get("type")
    check.choice(maintenance, "type", "maintenance.type", MAINTENANCE_TYPES)
    if kind == "contract" and not maintenance.get("contractors"):
        check.add("maintenance.contractors", "obligatoire quand la maintenance est sous contrat")
    if kind != "contract" and "contractors" in maintenance:
        check.add("maintenance.contractors", "seulement quand la maintenance est sous contrat")
    if kind in {"internal", "community"} and not maintenance.get("contacts"):
        check.add("maintenance.contacts", "obligatoire quand la maintenance est interne ou communautaire")
    if "contractors" in maintenance:
        _check_list_of(
            check, maintenance["contractors"], "maintenance.contractors", CONTRACTOR_KEYS, _check_contractor
        )
    if "contacts" in maintenance:
        _check_list_of(check, maintenance["contacts"], "maintenance.contacts", CONTACT_KEYS, _check_contact)


def _check_list_of(check: _Checker, items, key: str, allowed: set[str], check_item) -> None:
    if not isinstance(items, list):
        check.add(key, "doit être une liste")
        return
    for number, item in enumerate(items):
        item_key = f"{key}[{number}]"
        check_item(check, check.mapping(item, item_key, allowed, required={"name"}), item_key)


def _check_contact(check: _Checker, contact: dict, key: str) -> None:
    for name in ["name", "email", "phone", "affiliation"]:
        check.text(contact, name, f"{key}.{name}")


def _check_contractor(check: _Checker, contractor: dict, key: str) -> None:
    check.text(contractor, "name", f"{key}.name")
    check.text(contractor, "email", f"{key}.email")
    check.url(contractor, "website", f"{key}.website")
    if "until" not in contractor:
        check.add(f"{key}.until", "clé obligatoire manquante")
    check.date(contractor, "until", f"{key}.until")


def _check_dependency(check: _Checker, dependency: dict, key: str) -> None:
    for name in ["name", "versionMin", "versionMax", "version"]:
        check.text(dependency, name, f"{key}.{name}")
    if "optional" in dependency and not isinstance(dependency["optional"], bool):
        check.add(f"{key}.optional", "doit valoir true ou false")
