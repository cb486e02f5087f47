"""publiccode.yml for the catalogue: export a service (standard 0.4), import real-world files (0.2 to 0.4).

The export writes only what the standard allows and what the catalogue holds: a service without a known
repository, licence, description, features, maintenance or localisation has no file, and
``missing_facts`` says why. Every export is checked by ``publiccode_rules.validate``.

The import keeps every key it can show or give back in a 0.4 export: each description in its own
language (French first when there is one), categories, features, logo, maintenance, localisation,
``usedBy`` and the other 0.4 keys as they are. Keys the 0.4 standard does not have (``organisation`` of
0.5, country extensions) are reported and not kept, except the organisation's name, which names the
porteur. Every file is checked before anything is written, so a bad file changes nothing; a service is
found again by its repository address, normalised, so importing our own export creates nothing.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from catalogue import publiccode_rules as rules
from catalogue.licences import LicenceError, canonical
from catalogue.models import CodeStatus, Porteur, Service
from catalogue.usage_workflow import start_usages_from_used_by
from core.sanitize import safe_url

VERSION = "0.4"
MAX_FILE_SIZE = 1_000_000
TOP_LEVEL_EXTRAS = [
    "applicationSuite",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "monochromeLogo",
    "inputTypes",
    "outputTypes",
    "roadmap",
    "intendedAudience",
    "dependsOn",
]
LEGAL_EXTRAS = ["mainCopyrightOwner", "repoOwner", "authorsFile"]
DESCRIPTION_EXTRAS = [
    "localisedName",
    "genericName",
    "documentation",
    "apiDocumentation",
    "screenshots",
    "videos",
    "awards",
]
URL_KEYS = {"landingURL", "roadmap", "documentation", "apiDocumentation", "website"}
# Hosts whose repository paths ignore case: the same repository, however its address is written.
CASE_INSENSITIVE_HOSTS = {"github.com", "gitlab.com"}


# ------------------------------------------------------------------------------------------ export


def missing_facts(service: Service) -> list[str]:
    """Why the catalogue cannot write a valid publiccode.yml for ``service``, in French; empty when it can."""
    missing = []
    if not service.repository:
        return ["aucun dépôt de code public n'est connu pour ce service"]
    if not service.license:
        missing.append("sa licence n'a pas été vérifiée dans le dépôt")
    if not service.features:
        missing.append("ses fonctionnalités ne sont pas décrites")
    if not service.categories:
        missing.append("ses catégories publiccode.yml ne sont pas renseignées")
    if not (service.platforms and service.software_type and service.development_status):
        missing.append("les plateformes, le type et l'état du logiciel ne sont pas tous connus")
    if not service.maintenance_type:
        missing.append("on ne sait pas qui maintient le logiciel")
    if service.localisation_ready is None or not service.available_languages:
        missing.append("ses langues disponibles ne sont pas connues")
    if missing:
        return missing
    return [str(problem) for problem in rules.validate(to_publiccode(service, users=[]))]


def to_publiccode(service: Service, *, users: list[str] | None = None) -> dict:
    """The publiccode.yml document of a service; ``users`` defaults to its deployments (prefetched)."""
    extra = service.publiccode_extra or {}
    if users is None:
        users = [deployment.user_name for deployment in service.deployments.all()]
    data = {"publiccodeYmlVersion": VERSION, "name": service.name, "url": service.repository}
    if service.website:
        data["landingURL"] = service.website
    data.update({key: extra[key] for key in TOP_LEVEL_EXTRAS if key in extra})
    if service.logo:
        data["logo"] = service.logo
    data["platforms"] = list(service.platforms)
    data["categories"] = list(service.categories)
    used_by = sorted({*service.used_by, *users})
    if used_by:
        data["usedBy"] = used_by
    data["developmentStatus"] = service.development_status
    data["softwareType"] = service.software_type
    primary = {"shortDescription": service.summary}
    if service.description:
        primary["longDescription"] = service.description
    if service.features:
        primary["features"] = list(service.features)
    primary.update(extra.get("description", {}).get(service.language, {}))
    descriptions = {service.language: primary, **service.other_descriptions}
    # French first, then the other languages in alphabetical order.
    data["description"] = dict(sorted(descriptions.items(), key=lambda item: (item[0] != "fr", item[0])))
    data["legal"] = {"license": service.license, **extra.get("legal", {})}
    maintenance = {"type": service.maintenance_type}
    if service.maintenance_contractors:
        maintenance["contractors"] = service.maintenance_contractors
    if service.maintenance_contacts:
        maintenance["contacts"] = service.maintenance_contacts
    data["maintenance"] = maintenance
    data["localisation"] = {
        "localisationReady": bool(service.localisation_ready),
        "availableLanguages": list(service.available_languages),
    }
    return data


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=119)


# ------------------------------------------------------------------------------------------ import


class PubliccodeError(Exception):
    """A publiccode.yml file cannot be imported; the message names the file and the key."""


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "file: key" not kept


def normalize_repository(url: str) -> str:
    """The same repository written in different ways compares equal (scheme, host case, www, .git, slash)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"(\.git)?/*$", "", parts.path)
    if host in CASE_INSENSITIVE_HOSTS:
        path = path.lower()
    return urlunsplit(("https", host, path, "", ""))


def read_publiccode(path: Path) -> dict:
    if not path.is_file():
        raise PubliccodeError(f"{path} : fichier introuvable.")
    if path.stat().st_size > MAX_FILE_SIZE:
        raise PubliccodeError(f"{path} : fichier trop volumineux (plus de 1 Mo).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PubliccodeError(f"{path} : le fichier n'est pas en UTF-8.") from error
    except RecursionError as error:
        # PyYAML builds nested lists and mappings recursively: a file nested thousands deep exhausts the stack.
        raise PubliccodeError(f"{path} : YAML trop imbriqué (des listes ou clés les unes dans les autres).") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        raise PubliccodeError(f"{path} : YAML invalide{where}.") from error
    if not isinstance(data, dict):
        raise PubliccodeError(f"{path} : le fichier doit contenir un dictionnaire de clés publiccode.yml.")
    return data


def _text(data: dict, key: str, path: Path, label: str, *, required: bool) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise PubliccodeError(f"{path} : clé « {label} » manquante.")
        return ""
    if not isinstance(value, str | int | float):
        raise PubliccodeError(f"{path} : la clé « {label} » doit être un texte.")
    return str(value).strip()


def _is_web_address(value) -> bool:
    # The one rule of core/sanitize.py for every imported link: absolute http(s), with a host, no control character.
    return isinstance(value, str) and bool(safe_url(value))


class _Mapper:
    """Turns one parsed file into model values, noting each key it cannot keep (pure: no database)."""

    def __init__(self, data: dict, path: Path):
        self.data, self.path, self.ignored = data, path, []

    def ignore(self, key: str, why: str) -> None:
        self.ignored.append(f"{self.path.name} : {key} ({why})")

    def clean(self, value, key: str):
        """Plain YAML values as the standard writes them: dates as text, http(s) addresses only."""
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {
                str(k): v for k, v in ((k, self.clean(v, f"{key}.{k}")) for k, v in value.items()) if v is not None
            }
        if isinstance(value, list):
            return [item for item in (self.clean(item, key) for item in value) if item is not None]
        if isinstance(value, str) and not value.strip():
            return None  # an empty text says nothing (grist-core writes version: '')
        if isinstance(value, bool | str):
            if key.rsplit(".", 1)[-1] in URL_KEYS and not _is_web_address(value):
                self.ignore(key, "adresse qui n'est pas en http ou https")
                return None
            return value
        if isinstance(value, int | float):
            return str(value)
        return None

    def texts(self, value, key: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.ignore(key, "une liste était attendue")
            return []
        return [str(item).strip() for item in value if isinstance(item, str | int | float) and str(item).strip()]

    def descriptions(self) -> dict[str, dict]:
        descriptions = self.data.get("description")
        if not isinstance(descriptions, dict) or not descriptions:
            raise PubliccodeError(f"{self.path} : clé « description » manquante ou vide.")
        result = {}
        # YAML 1.1 reads some language codes as booleans ("no": Norwegian): compare them as text.
        for language, description in descriptions.items():
            language = {False: "no", True: "yes"}.get(language, str(language))
            if not isinstance(description, dict):
                raise PubliccodeError(f"{self.path} : la clé « description.{language} » doit être un dictionnaire.")
            kept = {}
            for key, value in description.items():
                if key not in rules.DESCRIPTION_KEYS:
                    self.ignore(f"description.{language}.{key}", "clé inconnue du standard 0.4")
                    continue
                value = self.clean(value, f"description.{language}.{key}")
                if key in {"shortDescription", "longDescription", "localisedName", "genericName"} and value:
                    value = str(value).strip()
                if key == "videos":
                    value = [video for video in value or [] if _is_web_address(video)]
                if value not in (None, "", []):
                    kept[key] = value
            short, long = kept.get("shortDescription"), kept.get("longDescription")
            if not short and not long:
                raise PubliccodeError(f"{self.path} : clé « description.{language}.shortDescription » manquante.")
            result[language] = kept
        return result

    def values(self) -> dict:
        data, path = self.data, self.path
        name = _text(data, "name", path, "name", required=True)
        repository = _text(data, "url", path, "url", required=True)
        if not _is_web_address(repository):
            raise PubliccodeError(
                f"{path} : la clé « url » doit être une adresse http(s) de dépôt, pas « {repository} »."
            )
        legal = data.get("legal") if isinstance(data.get("legal"), dict) else {}
        licence = _text(legal, "license", path, "legal.license", required=False)
        try:
            licence = canonical(licence) if licence else ""
        except LicenceError:
            self.ignore("legal.license", f"« {licence} » gardée telle quelle : pas une expression SPDX")
        maintenance = data.get("maintenance") if isinstance(data.get("maintenance"), dict) else {}
        localisation = data.get("localisation") if isinstance(data.get("localisation"), dict) else {}
        ready = localisation.get("localisationReady")
        categories = self.texts(data.get("categories", []), "categories")
        for category in categories:
            if category not in rules.CATEGORIES:
                self.ignore(f"categories.{category}", "catégorie absente de la liste du standard")
        extra = {key: self.clean(data[key], key) for key in TOP_LEVEL_EXTRAS if key in data}
        extra = {key: value for key, value in extra.items() if value not in (None, "", [], {})}
        legal_extra = {key: self.clean(legal[key], key) for key in LEGAL_EXTRAS if legal.get(key)}
        if legal_extra:
            extra["legal"] = legal_extra
        known = rules.TOP_LEVEL_KEYS | {"organisation"}
        for key in data:
            if key not in known:
                self.ignore(str(key), "clé absente du standard 0.4 (extension nationale ou autre version)")
        organisation = data.get("organisation") if isinstance(data.get("organisation"), dict) else {}
        landing = data.get("landingURL")
        logo = _text(data, "logo", path, "logo", required=False)
        if re.match(r"^[a-z][a-z0-9+.-]*:", logo, re.IGNORECASE) and not _is_web_address(logo):
            self.ignore("logo", "adresse qui n'est pas en http ou https")
            logo = ""
        return {
            "name": name[:200],
            "repository": repository[:500],
            "website": landing.strip()[:500] if _is_web_address(landing) else "",
            "license": licence[:100],
            "logo": logo[:500],
            "categories": [category for category in categories if category in rules.CATEGORIES],
            "platforms": self.texts(data.get("platforms", []), "platforms"),
            "software_type": data.get("softwareType") if data.get("softwareType") in rules.SOFTWARE_TYPES else "",
            "development_status": (
                data.get("developmentStatus") if data.get("developmentStatus") in rules.DEVELOPMENT_STATUSES else ""
            ),
            "maintenance_type": maintenance.get("type") if maintenance.get("type") in rules.MAINTENANCE_TYPES else "",
            "maintenance_contacts": self._people(maintenance.get("contacts"), rules.CONTACT_KEYS),
            "maintenance_contractors": self._people(maintenance.get("contractors"), rules.CONTRACTOR_KEYS),
            "localisation_ready": ready if isinstance(ready, bool) else None,
            "available_languages": self.texts(localisation.get("availableLanguages", []), "localisation"),
            "used_by": self.texts(data.get("usedBy", []), "usedBy"),
            "publiccode_extra": extra,
            "descriptions": self.descriptions(),
            "porteur_name": _text(organisation, "name", path, "organisation.name", required=False)[:200],
        }

    def _people(self, people, allowed: set[str]) -> list[dict]:
        if not isinstance(people, list):
            return []
        kept = []
        for person in people:
            if isinstance(person, dict) and person.get("name"):
                person = self.clean({key: value for key, value in person.items() if key in allowed}, "maintenance")
                kept.append({key: str(value) for key, value in person.items()})
        return kept


def map_publiccode(data: dict, path: Path) -> tuple[dict, list[str]]:
    """Service values from one publiccode.yml document and the keys not kept (pure: no database access)."""
    mapper = _Mapper(data, path)
    return mapper.values(), mapper.ignored


def _apply_descriptions(service: Service, descriptions: dict[str, dict], *, is_new: bool) -> None:
    """The service's own language (French first) fills its summary, description and features; the others
    are kept as they are. A curated service keeps its texts when the file is not in their language."""
    languages = list(descriptions)
    wanted = ["fr", *([] if is_new else [service.language])]
    primary = next((language for language in languages if language.split("-")[0].lower() in wanted), None)
    if primary is None and is_new:
        primary = languages[0]
    extras = {}
    if primary is not None:
        chosen = descriptions[primary]
        service.language = primary
        short, long = chosen.get("shortDescription", ""), chosen.get("longDescription", "")
        service.summary = short if short and len(short) <= 300 else (short or long)[:299].rsplit(" ", 1)[0] + "…"
        service.description = long
        service.features = chosen.get("features", [])
        kept = {key: value for key, value in chosen.items() if key in DESCRIPTION_EXTRAS}
        if kept:
            extras[primary] = kept
    service.other_descriptions = {language: text for language, text in descriptions.items() if language != primary}
    service.publiccode_extra = (
        {**service.publiccode_extra, "description": extras}
        if extras
        else {key: value for key, value in service.publiccode_extra.items() if key != "description"}
    )


def _unique_slug(model, name: str) -> str:
    """A slug for ``name`` that no row of ``model`` has yet ("nom", "nom-2", …)."""
    base = slugify(name)[:190] or model._meta.model_name
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def import_publiccode(paths: list[Path], *, publish: bool = True) -> ImportResult:
    """Create or update one service per file, matched on its repository address; all files or none."""
    result = ImportResult()
    mapped = []
    for path in paths:
        try:
            values, ignored = map_publiccode(read_publiccode(path), path)
        except RecursionError as error:
            raise PubliccodeError(
                f"{path} : YAML trop imbriqué (des listes ou clés les unes dans les autres)."
            ) from error
        mapped.append((path, values))
        result.ignored.extend(ignored)
    by_repository = {
        normalize_repository(service.repository): service
        for service in Service.objects.exclude(repository="").prefetch_related(
            "deployments__commune", "deployments__epci", "deployments__departement"
        )
    }
    with transaction.atomic():
        for path, values in mapped:
            porteur_name = values.pop("porteur_name")
            descriptions = values.pop("descriptions")
            service = by_repository.get(normalize_repository(values["repository"]))
            is_new = service is None
            source = f"publiccode.yml : {values['repository']}"
            if is_new:
                service = Service(
                    slug=_unique_slug(Service, values["name"]),
                    is_published=publish,
                    sources=[source],
                    code_status=CodeStatus.OPEN,
                )
                result.created.append(values["name"])
            else:
                result.updated.append(service.name)
                if source not in service.sources:
                    service.sources = [*service.sources, source]
                # Users the catalogue already lists are not declared twice.
                known = {deployment.user_name for deployment in service.deployments.all()}
                values["used_by"] = [name for name in values["used_by"] if name not in known]
                values["repository"] = service.repository
            if porteur_name:
                values["porteur"], _ = Porteur.objects.get_or_create(
                    name=porteur_name, defaults={"slug": _unique_slug(Porteur, porteur_name)}
                )
            for name, value in values.items():
                setattr(service, name, value)
            _apply_descriptions(service, descriptions, is_new=is_new)
            try:
                service.full_clean(exclude=["slug"])
            except ValidationError as error:
                keys = ", ".join(error.message_dict)
                raise PubliccodeError(f"{path} : valeur refusée pour {keys}.") from error
            service.save()
            # usedBy names that match one official body become usages for staff to verify.
            start_usages_from_used_by(service, service.used_by, source=source)
            by_repository[normalize_repository(service.repository)] = service
    return result
