"""Demo data of the consultation: the 17 grands enjeux, the PNI investigations, the figures the programme
published (each with its source and date), and a small, clearly labelled sample Decidim export."""

import json
from pathlib import Path

from django.db import transaction

from consultation.decidim import import_decidim, read_enjeu_map
from consultation.models import (
    Enjeu,
    EnjeuOffer,
    Investigation,
    InvestigationEnjeu,
    InvestigationStatus,
    LinkBasis,
    ReportedFigure,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_EXPORT = DATA_DIR / "demo"
STATUSES = {"en cours": InvestigationStatus.ONGOING, "terminée": InvestigationStatus.FINISHED}


def format_figure(value: int | str, unit: str = "") -> str:
    """A published figure as the French write it: « 476 », « 841 000 € », « 13,3 M€ », « 8 mois »."""
    if isinstance(value, str):  # a range as the source gives it (« 9 à 12 »)
        return f"{value} {unit}".strip()
    if unit == "EUR":
        if value >= 1_000_000:
            millions = f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{millions} M€"
        return f"{value:,} €".replace(",", "\u202f")
    text = f"{value:,}".replace(",", "\u202f")
    return f"{text} {unit}" if unit else text


@transaction.atomic
def load_enjeux(path: Path = DATA_DIR / "enjeux.json") -> int:
    """Create or update the enjeux of the shipped file; return how many were created."""
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        _, created = Enjeu.objects.update_or_create(
            source_id=item["id"],
            defaults={
                "number": item["order"],
                "slug": item["slug"],
                "title": item["title"],
                "description": item["short_description"],
            },
        )
        created_count += created
    return created_count


@transaction.atomic
def load_investigations(path: Path = DATA_DIR / "pni.json") -> int:
    """Create or update the PNI investigations; return how many were created."""
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        _, created = Investigation.objects.update_or_create(
            source_id=item["id"],
            defaults={
                "slug": item["slug"],
                "title": item["title"],
                "problem": item["problem"] or "",
                "territory_types": item["territory_types"] or [],
                "collectivites": item["collectivites"] or [],
                "start_date": item["start_date"],
                "end_date": item["end_date"],
                "duration_weeks": item["duration_weeks"],
                "status": STATUSES.get(item["status_2021"] or "", InvestigationStatus.UNKNOWN),
                "findings": item["outcome"] or "",
                "prototype_url": item["prototype_url"] or "",
                "sources": item["sources"],
            },
        )
        created_count += created
    return created_count


@transaction.atomic
def load_figures(path: Path = DATA_DIR / "figures.json") -> None:
    """The published figures of the shipped file, each with its source and date; figures no longer in it go."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = data["sources"]
    for position, item in enumerate(data["figures"]):
        source = sources[item["source"]]
        ReportedFigure.objects.update_or_create(
            key=item["key"],
            defaults={
                "value": format_figure(item["value"], item.get("unit", "")),
                "label": item["label"],
                "as_of": item["as_of"],
                "source": source["title"],
                "source_url": source["url"],
                "note": item.get("note", ""),
                "position": position,
            },
        )
    ReportedFigure.objects.exclude(key__in=[item["key"] for item in data["figures"]]).delete()


@transaction.atomic
def load_links(path: Path = DATA_DIR / "links.json") -> int:
    """The first mapping of investigations to enjeux, and the other offers of an enjeu; return links created."""
    data = json.loads(path.read_text(encoding="utf-8"))
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    investigations = {investigation.source_id: investigation for investigation in Investigation.objects.all()}
    created_count = 0
    for item in data["investigation_enjeux"]:
        for key in item["enjeux"]:
            _, created = InvestigationEnjeu.objects.update_or_create(
                investigation=investigations[item["investigation"]],
                enjeu=enjeux[key],
                defaults={"basis": item.get("basis", LinkBasis.THEME), "source": item.get("source", "")},
            )
            created_count += created
    for position, item in enumerate(data["enjeu_offers"]):
        _, created = EnjeuOffer.objects.update_or_create(
            enjeu=enjeux[item["enjeu"]],
            title=item["title"],
            defaults={
                "description": item["description"],
                "url": item["url"],
                "basis": item["basis"],
                "source": item.get("source", ""),
                "note": item.get("note", ""),
                "position": position,
            },
        )
        created_count += created
    return created_count


def load_sample_export():
    """Import the sample Decidim export (idempotent, like any import)."""
    return import_decidim(sorted(DEMO_EXPORT.glob("*.csv")), enjeu_map=read_enjeu_map(DEMO_EXPORT / "enjeux.json"))
