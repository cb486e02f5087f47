"""Map one Decidim row to model values: pure functions on dicts, no database access.

What the importer knows of Decidim's columns is declared once here (``READ``, ``LOCALIZED``, ``RAW_ONLY``):
the mappers read those columns, and any other column is reported to the person importing.
"""

import re
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.dateparse import parse_datetime

from consultation.models import AuthorType, Kind, State
from core.rows import Row
from core.sanitize import render_text, safe_url
from territoires.search import normalize

PREFERRED_LOCALES = ["fr"]
STATES = {
    "": State.NOT_ANSWERED,
    "not_answered": State.NOT_ANSWERED,
    "evaluating": State.EVALUATING,
    "accepted": State.ACCEPTED,
    "rejected": State.REJECTED,
    "withdrawn": State.WITHDRAWN,
}
# Multilingual fields: one column per locale (``title/fr``, ``title/machine_translations/en``).
LOCALIZED = ("title", "body", "answer", "category/name", "scope/name")
# Columns the mappers read.
READ = (
    "id",
    "reference",
    "state",
    "url",
    "supports",
    "votes",
    "comments",
    "published_at",
    "answered_at",
    "category/id",
    "participatory_space/id",
    "participatory_space/url",
    "component/id",
    "endorsements/total_count",
    "likes/total_count",
    "author/url",
    "author/name",
    "is_amend",
    "withdrawn",
)
# Columns of known meaning that are only kept in the raw record (docs/decidim-format.md, section 4).
RAW_ONLY = (
    "scope/id",
    "author",
    "endorsements",
    "likes",
    "original_proposal",
    "taxonomies",
    "address",
    "latitude",
    "longitude",
    "state_published_at",
    "attachments",
    "followers",
    "follows_count",
    "meeting_urls",
    "related_proposals",
    "withdrawn_at",
    "created_at",
    "updated_at",
    "created_in_meeting",
    "coauthorships_count",
    "cost",
    "cost_report",
    "execution_period",
)
_KNOWN_PREFIXES = tuple(f"{name}/" for name in (*LOCALIZED, *RAW_ONLY))
# Names of authors and endorsers are personal data: never stored, not even in the raw record.
_PERSONAL_COLUMN = re.compile(
    r"^(author/name|endorsements/user_endorsements|likes/user_(likes|endorsements)|user_group/name)"
)
_GID = re.compile(r"gid://[^/\s]+/Decidim::([A-Za-z:]+)/(\d+)(?:/(_?)([^\s<\"']+))?")
_DATE_WITH_SPACE_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|[+-]\d{4})$")
# The resource an address points at: /processes/<slug>/f/<component>/<resource>/<id>.
_RESOURCE = re.compile(r"/f/\d+/(?:[a-z_]+/\d+/)?([a-z_]+)/(\d+)")
RESOURCES = {
    "proposals": "propositions",
    "meetings": "réunions",
    "results": "résultats du suivi des réalisations",
    "debates": "débats",
    "projects": "projets de budget participatif",
    "sortitions": "tirages au sort",
    "posts": "billets de blog",
    "collaborative_drafts": "brouillons collaboratifs",
}


def unknown_columns(columns) -> set[str]:
    """The columns of a proposals file that this importer neither reads nor knows (reported, kept in raw)."""
    known = {*READ, *RAW_ONLY}
    return {column for column in columns if column not in known and not column.startswith(_KNOWN_PREFIXES)}


def resource_of(url: str | None) -> str | None:
    """``proposals``, ``meetings``, ``results``… from a Decidim address, or None."""
    return _resource_and_id(url)[0]


def _resource_and_id(url: str | None) -> tuple[str | None, int | None]:
    match = _RESOURCE.search(urlsplit((url or "").strip()).path)
    return (match.group(1), int(match.group(2))) if match else (None, None)


def kind_of(rows: list[Row]) -> tuple[str | None, str | None]:
    """(``proposals`` or ``comments`` or None, the resource the rows are about), from columns and addresses.

    File names cannot be trusted, and every Decidim resource has an ``id`` and a ``title``: a meetings
    file looks like a proposals file until its addresses are read.
    """
    if not rows:
        return None, None
    columns = set(rows[0].values)
    is_comments = bool({"commentable_id", "commentable_type", "root_commentable_url"} & columns)
    address = "root_commentable_url" if is_comments else "url"
    resources = Counter(resource_of(row.values.get(address)) for row in rows)
    resources.pop(None, None)
    resource = "proposals" if "proposals" in resources else next(iter(resources), None)
    if is_comments:
        return "comments", resource
    if resource is None and any(column == "title" or column.startswith("title/") for column in columns):
        return "proposals", None  # no address to tell: read as proposals, each row is then checked
    return ("proposals" if resource in (None, "proposals") else None), resource


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


def clean_body(text: str, *, origin: str = "") -> str:
    """A body or an answer as safe HTML: references made readable, Markdown rendered, links absolute to ``origin``."""
    return render_text(render_references(text), base=origin)


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
        raise row.error(column, f"date illisible « {value[:40]} ».")
    return parsed


def origin_of(*urls: str | None) -> str:
    """``scheme://host`` of the first address that has a host: where relative links of the export point."""
    for url in urls:
        parts = urlsplit(safe_url(url))
        if parts.hostname:
            return f"{parts.scheme}://{parts.netloc}/"
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
    """Contribution values of one proposal row."""
    values = row.values
    origin = origin_of(values.get("url"), values.get("participatory_space/url"))
    if not origin:
        raise row.error("url", "adresse de la proposition manquante (instance inconnue).")
    title = render_references(localized(values, "title")).strip()
    if not title:
        raise row.error("title", "titre manquant.")
    raw_state = (values.get("state") or "").strip()
    withdrawn = (values.get("withdrawn") or "").strip() == "true" or raw_state == "withdrawn"
    category = localized(values, "category/name")
    return {
        "decidim_host": urlsplit(origin).hostname,
        "decidim_id": row.integer("id", required=True),
        "reference": (values.get("reference") or "")[:100],
        "title": title[:1000],
        "body": clean_body(localized(values, "body"), origin=origin),
        "kind": _kind(category),
        "author_type": _author_type(values),
        "category": category[:300],
        "scope": localized(values, "scope/name")[:300],
        "state": State.WITHDRAWN if withdrawn else STATES.get(raw_state, State.OTHER),
        "state_raw": raw_state[:100],
        "answer": clean_body(localized(values, "answer"), origin=origin),
        "answered_at": parse_timestamp(values.get("answered_at"), row, "answered_at"),
        "supports": max(row.integer("supports", "votes") or 0, 0),
        "endorsements": max(row.integer("endorsements/total_count", "likes/total_count") or 0, 0),
        "comments_count": max(row.integer("comments") or 0, 0),
        "published_at": parse_timestamp(values.get("published_at"), row, "published_at"),
        "url": safe_url(values.get("url"))[:1000],
        "participatory_space_id": row.integer("participatory_space/id"),
        "component_id": row.integer("component/id"),
        "is_amendment": (values.get("is_amend") or "") == "true",
        "is_withdrawn": withdrawn,
        "raw": {column: value for column, value in values.items() if not _PERSONAL_COLUMN.match(column)},
    }


def map_comment(row: Row) -> dict:
    """Comment values of one comment row. Author names are not kept: they are personal data."""
    values = row.values
    root = values.get("root_commentable_url") or ""
    alignment = row.integer("alignment") or 0
    is_reply = (values.get("commentable_type") or "").endswith("Comment")
    resource, number = _resource_and_id(root)
    return {
        "decidim_host": urlsplit(origin_of(root)).hostname or "",
        "decidim_id": row.integer("id", required=True),
        "resource": resource,
        "proposal_id": number if resource == "proposals" else None,
        "parent_decidim_id": row.integer("commentable_id") if is_reply else None,
        "body": render_references(_unguard(values.get("body") or "")).strip(),
        "locale": (values.get("locale") or "")[:10],
        "alignment": alignment if alignment in (-1, 0, 1) else 0,
        "depth": max(row.integer("depth") or 0, 0),
        "created_at": parse_timestamp(values.get("created_at"), row, "created_at"),
    }
