"""publiccode.yml (standard 0.4) for the catalogue: export a service, import real-world files.

Import reads any version of the standard still found in repositories (0.2 to 0.4): the description in
French when there is one, then English, then any language; country extensions and unknown keys are
ignored. Every file is checked before anything is written, so a bad file changes nothing.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from catalogue.models import Porteur, Service, Stage

VERSION = "0.4.0"
SHORT_DESCRIPTION_MAX = 150
MAX_FILE_SIZE = 1_000_000

# Our maturity stages and publiccode's developmentStatus, both ways.
TO_DEVELOPMENT_STATUS = {
    Stage.CONSTRUCTION: "development",
    Stage.ACCELERATION: "beta",
    Stage.PERENNISATION: "stable",
    Stage.ABANDON: "obsolete",
    Stage.UNKNOWN: "development",
}
FROM_DEVELOPMENT_STATUS = {
    "concept": Stage.CONSTRUCTION,
    "development": Stage.CONSTRUCTION,
    "beta": Stage.ACCELERATION,
    "stable": Stage.PERENNISATION,
    "obsolete": Stage.ABANDON,
}


# ------------------------------------------------------------------------------------------ export


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def to_publiccode(service: Service) -> dict:
    """The publiccode.yml content of a service (themes, porteur and deployments prefetched)."""
    long_description = "\n\n".join(part for part in [service.description, service.problem, service.audience] if part)
    features = [theme.name for theme in service.themes.all()]
    data = {
        "publiccodeYmlVersion": VERSION,
        "name": service.name,
        "url": service.repository or f"{settings.SITE_URL}{service.get_absolute_url()}",
        "landingURL": service.website or f"{settings.SITE_URL}{service.get_absolute_url()}",
        "platforms": ["web"],
        "developmentStatus": TO_DEVELOPMENT_STATUS[service.stage],
        "softwareType": "standalone/web",
        "description": {
            "fr": {
                "shortDescription": _short(service.summary, SHORT_DESCRIPTION_MAX),
                "longDescription": long_description or service.summary,
                **({"features": features} if features else {}),
            }
        },
        # SPDX's answer when the licence is not known: we never invent one.
        "legal": {"license": service.license or "NOASSERTION"},
        "maintenance": _maintenance(service),
        "localisation": {"localisationReady": False, "availableLanguages": ["fr"]},
    }
    users = sorted({deployment.user_name for deployment in service.deployments.all()})
    if users:
        data["usedBy"] = users
    if service.porteur:
        data["organisation"] = {
            "uri": f"{settings.SITE_URL}{reverse('organisation-detail', kwargs={'slug': service.porteur.slug})}",
            "name": service.porteur.name,
        }
    return data


def _maintenance(service: Service) -> dict:
    if service.stage == Stage.ABANDON:
        return {"type": "none"}
    contact = {"name": service.porteur.name if service.porteur else service.name}
    if "@" in service.contact:
        contact["email"] = service.contact
    return {"type": "internal", "contacts": [contact]}


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=119)


# ------------------------------------------------------------------------------------------ import


class PubliccodeError(Exception):
    """A publiccode.yml file cannot be imported; the message names the file and the key."""


@dataclass
class ImportResult:
    created: list[str]
    updated: list[str]


def normalize_repository(url: str) -> str:
    """The same repository written in different ways compares equal (case, trailing slash, .git)."""
    url = url.strip().rstrip("/")
    url = re.sub(r"\.git$", "", url)
    url = re.sub(r"^http://", "https://", url)
    return url.lower()


def read_publiccode(path: Path) -> dict:
    if not path.is_file():
        raise PubliccodeError(f"{path} : fichier introuvable.")
    if path.stat().st_size > MAX_FILE_SIZE:
        raise PubliccodeError(f"{path} : fichier trop volumineux (plus de 1 Mo).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PubliccodeError(f"{path} : le fichier n'est pas en UTF-8.") from error
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


def pick_description(data: dict, path: Path) -> tuple[str, dict]:
    """The description in French, else English, else the first language given."""
    descriptions = data.get("description")
    if not isinstance(descriptions, dict) or not descriptions:
        raise PubliccodeError(f"{path} : clé « description » manquante ou vide.")
    # YAML 1.1 reads some language codes as booleans ("no": Norwegian): compare them as text.
    by_language = {str(language): text for language, text in descriptions.items()}
    for wanted in ("fr", "en"):
        chosen = next((lang for lang in by_language if lang.lower().split("-")[0] == wanted), None)
        if chosen:
            break
    else:
        chosen = next(iter(by_language))
    description = by_language[chosen]
    if not isinstance(description, dict):
        raise PubliccodeError(f"{path} : la clé « description.{chosen} » doit être un dictionnaire.")
    return chosen, description


def map_publiccode(data: dict, path: Path) -> dict:
    """Service values from one publiccode.yml document (pure: no database access)."""
    name = _text(data, "name", path, "name", required=True)
    repository = _text(data, "url", path, "url", required=True)
    if not re.match(r"^https?://", repository):
        raise PubliccodeError(f"{path} : la clé « url » doit être une adresse http(s) de dépôt, pas « {repository} ».")
    language, description = pick_description(data, path)
    summary = _text(description, "shortDescription", path, f"description.{language}.shortDescription", required=False)
    long_description = _text(
        description, "longDescription", path, f"description.{language}.longDescription", required=False
    )
    if not summary and not long_description:
        raise PubliccodeError(f"{path} : clé « description.{language}.shortDescription » manquante.")
    legal = data.get("legal") if isinstance(data.get("legal"), dict) else {}
    landing = _text(data, "landingURL", path, "landingURL", required=False)
    status = _text(data, "developmentStatus", path, "developmentStatus", required=False).lower()
    organisation = data.get("organisation") if isinstance(data.get("organisation"), dict) else {}
    porteur = (
        _text(organisation, "name", path, "organisation.name", required=False)
        or _text(legal, "mainCopyrightOwner", path, "legal.mainCopyrightOwner", required=False)
        or _text(legal, "repoOwner", path, "legal.repoOwner", required=False)
    )
    return {
        "name": name[:200],
        "summary": _short(summary or long_description, 300),
        "description": long_description,
        "repository": repository[:500],
        "website": landing[:500] if re.match(r"^https?://", landing) else "",
        "license": _text(legal, "license", path, "legal.license", required=False)[:100],
        "stage": FROM_DEVELOPMENT_STATUS.get(status, Stage.UNKNOWN),
        "code_status": "open",
        "porteur_name": porteur[:200],
        "source": f"publiccode.yml : {repository}",
    }


def _unique_slug(model, name: str) -> str:
    """A slug for ``name`` that no row of ``model`` has yet ("nom", "nom-2", …)."""
    base = slugify(name)[:190] or model._meta.model_name
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def import_publiccode(paths: list[Path], *, publish: bool = True) -> ImportResult:
    """Create or update one service per file, matched on its repository URL; all files or none."""
    mapped = [(path, map_publiccode(read_publiccode(path), path)) for path in paths]
    by_repository = {
        normalize_repository(service.repository): service for service in Service.objects.exclude(repository="")
    }
    result = ImportResult([], [])
    with transaction.atomic():
        for path, values in mapped:
            porteur_name = values.pop("porteur_name")
            source = values.pop("source")
            if porteur_name:
                values["porteur"], _ = Porteur.objects.get_or_create(
                    name=porteur_name, defaults={"slug": _unique_slug(Porteur, porteur_name)}
                )
            service = by_repository.get(normalize_repository(values["repository"]))
            if service is None:
                service = Service(slug=_unique_slug(Service, values["name"]), is_published=publish, sources=[source])
                result.created.append(values["name"])
            else:
                result.updated.append(service.name)
                if source not in service.sources:
                    service.sources = [*service.sources, source]
            for field, value in values.items():
                setattr(service, field, value)
            try:
                service.full_clean(exclude=["slug"])
            except ValidationError as error:
                keys = ", ".join(error.message_dict)
                raise PubliccodeError(f"{path} : valeur refusée pour {keys}.") from error
            service.save()
            by_repository[normalize_repository(service.repository)] = service
    return result
