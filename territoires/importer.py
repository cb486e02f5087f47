"""Import of the official territory lists (régions, départements, EPCI, communes): read, map, write.

The files are the project's copy of the extracts described in ``territoires/data/README.md``.
"""

import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from core.rows import FileFormatError, Row, csv_rows
from territoires.models import INSEE_CODE, SIREN, Commune, Departement, Epci, Region, Zone
from territoires.neighbours import read_neighbours
from territoires.search import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {
    "regions": "regions.csv",
    "departements": "departements.csv",
    "epci": "epci.csv.gz",
    "communes": "communes.csv.gz",
}
ZONES = set(Zone.values)


class TerritoryFileError(FileFormatError):
    """A file is missing or malformed; the message names the file, the line and the column."""


@dataclass
class Report:
    """What an import did, per kind of territory."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


# ------------------------------------------------------------------------------------------ read


def read_rows(path: Path, required: list[str]) -> Iterator[Row]:
    """Rows of a UTF-8 CSV file, gzipped or not, checking its header (the shared row reader of core)."""
    if not path.is_file():
        raise TerritoryFileError(f"{path.name} : fichier introuvable ({path}).")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            yield from csv_rows(text, path.name, required=required)
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise TerritoryFileError(f"{path.name} : fichier illisible ({error}).") from error


# ------------------------------------------------------------------------------------------ map


def map_region(r: Row) -> dict:
    return {
        "code": r.text("code", required=True),
        "nom": r.text("nom", required=True),
        "chef_lieu": r.text("chef_lieu", required=False),
        "zone": r.choice("zone", ZONES),
    }


def map_departement(r: Row) -> dict:
    return {
        "code": r.text("code", required=True),
        "nom": r.text("nom", required=True),
        "region_id": r.text("code_region", required=True),
        "chef_lieu": r.text("chef_lieu", required=False),
        "zone": r.choice("zone", ZONES),
    }


def map_epci(r: Row) -> dict:
    nom = r.text("nom", required=True)
    return {
        "siren": r.code("siren", SIREN),
        "nom": nom,
        "nom_recherche": normalize(nom),
        "type": r.choice("type", set(Epci.Type.values)),
        "mode_financement": r.text("mode_financement", required=True),
        "population": r.integer("population"),
        "population_totale": r.integer("population_totale"),
        "population_communes_insee": r.integer("population_communes_insee"),
        "nombre_communes": r.integer("nombre_communes", required=True),
    }


def map_commune(r: Row) -> dict:
    nom = r.text("nom", required=True)
    codes_postaux = r.text("codes_postaux", required=False).split()
    for code in codes_postaux:
        if not (len(code) == 5 and code.isdigit()):
            raise r.error("codes_postaux", f"code postal invalide « {code} ».")
    return {
        "code_insee": r.code("code_insee", INSEE_CODE),
        "nom": nom,
        "nom_recherche": normalize(nom),
        "departement_id": r.text("code_departement", required=True),
        "region_id": r.text("code_region", required=True),
        "epci_id": r.code("siren_epci", SIREN, required=False) or None,
        "zone": r.choice("zone", ZONES),
        "population": r.integer("population"),
        "siren": r.code("siren_commune", SIREN, required=False),
        "codes_postaux": codes_postaux,
        "codes_postaux_recherche": "".join(f" {code}" for code in codes_postaux),
    }


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    key: str
    mapper: Callable[[Row], dict]
    columns: list[str]
    # (field, kind it points to) checked against the rows of that kind in the same import
    references: tuple[tuple[str, str], ...] = ()


KINDS = [
    Kind("regions", Region, "code", map_region, ["code", "nom", "chef_lieu", "zone"]),
    Kind(
        "departements",
        Departement,
        "code",
        map_departement,
        ["code", "nom", "code_region", "chef_lieu", "zone"],
        (("region_id", "regions"),),
    ),
    Kind(
        "epci",
        Epci,
        "siren",
        map_epci,
        [
            "siren",
            "nom",
            "type",
            "mode_financement",
            "population",
            "population_totale",
            "population_communes_insee",
            "nombre_communes",
        ],
    ),
    Kind(
        "communes",
        Commune,
        "code_insee",
        map_commune,
        [
            "code_insee",
            "nom",
            "code_departement",
            "code_region",
            "zone",
            "population",
            "siren_epci",
            "siren_commune",
            "codes_postaux",
        ],
        (("departement_id", "departements"), ("region_id", "regions"), ("epci_id", "epci")),
    ),
]


def read_kind(kind: Kind, data_dir: Path, known: dict[str, set[str]]) -> dict[str, dict]:
    """Read and map one file into {key: values}, checking duplicates and references."""
    path = data_dir / FILES[kind.name]
    records: dict[str, dict] = {}
    for typed in read_rows(path, kind.columns):
        values = kind.mapper(typed)
        key = values[kind.key]
        if key in records:
            raise typed.error(kind.columns[0], f"« {key} » apparaît deux fois.")
        for field_name, target in kind.references:
            if values[field_name] is not None and values[field_name] not in known[target]:
                raise typed.error(field_name, f"« {values[field_name]} » est absent de {FILES[target]}.")
        records[key] = values
    if not records:
        raise TerritoryFileError(f"{path.name} : aucune ligne de données.")
    return records


# ------------------------------------------------------------------------------------------ write


def _write_kind(kind: Kind, records: dict[str, dict], report: Report, progress: Callable[[str], None]) -> None:
    fields = [name for name in next(iter(records.values())) if name != kind.key]
    existing = {row[kind.key]: row for row in kind.model.objects.values(kind.key, *fields).iterator(chunk_size=5000)}
    to_create, to_update = [], []
    for key, values in records.items():
        current = existing.get(key)
        if current is None:
            to_create.append(kind.model(**values))
        elif any(current[name] != values[name] for name in fields):
            to_update.append(kind.model(**values))
    kind.model.objects.bulk_create(to_create, batch_size=2000)
    kind.model.objects.bulk_update(to_update, fields, batch_size=2000)
    report.created[kind.name] = len(to_create)
    report.updated[kind.name] = len(to_update)
    report.unchanged[kind.name] = len(records) - len(to_create) - len(to_update)
    # Territories that left the official list are kept: requests and deployments may point at them.
    report.absent[kind.name] = len(existing.keys() - records.keys())
    progress(
        f"{kind.name} : {len(records)} lus, {len(to_create)} créés, {len(to_update)} mis à jour, "
        f"{report.unchanged[kind.name]} inchangés."
    )


def import_territories(*, data_dir: Path = DATA_DIR, progress: Callable[[str], None] = lambda message: None) -> Report:
    """Load every official list from ``data_dir`` in one transaction: all or nothing."""
    known: dict[str, set[str]] = {}
    parsed: dict[str, dict[str, dict]] = {}
    # Read and check every file before writing anything.
    for kind in KINDS:
        parsed[kind.name] = read_kind(kind, data_dir, known)
        known[kind.name] = set(parsed[kind.name])
        progress(f"{FILES[kind.name]} : {len(parsed[kind.name])} lignes lues.")
    neighbours = read_neighbours(set(parsed["departements"]))
    for code, values in parsed["departements"].items():
        values["voisins"] = neighbours[code]
    report = Report()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The bulk statements of a full load take longer than a web request is allowed to.
            cursor.execute("SET LOCAL statement_timeout = 0")
        for kind in KINDS:
            _write_kind(kind, parsed[kind.name], report, progress)
    return report
