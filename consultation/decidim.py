"""Import of Decidim proposal exports (open-data zip, CSV or JSON, Decidim 0.23 to 0.31): read, map, write.

The format notes this follows are in ``docs/decidim-format.md``: columns are read by name, never by
position; multilingual columns are gathered per field; the natural key is (instance host, id).
"""

import csv
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape

from consultation.models import AuthorType, Comment, Contribution, Enjeu, Kind, State
from territoires.models import Departement
from territoires.search import normalize

PREFERRED_LOCALES = ["fr"]
MAX_FILE_SIZE = 200 * 1024 * 1024
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "b", "em", "i", "u", "blockquote", "h2", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
STATES = {
    "": State.NOT_ANSWERED,
    "not_answered": State.NOT_ANSWERED,
    "evaluating": State.EVALUATING,
    "accepted": State.ACCEPTED,
    "rejected": State.REJECTED,
    "withdrawn": State.WITHDRAWN,
}
_HTML = re.compile(r"<(p|br|div|ul|ol|li|a|strong|em|b|i|h[1-6]|span|blockquote)\b", re.IGNORECASE)
_GID = re.compile(r"gid://[^/\s]+/Decidim::([A-Za-z:]+)/(\d+)(?:/(_?)([^\s<\"']+))?")
# Names of authors and endorsers are personal data: never stored, not even in the raw record.
_PERSONAL_COLUMN = re.compile(
    r"^(author/name|endorsements/user_endorsements|likes/user_(likes|endorsements)|user_group/name)"
)
_DATE_WITH_SPACE_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|[+-]\d{4})$")


class DecidimFormatError(Exception):
    """A file cannot be imported; the message names the file and, when known, the line and column."""


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) -> count
    unknown_columns: set = field(default_factory=set)


@dataclass
class Row:
    source: str  # file name (and zip member)
    line: int
    values: dict  # column -> text or None

    def where(self, column: str | None = None) -> str:
        place = f"{self.source}, ligne {self.line}"
        return f"{place}, colonne « {column} »" if column else place


# ------------------------------------------------------------------------------------------ read


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise DecidimFormatError(f"{name} : fichier binaire, pas un export CSV ou JSON de Decidim.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DecidimFormatError(f"{name} : le fichier n'est pas en UTF-8 (octet {error.start}).") from error


def _csv_rows(text: str, name: str) -> Iterator[Row]:
    """Rows of a Decidim CSV: separator sniffed from the header, which always starts with ``id``."""
    if not text.strip():
        return  # Decidim writes a lone newline (or nothing) for an export with no data
    header_line = text.split("\n", 1)[0].strip()
    match = re.match(r'^"?id"?([;,\t])', header_line)
    if not match and header_line.strip('"') != "id":
        raise DecidimFormatError(
            f"{name}, ligne 1 : la première colonne doit être « id » (séparateur « ; » ou « , »), "
            f"trouvé « {header_line[:60]} »."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=match.group(1) if match else ";")
    try:
        header = next(reader)
        if len(set(header)) != len(header):
            duplicated = sorted({column for column in header if header.count(column) > 1})
            raise DecidimFormatError(f"{name}, ligne 1 : colonnes en double : {', '.join(duplicated)}.")
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise DecidimFormatError(
                    f"{name}, ligne {reader.line_num} : {len(cells)} valeurs pour {len(header)} colonnes "
                    "(fichier tronqué ou mauvais séparateur ?)."
                )
            # Decidim writes a missing value as nothing and an empty string as "": both mean "no value".
            yield Row(
                name,
                reader.line_num,
                {column: (cell if cell != "" else None) for column, cell in zip(header, cells, strict=True)},
            )
    except csv.Error as error:
        raise DecidimFormatError(f"{name}, ligne {reader.line_num} : CSV illisible ({error}).") from error


def _flatten(value, prefix: str, out: dict) -> None:
    """Nested JSON as Decidim's CSV exporter flattens it: keys joined by "/", lists joined by ", "."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}/{key}" if prefix else str(key), out)
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
        raise DecidimFormatError(f"{name}, ligne {error.lineno} : JSON invalide ({error.msg}).") from error
    if not isinstance(data, list):
        raise DecidimFormatError(f"{name} : un export JSON de Decidim est une liste d'objets.")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise DecidimFormatError(f"{name}, élément {number} : objet attendu.")
        values: dict = {}
        _flatten(item, "", values)
        yield Row(f"{name} (élément {number})", number, values)


def _rows_of(data: bytes, name: str) -> Iterator[Row]:
    text = _decode(data, name)
    if text.lstrip().startswith("["):
        return _json_rows(text, name)
    return _csv_rows(text, name)


def read_files(paths: list[Path]) -> Iterator[tuple[str, list[Row]]]:
    """(file name, rows) for each file, or each relevant member of a zip."""
    for path in paths:
        if not path.is_file():
            raise DecidimFormatError(f"{path} : fichier introuvable.")
        if path.stat().st_size > MAX_FILE_SIZE:
            raise DecidimFormatError(f"{path.name} : fichier trop volumineux (plus de 200 Mo).")
        if zipfile.is_zipfile(path):
            yield from _read_zip(path)
        else:
            rows = list(_rows_of(path.read_bytes(), path.name))
            if not rows:
                # Inside a zip an empty member is normal (no comments); a file given alone must hold data.
                raise DecidimFormatError(f"{path.name} : fichier vide, aucune proposition ni commentaire.")
            yield path.name, rows


def _read_zip(path: Path) -> Iterator[tuple[str, list[Row]]]:
    try:
        with zipfile.ZipFile(path) as archive:
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
                yield name, list(_rows_of(archive.read(info), name))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DecidimFormatError(f"{path.name} : archive zip illisible ({error}).") from error


def kind_of(rows: list[Row]) -> str | None:
    """ "proposals" or "comments", from the columns (file names cannot be trusted)."""
    if not rows:
        return None
    columns = set(rows[0].values)
    if "commentable_id" in columns or "commentable_type" in columns:
        return "comments"
    if any(column == "title" or column.startswith("title/") for column in columns):
        return "proposals"
    return None


# ------------------------------------------------------------------------------------------ map


def _unguard(value: str) -> str:
    """Undo Decidim's spreadsheet guard: a leading apostrophe before = + - @."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def localized(values: dict, field_name: str) -> str:
    """The text of a multilingual field: French, then another author locale, then a machine translation."""
    prefix = f"{field_name}/"
    authored, machine = {}, {}
    for column, value in values.items():
        if value is None or not column.startswith(prefix):
            continue
        key = column[len(prefix) :]
        if key.startswith("machine_translations/"):
            machine[key.split("/", 1)[1]] = value
        elif "/" not in key:
            authored[key] = value
    if values.get(field_name):
        authored.setdefault("", values[field_name])
    for texts in (authored, machine):
        for locale in PREFERRED_LOCALES:
            for key, text in texts.items():
                if key.lower().split("-")[0] == locale and text.strip():
                    return _unguard(text)
        for text in texts.values():
            if text.strip():
                return _unguard(text)
    return ""


def render_references(text: str) -> str:
    """Decidim's raw gid:// references as readable text: #hashtag, @participant, proposition n°…"""

    def replace(match: re.Match) -> str:
        model, number, name = match.group(1), match.group(2), match.group(4)
        if model == "Hashtag":
            return f"#{name}" if name else "#"
        if model in {"User", "UserGroup"}:
            return "@participant"
        if model.endswith("Proposal"):
            return f"proposition n° {number}"
        return ""

    return _GID.sub(replace, text)


def clean_html(text: str) -> str:
    """Sanitise a body or an answer: HTML kept to a small safe set; plain text turned into paragraphs."""
    text = render_references(text.replace("\r\n", "\n"))
    if not _HTML.search(text):
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
        text = "".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def parse_timestamp(value: str | None, row: Row, column: str) -> datetime | None:
    """Decidim's ``2021-03-15 10:23:45 +0100`` (or ``UTC``), or ISO 8601."""
    if not value:
        return None
    text = value.strip()
    match = _DATE_WITH_SPACE_OFFSET.match(text)
    if match:
        day, time_of_day, offset = match.groups()
        offset = "+00:00" if offset == "UTC" else f"{offset[:3]}:{offset[3:]}"
        text = f"{day}T{time_of_day}{offset}"
    try:
        parsed = parse_datetime(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise DecidimFormatError(f"{row.where(column)} : date illisible « {value[:40]} ».")
    return parsed


def _integer(row: Row, *columns: str, required: bool = False) -> int | None:
    for column in columns:
        value = row.values.get(column)
        if value is None:
            continue
        value = value.strip()
        if not re.fullmatch(r"-?\d{1,18}", value):
            raise DecidimFormatError(f"{row.where(column)} : nombre entier attendu, pas « {value[:40]} ».")
        return int(value)
    if required:
        raise DecidimFormatError(f"{row.where(columns[0])} : valeur manquante.")
    return None


def _host(*urls: str | None) -> str:
    for url in urls:
        if url:
            host = urlsplit(url.strip()).hostname
            if host:
                return host.lower()
    return ""


def _author_type(values: dict) -> str:
    urls = values.get("author/url") or ""
    if "/meetings/" in urls:
        return AuthorType.MEETING
    if "/profiles/" in urls:
        return AuthorType.PARTICIPANT
    if values.get("author/name") and not urls:
        return AuthorType.ORGANIZATION
    return AuthorType.UNKNOWN


def _kind(category: str) -> str:
    words = normalize(category)
    if "service" in words:
        return Kind.EXISTING_SERVICE
    if "besoin" in words:
        return Kind.NEED
    return Kind.UNKNOWN


def map_proposal(row: Row) -> dict:
    """Contribution values of one proposal row (pure: no database access)."""
    values = row.values
    decidim_id = _integer(row, "id", required=True)
    host = _host(values.get("url"), values.get("participatory_space/url"))
    if not host:
        raise DecidimFormatError(f"{row.where('url')} : adresse de la proposition manquante (instance inconnue).")
    title = render_references(localized(values, "title")).strip()
    if not title:
        raise DecidimFormatError(f"{row.where('title')} : titre manquant.")
    raw_state = (values.get("state") or "").strip()
    withdrawn = (values.get("withdrawn") or "").strip() == "true" or raw_state == "withdrawn"
    category = localized(values, "category/name")
    answer = localized(values, "answer")
    return {
        "decidim_host": host,
        "decidim_id": decidim_id,
        "reference": (values.get("reference") or "")[:100],
        "title": title[:1000],
        "body": clean_html(localized(values, "body")),
        "kind": _kind(category),
        "author_type": _author_type(values),
        "category": category[:300],
        "scope": localized(values, "scope/name")[:300],
        "state": State.WITHDRAWN if withdrawn else STATES.get(raw_state, State.OTHER),
        "state_raw": raw_state[:100],
        "answer": clean_html(answer) if answer else "",
        "answered_at": parse_timestamp(values.get("answered_at"), row, "answered_at"),
        "supports": max(_integer(row, "supports", "votes") or 0, 0),
        "endorsements": max(_integer(row, "endorsements/total_count", "likes/total_count") or 0, 0),
        "comments_count": max(_integer(row, "comments") or 0, 0),
        "published_at": parse_timestamp(values.get("published_at"), row, "published_at"),
        "url": (values.get("url") or "").strip()[:1000],
        "participatory_space_id": _integer(row, "participatory_space/id"),
        "component_id": _integer(row, "component/id"),
        "is_amendment": (values.get("is_amend") or "") == "true",
        "is_withdrawn": withdrawn,
        "raw": {column: value for column, value in values.items() if not _PERSONAL_COLUMN.match(column)},
    }


def map_comment(row: Row) -> dict:
    """Comment values of one comment row (pure). Author names are not kept: they are personal data."""
    values = row.values
    root = values.get("root_commentable_url") or ""
    proposal_id = re.search(r"/proposals/(\d+)", root)
    parent_type = values.get("commentable_type") or ""
    alignment = _integer(row, "alignment") or 0
    return {
        "decidim_host": _host(root),
        "decidim_id": _integer(row, "id", required=True),
        "proposal_id": int(proposal_id.group(1)) if proposal_id else None,
        "parent_decidim_id": _integer(row, "commentable_id") if parent_type.endswith("Comment") else None,
        "body": render_references(_unguard(values.get("body") or "")).strip(),
        "locale": (values.get("locale") or "")[:10],
        "alignment": alignment if alignment in (-1, 0, 1) else 0,
        "depth": max(_integer(row, "depth") or 0, 0),
        "created_at": parse_timestamp(values.get("created_at"), row, "created_at"),
    }


def read_enjeu_map(path: Path) -> dict[str, str]:
    """{Decidim category id or name: enjeu slug or number}, from a JSON object or a two-column CSV."""
    if not path.is_file():
        raise DecidimFormatError(f"{path} : fichier de correspondance introuvable.")
    text = _decode(path.read_bytes(), path.name)
    if text.lstrip().startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise DecidimFormatError(f"{path.name}, ligne {error.lineno} : JSON invalide.") from error
        return {str(key).strip().lower(): str(value).strip() for key, value in mapping.items()}
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","))
    return {row[0].strip().lower(): row[1].strip() for row in rows[1:] if len(row) >= 2 and row[0].strip()}


# ------------------------------------------------------------------------------------------ write


def _enjeu_for(values: dict, enjeu_map: dict[str, str], enjeux: dict[str, int]) -> int | None:
    raw = values["raw"]
    for key in (raw.get("category/id"), values["category"]):
        if key and key.strip().lower() in enjeu_map:
            target = enjeu_map[key.strip().lower()]
            return enjeux.get(target) or enjeux.get(target.lstrip("0"))
    return None


def _write_proposals(rows, report, *, enjeu_map, space_id, component_id) -> dict:
    enjeux = {enjeu.slug: enjeu.pk for enjeu in Enjeu.objects.all()}
    enjeux |= {str(number): pk for number, pk in Enjeu.objects.values_list("number", "pk")}
    departements = {normalize(nom): code for code, nom in Departement.objects.values_list("code", "nom")}
    mapped: dict[tuple, dict] = {}
    for row in rows:
        values = map_proposal(row)
        if space_id is not None and values["participatory_space_id"] != space_id:
            report.skipped[("propositions", "autre espace participatif")] += 1
            continue
        if component_id is not None and values["component_id"] != component_id:
            report.skipped[("propositions", "autre composant")] += 1
            continue
        key = (values["decidim_host"], values["decidim_id"])
        if key in mapped:
            report.skipped[("propositions", "identifiant en double dans l'export")] += 1
        values["enjeu_id"] = _enjeu_for(values, enjeu_map, enjeux)
        values["departement_id"] = departements.get(normalize(values["scope"])) if values["scope"] else None
        mapped[key] = values
    fields = [name for name in Contribution._meta.concrete_fields if not name.generated and not name.primary_key]
    names = [f.attname for f in fields if f.attname not in {"imported_at", "is_hidden"}]
    existing = {}
    for host in {host for host, _ in mapped}:
        ids = [number for h, number in mapped if h == host]
        for contribution in Contribution.objects.filter(decidim_host=host, decidim_id__in=ids):
            existing[(host, contribution.decidim_id)] = contribution
    to_create, to_update = [], []
    for key, values in mapped.items():
        current = existing.get(key)
        if current is None:
            to_create.append(Contribution(**values))
        elif any(getattr(current, name) != values[name] for name in names if name in values):
            for name, value in values.items():
                setattr(current, name, value)
            current.imported_at = timezone.now()
            to_update.append(current)
        else:
            report.unchanged["propositions"] += 1
    Contribution.objects.bulk_create(to_create, batch_size=1000)
    Contribution.objects.bulk_update(
        to_update, [n for n in names if n not in {"decidim_host", "decidim_id"}] + ["imported_at"], batch_size=1000
    )
    report.created["propositions"] += len(to_create)
    report.updated["propositions"] += len(to_update)
    return mapped


def _write_comments(rows, report) -> None:
    mapped: dict[tuple, dict] = {}
    for row in rows:
        values = map_comment(row)
        if not values["decidim_host"] or values["proposal_id"] is None:
            report.skipped[("commentaires", "proposition d'origine inconnue")] += 1
            continue
        mapped[(values["decidim_host"], values["decidim_id"])] = values
    contributions = {}
    for host in {host for host, _ in mapped}:
        ids = {values["proposal_id"] for (h, _), values in mapped.items() if h == host}
        for pk, number in Contribution.objects.filter(decidim_host=host, decidim_id__in=ids).values_list(
            "pk", "decidim_id"
        ):
            contributions[(host, number)] = pk
    existing = {
        (comment.decidim_host, comment.decidim_id): comment
        for host in {host for host, _ in mapped}
        for comment in Comment.objects.filter(decidim_host=host, decidim_id__in=[n for h, n in mapped if h == host])
    }
    to_create, to_update = [], []
    names = ["body", "locale", "alignment", "depth", "created_at", "parent_decidim_id", "contribution_id"]
    for key, values in mapped.items():
        values.pop("decidim_id")
        contribution_id = contributions.get((values.pop("decidim_host"), values.pop("proposal_id")))
        if contribution_id is None:
            report.skipped[("commentaires", "proposition absente de l'import (filtrée ou inconnue)")] += 1
            continue
        values["contribution_id"] = contribution_id
        current = existing.get(key)
        if current is None:
            to_create.append(Comment(decidim_host=key[0], decidim_id=key[1], **values))
        elif any(getattr(current, name) != values[name] for name in names):
            for name in names:
                setattr(current, name, values[name])
            to_update.append(current)
        else:
            report.unchanged["commentaires"] += 1
    Comment.objects.bulk_create(to_create, batch_size=1000)
    Comment.objects.bulk_update(to_update, names, batch_size=1000)
    report.created["commentaires"] += len(to_create)
    report.updated["commentaires"] += len(to_update)
    # Second pass: replies point at their parent once every comment of the file exists. A missing parent
    # (deleted or moderated) leaves the reply attached to its contribution only.
    hosts = {host for host, _ in mapped}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Comment._meta.db_table} AS reply SET parent_id = parent.id
            FROM {Comment._meta.db_table} AS parent
            WHERE reply.decidim_host = ANY(%s) AND parent.decidim_host = reply.decidim_host
              AND parent.decidim_id = reply.parent_decidim_id
              AND reply.parent_id IS DISTINCT FROM parent.id
            """,
            [list(hosts)],
        )


def import_decidim(
    paths: list[Path],
    *,
    space_id: int | None = None,
    component_id: int | None = None,
    enjeu_map: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> Report:
    """Import every file in one transaction: all or nothing; with ``dry_run``, roll everything back."""
    report = Report()
    proposals, comments = [], []
    for name, rows in read_files(paths):
        kind = kind_of(rows)
        if kind == "proposals":
            proposals += rows
        elif kind == "comments":
            comments += rows
        elif rows:
            raise DecidimFormatError(f"{name}, ligne 1 : ni des propositions (colonne title) ni des commentaires.")
        progress(f"{name} : {len(rows)} ligne(s) lue(s).")
    if proposals:
        known = {"id", "reference", "state", "url", "supports", "votes", "comments", "published_at"}
        report.unknown_columns = {
            column
            for column in proposals[0].values
            if column not in known
            and not re.match(
                r"^(title|body|answer|category|scope|author|participatory_space|component|endorsements|likes|"
                r"original_proposal|taxonomies|address|latitude|longitude|state_published_at|answered_at|attachments|"
                r"followers|follows_count|meeting_urls|related_proposals|is_amend|withdrawn|created_at|updated_at|"
                r"created_in_meeting|coauthorships_count|cost|execution_period)",
                column,
            )
        }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
        _write_proposals(proposals, report, enjeu_map=enjeu_map or {}, space_id=space_id, component_id=component_id)
        _write_comments(comments, report)
        if dry_run:
            transaction.set_rollback(True)
    return report
