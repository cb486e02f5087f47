"""The row reader every importer shares: CSV files read by column name, typed access to each value, and
errors that name the file, the line and the column in the same words everywhere.

An error reads « communes.csv.gz, ligne 4, colonne « population » : nombre entier attendu, pas « abc ». »;
importers raise ``FileFormatError`` (or a subclass of it) and their commands turn it into a ``CommandError``.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_INTEGER = re.compile(r"-?\d{1,18}")


class FileFormatError(Exception):
    """A file cannot be imported; the message says where (file, line, column) and what is wrong."""


def where(source: str, line: int | None = None, column: str | int | None = None) -> str:
    """« fichier, ligne 3, colonne « titre » » (a column is a name in CSV, a position in YAML or JSON)."""
    place = source if line is None else f"{source}, ligne {line}"
    if column is None:
        return place
    return f"{place}, colonne {column}" if isinstance(column, int) else f"{place}, colonne « {column} »"


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (with or without BOM) of a file, or a clear error for a binary or differently encoded one."""
    if b"\x00" in data:
        raise FileFormatError(f"{source} : fichier binaire, pas un fichier texte (CSV ou JSON).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(f"{source} : le fichier n'est pas en UTF-8 (octet {error.start}).") from error


@dataclass
class Row:
    """One record of a file: its values by column name, missing and empty values both ``None``."""

    source: str  # file name (and archive member, or element number)
    line: int
    values: dict[str, str | None]

    def where(self, column: str | None = None) -> str:
        return where(self.source, self.line, column)

    def error(self, column: str | None, message: str) -> FileFormatError:
        return FileFormatError(f"{self.where(column)} : {message}")

    def text(self, column: str, *, required: bool = False) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.error(column, "valeur manquante.")
        return value

    def integer(self, *columns: str, required: bool = False) -> int | None:
        """The first of ``columns`` that has a value, as an integer."""
        for column in columns:
            value = self.text(column)
            if not value:
                continue
            if not _INTEGER.fullmatch(value):
                raise self.error(column, f"nombre entier attendu, pas « {value[:40]} ».")
            return int(value)
        if required:
            raise self.error(columns[0], "valeur manquante.")
        return None

    def choice(self, column: str, allowed: set[str]) -> str:
        value = self.text(column, required=True)
        if value not in allowed:
            raise self.error(column, f"valeur inconnue « {value[:40]} ».")
        return value

    def code(self, column: str, pattern: re.Pattern, *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and not pattern.match(value):
            raise self.error(column, f"code invalide « {value[:40]} ».")
        return value


def csv_rows(
    lines: Iterable[str], source: str, *, delimiter: str = ",", required: Iterable[str] = ()
) -> Iterator[Row]:
    """Rows of a CSV file read by header name; blank lines skipped; a short or long row is an error."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return
        if len(set(header)) != len(header):
            duplicated = sorted({column for column in header if header.count(column) > 1})
            raise FileFormatError(f"{where(source, 1)} : colonnes en double : {', '.join(duplicated)}.")
        missing = [column for column in required if column not in header]
        if missing:
            raise FileFormatError(f"{where(source, 1)} : colonne(s) manquante(s) : {', '.join(missing)}.")
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise FileFormatError(
                    f"{where(source, reader.line_num)} : {len(cells)} valeurs pour {len(header)} colonnes "
                    "(fichier tronqué ou mauvais séparateur ?)."
                )
            yield Row(source, reader.line_num, {column: cell or None for column, cell in zip(header, cells)})
    except csv.Error as error:
        raise FileFormatError(f"{where(source, reader.line_num)} : CSV illisible ({error}).") from error
