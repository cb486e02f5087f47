"""Write mapped Decidim rows: proposals then comments, upserted on (host, id), in one transaction."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from consultation.decidim.mapping import RESOURCES, kind_of, map_comment, map_proposal, unknown_columns
from consultation.decidim.reading import DecidimFormatError, read_files
from consultation.models import Comment, Contribution, Enjeu
from core.french import plural
from territoires.models import Departement
from territoires.search import normalize

EXPECTED = (
    "Fichiers attendus : l'export des propositions (« …-open-data-proposals.csv » du zip de données ouvertes, "
    "ou l'export « propositions » de l'administration, en CSV ou JSON) et, s'il y en a, celui de leurs "
    "commentaires (« …-open-data-proposal_comments.csv »)."
)


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) -> count
    unknown_columns: set = field(default_factory=set)
    ignored_files: list = field(default_factory=list)  # (name, what it holds): other members of a zip


def _what(kind: str | None, resource: str | None) -> str:
    """What a file holds, in French: « des commentaires de réunions », « des débats »…"""
    name = RESOURCES.get(resource or "", "")
    if kind == "comments":
        return f"des commentaires de {name}" if name else "des commentaires"
    return f"des {name}" if name else "ni des propositions (colonne « title ») ni des commentaires"


def _enjeu_for(values: dict, enjeu_map: dict[str, str], enjeux: dict[str, int]) -> int | None:
    raw = values["raw"]
    for key in (raw.get("category/id"), values["category"]):
        if key and key.strip().lower() in enjeu_map:
            target = enjeu_map[key.strip().lower()]
            return enjeux.get(target) or enjeux.get(target.lstrip("0"))
    return None


def _write_proposals(rows, report, *, enjeu_map, space_id, component_id) -> set[tuple[str, int]]:
    """Upsert the proposals kept by the filters; return the keys of those the filters left out."""
    enjeux = {enjeu.slug: enjeu.pk for enjeu in Enjeu.objects.all()}
    enjeux |= {str(number): pk for number, pk in Enjeu.objects.values_list("number", "pk")}
    departements = {normalize(nom): code for code, nom in Departement.objects.values_list("code", "nom")}
    mapped: dict[tuple, dict] = {}
    left_out: set[tuple[str, int]] = set()
    for row in rows:
        values = map_proposal(row)
        key = (values["decidim_host"], values["decidim_id"])
        if space_id is not None and values["participatory_space_id"] != space_id:
            report.skipped[("propositions", "autre espace participatif")] += 1
            left_out.add(key)
            continue
        if component_id is not None and values["component_id"] != component_id:
            report.skipped[("propositions", "autre composant")] += 1
            left_out.add(key)
            continue
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
    return left_out - set(mapped)


def _contributions_for(mapped: dict, *, space_id, component_id) -> dict[tuple[str, int], int]:
    """{(host, proposal id): contribution pk} for the proposals the comments belong to, within the filters."""
    contributions = {}
    for host in {host for host, _ in mapped}:
        ids = {values["proposal_id"] for (h, _), values in mapped.items() if h == host}
        queryset = Contribution.objects.filter(decidim_host=host, decidim_id__in=ids)
        if space_id is not None:
            queryset = queryset.filter(participatory_space_id=space_id)
        if component_id is not None:
            queryset = queryset.filter(component_id=component_id)
        for pk, number in queryset.values_list("pk", "decidim_id"):
            contributions[(host, number)] = pk
    return contributions


def _write_comments(rows, report, *, left_out, space_id, component_id) -> None:
    mapped: dict[tuple, dict] = {}
    for row in rows:
        values = map_comment(row)
        if values["resource"] not in (None, "proposals"):
            report.skipped[("commentaires", f"commentaire de {RESOURCES[values['resource']]}")] += 1
        elif not values["decidim_host"] or values["proposal_id"] is None:
            report.skipped[("commentaires", "proposition d'origine inconnue")] += 1
        elif (values["decidim_host"], values["proposal_id"]) in left_out:
            report.skipped[("commentaires", "proposition écartée par le filtre d'espace ou de composant")] += 1
        else:
            mapped[(values["decidim_host"], values["decidim_id"])] = values
    contributions = _contributions_for(mapped, space_id=space_id, component_id=component_id)
    existing = {
        (comment.decidim_host, comment.decidim_id): comment
        for host in {host for host, _ in mapped}
        for comment in Comment.objects.filter(decidim_host=host, decidim_id__in=[n for h, n in mapped if h == host])
    }
    to_create, to_update = [], []
    names = ["body", "locale", "alignment", "depth", "created_at", "parent_decidim_id", "contribution_id"]
    for key, values in mapped.items():
        contribution_id = contributions.get((key[0], values["proposal_id"]))
        if contribution_id is None:
            reason = "proposition absente de l'archive" + (" ou hors du filtre" if space_id or component_id else "")
            report.skipped[("commentaires", reason)] += 1
            continue
        values = {name: values[name] for name in names if name != "contribution_id"} | {
            "contribution_id": contribution_id
        }
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
    """Import every file in one transaction: all or nothing; with ``dry_run``, roll everything back.

    A file given alone that holds something else (meetings, comments of results…) is refused; inside an
    open-data zip, which holds every resource of the platform, such members are passed over and listed.
    """
    report = Report()
    proposals, comments = [], []
    for name, rows, in_zip in read_files(paths):
        kind, resource = kind_of(rows)
        if rows and not (kind == "proposals" or (kind == "comments" and resource in (None, "proposals"))):
            if not in_zip:
                raise DecidimFormatError(
                    f"{name} : ce fichier contient {_what(kind, resource)}, pas des propositions ni des "
                    f"commentaires de propositions. {EXPECTED}"
                )
            report.ignored_files.append((name, _what(kind, resource)))
            progress(f"{name} : {_what(kind, resource)}, passé.")
            continue
        (proposals if kind == "proposals" else comments).extend(rows)
        progress(f"{name} : {plural(len(rows), 'ligne lue', 'lignes lues')}.")
    if report.ignored_files and not proposals and not comments:
        raise DecidimFormatError(f"Aucune proposition ni aucun commentaire de proposition à importer. {EXPECTED}")
    if proposals:
        report.unknown_columns = unknown_columns(proposals[0].values)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
        left_out = _write_proposals(
            proposals, report, enjeu_map=enjeu_map or {}, space_id=space_id, component_id=component_id
        )
        _write_comments(comments, report, left_out=left_out, space_id=space_id, component_id=component_id)
        if dry_run:
            transaction.set_rollback(True)
    return report
