"""Demo data of the catalogue: the real services of ``data/services.json`` (public facts, with sources).

Deployments are loaded only where a public source states them (``DEPLOYMENTS`` below).
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from catalogue.models import (
    CodeStatus,
    Deployment,
    Laureat,
    Porteur,
    Service,
    ServiceEnjeu,
    ServiceInvestigation,
    Stage,
    Thematique,
)
from consultation.models import Enjeu, Investigation, LinkBasis

DATA_DIR = Path(__file__).resolve().parent / "data"
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
    """Model values of one service record; unknown facts stay empty, never invented."""
    return {
        "name": item["name"],
        "summary": item["summary"],
        "description": item["description"] or "",
        "website": item["website"] or "",
        "repository": item["repository"] or "",
        "license": item["license"] or "",
        "code_status": item["code_status"] or CodeStatus.UNKNOWN,
        "stage": item["stage"] or Stage.UNKNOWN,
        "stage_detail": (item.get("stage_detail") or "")[:500],
        "france_relance": bool(item["france_relance"]),
        "funding_eur": item["funding_eur"],
        "scaled_2023": bool(item["scaled_2023"]),
        "sources": item["sources"],
        "notes": item.get("notes") or "",
    }


def _porteur(data: dict) -> Porteur | None:
    if not data["name"]:
        return None
    porteur, _ = Porteur.objects.get_or_create(
        name=data["name"], defaults={"slug": slugify(data["name"]), "kind": data["kind"]}
    )
    return porteur


@transaction.atomic
def load_services(path: Path = DATA_DIR / "services.json") -> int:
    """Create the services of the shipped file, or update those whose facts changed; return how many were created."""
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    existing = {service.slug: service for service in Service.objects.all()}
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        values = {**map_service(item), "porteur": _porteur(item["porteur"])}
        service = existing.get(item["slug"])
        if service is None:
            service = Service.objects.create(slug=item["slug"], **values)
            created_count += 1
        elif any(getattr(service, field) != value for field, value in values.items()):
            # Only a real change touches the row, so "mis à jour le" stays true.
            for field, value in values.items():
                setattr(service, field, value)
            service.save()
        themes = [
            Thematique.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0] for name in item["themes"]
        ]
        service.themes.set(themes)
        for key in item["enjeux"]:
            ServiceEnjeu.objects.update_or_create(
                service=service,
                enjeu=enjeux[key],
                defaults={"basis": ENJEU_BASES.get(item["enjeux_basis"] or "", LinkBasis.THEME)},
            )
    for slug, departement, other_body, source in DEPLOYMENTS:
        Deployment.objects.get_or_create(
            service=Service.objects.get(slug=slug),
            departement_id=departement,
            other_body=other_body,
            defaults={"source": source, "status": Deployment.Status.ACTIVE},
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
