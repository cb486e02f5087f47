"""Read Decidim export files into rows: zip members, CSV (separator sniffed) or JSON (flattened like the CSV)."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from core.rows import FileFormatError, Row, csv_rows, decode, where

MAX_FILE_SIZE = 200 * 1024 * 1024
_HEADER = re.compile(r'^"?id"?([;,\t])')


class DecidimFormatError(FileFormatError):
    """A Decidim export cannot be imported; the message names the file and, when known, the line and column."""


def _csv_rows(text: str, name: str) -> Iterator[Row]:
    """Rows of a Decidim CSV: separator sniffed from the header, which always starts with ``id``."""
    if not text.strip():
        return  # Decidim writes a lone newline (or nothing) for an export with no data
    header_line = text.split("\n", 1)[0].strip()
    match = _HEADER.match(header_line)
    if not match and header_line.strip('"') != "id":
        raise DecidimFormatError(
            f"{where(name, 1)} : la première colonne doit être « id » (séparateur « ; » ou « , »), "
            f"trouvé « {header_line[:60]} »."
        )
    yield from csv_rows(io.StringIO(text, newline=""), name, delimiter=match.group(1) if match else ";")


def flatten(value, prefix: str, out: dict) -> None:
    """Nested JSON as Decidim's CSV exporter flattens it: keys joined by "/", lists joined by ", "."""
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(inner, f"{prefix}/{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        out[prefix] = ", ".join(str(item) for item in value if item is not None)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif value is None or value == "":
        out[prefix] = None
    else:
        out[prefix] = str(value)


def _json_rows(text: str, name: str) -> Iterator[Row]:
    if not text.strip():
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DecidimFormatError(f"{where(name, error.lineno)} : JSON invalide ({error.msg}).") from error
    if not isinstance(data, list):
        raise DecidimFormatError(f"{name} : un export JSON de Decidim est une liste d'objets.")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise DecidimFormatError(f"{name}, élément {number} : objet attendu.")
        values: dict = {}
        flatten(item, "", values)
        yield Row(f"{name} (élément {number})", number, values)


def _rows_of(data: bytes, name: str) -> list[Row]:
    text = decode(data, name)
    return list(_json_rows(text, name) if text.lstrip().startswith("[") else _csv_rows(text, name))


def read_files(paths: list[Path]) -> Iterator[tuple[str, list[Row], bool]]:
    """(file name, rows, inside a zip) for each file given, or each member of a zip that may be relevant."""
    for path in paths:
        if not path.is_file():
            raise DecidimFormatError(f"{path} : fichier introuvable.")
        if path.stat().st_size > MAX_FILE_SIZE:
            raise DecidimFormatError(f"{path.name} : fichier trop volumineux (plus de 200 Mo).")
        if zipfile.is_zipfile(path):
            for name, rows in _read_zip(path):
                yield name, rows, True
        else:
            rows = _rows_of(path.read_bytes(), path.name)
            if not rows:
                # Inside a zip an empty member is normal (no comments); a file given alone must hold data.
                raise DecidimFormatError(f"{path.name} : fichier vide, aucune proposition ni commentaire.")
            yield path.name, rows, False


def _read_zip(path: Path) -> Iterator[tuple[str, list[Row]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            # The open-data zip holds every resource of the organisation: only proposal and comment members
            # can matter (what each holds is then decided from its columns and addresses, not its name).
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith((".csv", ".json"))
                and ("proposal" in info.filename.lower() or "comment" in info.filename.lower())
            ]
            if not members:
                raise DecidimFormatError(
                    f"{path.name} : aucun fichier de propositions ou de commentaires dans le zip."
                )
            for info in members:
                if info.file_size > MAX_FILE_SIZE:
                    raise DecidimFormatError(f"{path.name}/{info.filename} : membre trop volumineux.")
                name = f"{path.name}/{info.filename}"
                yield name, _rows_of(archive.read(info), name)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DecidimFormatError(f"{path.name} : archive zip illisible ({error}).") from error


def read_enjeu_map(path: Path) -> dict[str, str]:
    """{Decidim category id or name: enjeu slug or number}, from a JSON object or a two-column CSV."""
    if not path.is_file():
        raise DecidimFormatError(f"{path} : fichier de correspondance introuvable.")
    text = decode(path.read_bytes(), path.name)
    if text.lstrip().startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise DecidimFormatError(f"{where(path.name, error.lineno)} : JSON invalide.") from error
        return {str(key).strip().lower(): str(value).strip() for key, value in mapping.items()}
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","))
    return {row[0].strip().lower(): row[1].strip() for row in rows[1:] if len(row) >= 2 and row[0].strip()}
