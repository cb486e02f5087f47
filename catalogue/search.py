"""Full-text search of the catalogue: French stemming without accents, typo tolerance and the words communes use.

The query is first read against the synonyms table that staff keep (``SearchSynonym``): "parapheur" or
"salle des fêtes" are also searched as the words the catalogue uses ("signature électronique",
"réservation salles"). Then three steps, the first that finds something wins:
1. every word of the query, or every word of one of its synonyms, in the stored search vector;
2. otherwise, names and summaries close to the query letter by letter (a typo: "covoiturag");
3. otherwise, any of the words ("logement indigne" finds what mentions "logement").
Names that contain the query come first, then the best rank.
"""

import re
import unicodedata
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Length

from catalogue.models import SEARCH_CONFIG, SearchSynonym

MAX_QUERY_LENGTH = 200
# The order of the results: names that contain the query first, then the best rank.
ORDER = ("name_match", "-relevance", "name")
ROW_COLUMNS = ("row_id", "step", "name_match", "relevance", "row_name", "row_updated")
# A term this long is also recognised with a typo ("sale des fetes"); a shorter one only as typed,
# or "signer" would also answer "signal".
TYPO_TOLERANT_TERM_LENGTH = 8
# pg_trgm's word similarity threshold is 0.6 by default; terms whose trigrams the query shares less than this
# cannot reach it, and PostgreSQL is not asked about them (a margin below 0.6, in case the setting is lowered).
PREFILTER_SIMILARITY = 0.5
# Letter-by-letter closeness (pg_trgm word similarity) of the services offered when nothing matches.
CLOSE_SERVICE_SIMILARITY = 0.5
# Words found in most services' texts: alone they say nothing of a need ("état civil" is not about the State),
# so the any-word step leaves them out.
GENERIC_WORDS = {
    "etat",
    "service",
    "services",
    "public",
    "publics",
    "publique",
    "publiques",
    "commune",
    "communes",
    "collectivite",
    "collectivites",
    "territoire",
    "territoires",
    "outil",
    "outils",
    "numerique",
    "mairie",
}


def fold(text: str) -> str:
    """Lowercase text without accents, as PostgreSQL's ``immutable_unaccent(lower(…))`` gives it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).lower().split())


def load_synonyms() -> list[tuple[str, list[str]]]:
    """Every synonym as (its term without accents, its groups), in the order of the terms."""
    return [(synonym.term_search, synonym.groups) for synonym in SearchSynonym.objects.order_by("term")]


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of ``text``: each run of letters and digits, two spaces before and one after."""
    grams = set()
    for word in re.findall(r"[^\W_]+", text):
        padded = f"  {word} "
        grams.update(padded[start : start + 3] for start in range(len(padded) - 2))
    return grams


def _may_be_close(term: str, query_trigrams: set[str]) -> bool:
    """Whether pg_trgm could find ``term`` in the query with a typo: the share of the term's trigrams the query
    has bounds their word similarity from above."""
    term_trigrams = _trigrams(term)
    return len(term_trigrams & query_trigrams) >= PREFILTER_SIMILARITY * len(term_trigrams)


def synonym_groups(folded: str, synonyms: list | None = None) -> list[str]:
    """The groups of words to search as well, from every synonym whose term the query contains.

    With ``synonyms`` (``load_synonyms()``, kept per content generation) the terms the query contains are found
    here, and PostgreSQL is asked only when a long term may be in it with a typo.
    """
    if synonyms is not None and folded.isascii():
        query_trigrams = _trigrams(folded)
        if not any(
            len(term) >= TYPO_TOLERANT_TERM_LENGTH and _may_be_close(term, query_trigrams) for term, _ in synonyms
        ):
            groups = []
            for term, term_groups in synonyms:
                if f" {term} " in f" {folded} ":
                    groups.extend(group for group in term_groups if group not in groups)
            return groups
    padded = Value(f" {folded} ", output_field=TextField())
    synonyms = SearchSynonym.objects.alias(query=padded, term_length=Length("term_search")).filter(
        Q(query__contains=Concat(Value(" "), F("term_search"), Value(" "), output_field=TextField()))
        | Q(term_length__gte=TYPO_TOLERANT_TERM_LENGTH, query__trigram_word_similar=F("term_search"))
    )
    groups = []
    for synonym in synonyms.order_by("term"):
        groups.extend(group for group in synonym.groups if group not in groups)
    return groups


def _steps(text: str, folded: str, groups: list[str]):
    """(condition, rank) of each step, in order; each condition is one indexed (GIN) lookup."""
    every_word = reduce(
        or_,
        (SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch") for words in [text, *groups]),
    )
    yield Q(search_vector=every_word), SearchRank(F("search_vector"), every_word)
    yield Q(text_search__trigram_word_similar=folded), TrigramWordSimilarity(folded, "text_search")
    words = [*folded.split()[:20], *(word for group in groups for word in fold(group).split())]
    words = [word for word in words if word not in GENERIC_WORDS]
    if not words:
        yield Q(pk__in=[]), Value(0.0, output_field=FloatField())
        return
    any_word = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    yield Q(search_vector=any_word), SearchRank(F("search_vector"), any_word)


def search_services(queryset, text: str, *, chosen_steps: dict | None = None):
    """Services of ``queryset`` matching ``text``, annotated with ``relevance`` and ordered by it.

    ``chosen_steps`` remembers, for one request, the synonyms and the step that answered each text, so a
    second search of the same words does not look them up again.
    """
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return queryset.none()
    chosen_steps = {} if chosen_steps is None else chosen_steps
    if ("synonyms", text) not in chosen_steps:
        chosen_steps[("synonyms", text)] = synonym_groups(folded)
    steps = list(_steps(text, folded, chosen_steps[("synonyms", text)]))
    if text not in chosen_steps:
        # An OR of the steps would let the planner scan every row; testing them in turn keeps each indexed.
        chosen_steps[text] = next(
            (number for number, (condition, _) in enumerate(steps[:-1]) if queryset.filter(condition).exists()),
            len(steps) - 1,
        )
    condition, rank = steps[chosen_steps[text]]
    return queryset.filter(condition).annotate(name_match=_name_match(folded), relevance=rank).order_by(*ORDER)


def search_ids(queryset, text: str, *, order: list[str] | None = None, synonyms: list | None = None) -> list[int]:
    """The ids of ``search_services(queryset, text)`` in its order (or in ``order``), from one query.

    Each step is a materialised ``WITH`` part read only when no earlier one found anything (an uncorrelated
    ``NOT EXISTS``, which PostgreSQL evaluates once, before reading the step): each step stays one indexed
    lookup run at most once, and choosing the step costs no query of its own.
    """
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return []
    parts, params = [], []
    for number, (condition, rank) in enumerate(_steps(text, folded, synonym_groups(folded, synonyms))):
        part = (
            queryset.filter(condition)
            .annotate(
                row_id=F("pk"),
                step=Value(number),
                name_match=_name_match(folded),
                relevance=rank,
                row_name=F("name"),
                row_updated=F("updated_at"),
            )
            .order_by()
            .values_list(*ROW_COLUMNS)
        )
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # a step that cannot match (no word left to search)
            continue
        gates = " AND ".join(f"NOT EXISTS (SELECT FROM step_{earlier})" for earlier in range(len(parts)))
        parts.append(
            f"step_{len(parts)} AS MATERIALIZED (SELECT * FROM ({sql}) part{' WHERE ' if gates else ''}{gates})"
        )
        params.extend(part_params)
    union = " UNION ALL ".join(f"SELECT * FROM step_{number}" for number in range(len(parts)))
    columns = {"name_match": "name_match", "relevance": "relevance", "name": "row_name", "updated_at": "row_updated"}
    ordering = ", ".join(
        f"{columns[field.removeprefix('-')]}{' DESC' if field.startswith('-') else ''}" for field in order or ORDER
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {union} ORDER BY step, {ordering}", params)  # noqa: S608 (compiled)
        return [row[0] for row in cursor.fetchall()]


def _name_match(folded: str) -> Case:
    """0 for a name that is the query, 1 for one that starts with it, 2 for one that contains it, 3 otherwise."""
    return Case(
        When(name_search=folded, then=Value(0)),
        When(name_search__startswith=folded, then=Value(1)),
        When(name_search__contains=folded, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def close_services(queryset, text: str, *, limit: int = 3):
    """When nothing matches: a few services whose name or summary come nearest to what was typed, if any."""
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return queryset.none()
    closeness = TrigramWordSimilarity(folded, "text_search")
    return (
        queryset.annotate(closeness=closeness)
        .filter(closeness__gte=CLOSE_SERVICE_SIMILARITY)
        .order_by("-closeness", "name")[:limit]
    )
