"""The real catalogue shipped in ``data/`` (public facts, each with its source), loaded by ``load_demo``.

``services.json`` and ``services_more.json`` are copies of ``../shared/data/catalogue`` (see data/README.md);
``thematiques.json`` sorts their labels into the families of the catalogue, ``synonymes.json`` holds the
words communes type, ``precisions.json`` puts facts their descriptions state (for whom, which instance)
into the fields the page shows. Deployments are loaded only where a public source states them (``DEPLOYMENTS``).
Loading twice changes nothing: rows are matched on their slug (or term) and only real changes are written.
"""

import json
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue.models import (
    CodeStatus,
    Deployment,
    Laureat,
    Porteur,
    SearchSynonym,
    Service,
    ServiceEnjeu,
    ServiceInvestigation,
    Stage,
    Thematique,
    UsageOrigin,
    UsageState,
)
from consultation.models import Enjeu, Investigation, LinkBasis

DATA_DIR = Path(__file__).resolve().parent / "data"
SERVICE_FILES = [DATA_DIR / "services.json", DATA_DIR / "services_more.json"]
# The day the shared data set was compiled from its sources (data/README.md): the date the pages give.
FACTS_COMPILED_ON = date(2026, 12, 1)
# services.json says ``source`` when a source ties a service to an enjeu, ``inferred-by-topic`` otherwise.
ENJEU_BASES = {"source": LinkBasis.SOURCE, "inferred-by-topic": LinkBasis.THEME}

# (service slug, département code, other body, source): facts stated by a public source.
DEPLOYMENTS = [
    (
        "espace-sur-demande",
        "38",
        "Département de l'Isère",
        "https://www.horizonspublics.fr/lisere-met-disposition-une-salle-sur-demande",
    ),
]


def map_service(item: dict) -> dict:
    """Model values of one service record; a fact the record does not hold stays empty, never invented."""
    return {
        "name": item["name"],
        "summary": item["summary"],
        "description": item["description"] or "",
        "website": item["website"] or "",
        "repository": item["repository"] or "",
        "repository_previous": item.get("repository_previous") or "",
        "repository_evidence": item.get("repository_evidence") or "",
        "license": item["license"] or "",
        "license_evidence": item.get("license_evidence") or "",
        "publiccode_path": item.get("publiccode_path") or "",
        "code_status": item["code_status"] or CodeStatus.UNKNOWN,
        "stage": item["stage"] or Stage.UNKNOWN,
        "stage_detail": (item.get("stage_detail") or "")[:500],
        "anct_role": item.get("anct_role") or "",
        "france_relance": item["france_relance"],
        "funding_eur": item.get("funding_eur"),
        "scaled_2023": bool(item.get("scaled_2023")),
        "sources": item["sources"],
        "notes": item.get("notes") or "",
        "facts_checked_at": FACTS_COMPILED_ON,
    }


def _porteur(data: dict) -> Porteur | None:
    if not data["name"]:
        return None
    porteur, _ = Porteur.objects.get_or_create(
        name=data["name"], defaults={"slug": slugify(data["name"]), "kind": data["kind"]}
    )
    return porteur


def load_thematiques(path: Path = DATA_DIR / "thematiques.json") -> dict[str, Thematique]:
    """The families (created when missing, staff's edits kept); return each former label's family."""
    family_of = {}
    for position, item in enumerate(json.loads(path.read_text(encoding="utf-8"))["families"], start=1):
        family, _ = Thematique.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item["description"], "position": position},
        )
        family_of.update({label: family for label in item["labels"]})
    return family_of


def load_synonyms(path: Path = DATA_DIR / "synonymes.json") -> int:
    """The words communes type, created when missing; a term staff edited or removed is left as it is."""
    created_count = 0
    for term, expansion in json.loads(path.read_text(encoding="utf-8"))["synonyms"].items():
        _, created = SearchSynonym.objects.get_or_create(term=term, defaults={"expansion": expansion})
        created_count += created
    return created_count


PRECISION_FIELDS = ["audience_kinds", "audience", "instance_url", "operator"]


@transaction.atomic
def load_services(paths: list[Path] = SERVICE_FILES) -> int:
    """Create the services of the shipped files, or update those whose facts changed; return how many were created."""
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    existing = {service.slug: service for service in Service.objects.all()}
    family_of = load_thematiques()
    precisions = json.loads((DATA_DIR / "precisions.json").read_text(encoding="utf-8"))["services"]
    created_count = 0
    for path in paths:
        for item in json.loads(path.read_text(encoding="utf-8")):
            stated = precisions.get(item["slug"], {})
            values = {
                **map_service(item),
                **{name: stated[name] for name in PRECISION_FIELDS if name in stated},
                "porteur": _porteur(item["porteur"]),
            }
            service = existing.get(item["slug"])
            if service is None:
                service = Service.objects.create(slug=item["slug"], **values)
                created_count += 1
            elif any(getattr(service, field) != value for field, value in values.items()):
                # Only a real change touches the row, so "mis à jour le" stays true.
                for field, value in values.items():
                    setattr(service, field, value)
                service.save()
            service.themes.set({family_of[label] for label in item["themes"] if label in family_of})
            for key in (key for key in item.get("enjeux", []) if key in enjeux):
                ServiceEnjeu.objects.update_or_create(
                    service=service,
                    enjeu=enjeux[key],
                    defaults={"basis": ENJEU_BASES.get(item.get("enjeux_basis") or "", LinkBasis.THEME)},
                )
    for slug, departement, other_body, source in DEPLOYMENTS:
        Deployment.objects.get_or_create(
            service=Service.objects.get(slug=slug),
            departement_id=departement,
            other_body=other_body,
            defaults={
                "source": source,
                "status": Deployment.Status.ACTIVE,
                "origin": UsageOrigin.STAFF,
                "state": UsageState.PUBLISHED,
                "verified_at": timezone.now(),
                "confirmed_at": timezone.now(),
            },
        )
    return created_count


@transaction.atomic
def load_laureats(path: Path = DATA_DIR / "laureats.json") -> int:
    """The France Relance laureates that a public source names (a partial list), linked to their service."""
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        # One laureate is known only by its porteur: say so rather than invent a title.
        title = item["title"] or f"Projet de {item['porteur']['name']} (intitulé non publié)"
        _, created = Laureat.objects.update_or_create(
            title=title,
            defaults={
                "porteur": _porteur(item["porteur"]),
                "amount_eur": item["amount_eur"],
                # laureats.json names no source for a project's enjeu: it was matched by topic. Its sources do
                # name the project's service.
                "enjeu": enjeux.get(item["enjeu"] or ""),
                "enjeu_basis": LinkBasis.THEME if item["enjeu"] else "",
                "service": services.get(item["service_slug"] or ""),
                "service_basis": LinkBasis.SOURCE if services.get(item["service_slug"] or "") else "",
                "scaled_2023": bool(item["scaled_2023"]),
                "sources": item["sources"],
                "notes": item["notes"] or "",
            },
        )
        created_count += created
    return created_count


@transaction.atomic
def load_links(path: Path = DATA_DIR / "links.json") -> int:
    """The catalogue's links to the consultation that services.json and laureats.json do not hold."""
    data = json.loads(path.read_text(encoding="utf-8"))
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    investigations = {investigation.source_id: investigation for investigation in Investigation.objects.all()}
    created_count = 0
    for key, model, target, targets in (
        ("service_enjeux", ServiceEnjeu, "enjeu", enjeux),
        ("service_investigations", ServiceInvestigation, "investigation", investigations),
    ):
        for item in data[key]:
            if item["service"] not in services:  # a service staff removed from the catalogue keeps no link
                continue
            created_count += model.objects.update_or_create(
                service=services[item["service"]],
                **{target: targets[item[target]]},
                defaults={"basis": item["basis"], "source": item.get("source", ""), "note": item.get("note", "")},
            )[1]
    for item in data["laureat_enjeux"]:
        Laureat.objects.filter(title=item["laureat"], enjeu__isnull=True).update(
            enjeu=enjeux[item["enjeu"]], enjeu_basis=item["basis"]
        )
    return created_count
