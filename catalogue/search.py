"""Full-text search of the catalogue: French stemming without accents, typo tolerance and the words communes use.

The query is first read against the synonyms table that staff keep (``SearchSynonym``): "parapheur" or
"salle des fêtes" are also searched as the words the catalogue uses ("signature électronique",
"réservation salles"). Then three steps, the first that finds something wins:
1. every word of the query, or every word of one of its synonyms, in the stored search vector;
2. otherwise, names and summaries close to the query letter by letter (a typo: "covoiturag");
3. otherwise, any of the words ("logement indigne" finds what mentions "logement").
Names that contain the query come first, then the best rank.
"""

import unicodedata
from functools import cache, reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Length

from catalogue.models import SEARCH_CONFIG, Porteur, SearchSynonym, Service, Stage
from core import prepared

MAX_QUERY_LENGTH = 200
# The order of the results: names that contain the query first, then the best rank.
ORDER = ("name_match", "-relevance", "name")
# A term this long is also recognised with a typo ("sale des fetes"); a shorter one only as typed,
# or "signer" would also answer "signal".
TYPO_TOLERANT_TERM_LENGTH = 8
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


def synonym_groups(folded: str) -> list[str]:
    """The groups of words to search as well, from every synonym whose term the query contains (a long term
    also with a typo), in the order of the terms."""
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
    words = [
        *_any_words(folded),
        *(word for group in groups for word in fold(group).split() if word not in GENERIC_WORDS),
    ]
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


def _any_words(folded: str) -> list[str]:
    """The query's own words the any-word step searches (the synonyms' words are added by the database)."""
    return [word for word in folded.split()[:20] if word not in GENERIC_WORDS]


# ``search_services`` in one statement, prepared once per connection (``core.prepared``): the synonyms the
# query contains, the two queries built from them (every word of the query or of one synonym; any word), then
# each step read only when no earlier one found anything (an uncorrelated ``NOT EXISTS``, evaluated once before
# the step is read), so each step stays one indexed lookup run at most once. $1 the text as typed, $2 folded,
# $3 folded between spaces, $4 the query's words for the any-word step. ``search_services`` is the reference: a
# test checks that both find the same services in the same order.
_NAME_MATCH = (
    "CASE WHEN s.name_search = $2 THEN 0 WHEN starts_with(s.name_search, $2) THEN 1"
    " WHEN strpos(s.name_search, $2) > 0 THEN 2 ELSE 3 END"
)
_GENERIC = "ARRAY[{}]::text[]".format(", ".join(f"'{word}'" for word in sorted(GENERIC_WORDS)))
_SEARCH_SQL = f"""
WITH synonym AS (
  SELECT array_agg(grp ORDER BY first_position) AS groups FROM (
    SELECT grp, min(position) AS first_position FROM (
      SELECT btrim(part.grp) AS grp, row_number() OVER (ORDER BY synonym.term, part.number) AS position
      FROM catalogue_searchsynonym synonym,
           unnest(string_to_array(synonym.expansion, ',')) WITH ORDINALITY AS part(grp, number)
      WHERE strpos($3, ' ' || synonym.term_search || ' ') > 0
         OR (length(synonym.term_search) >= {TYPO_TOLERANT_TERM_LENGTH} AND $3 %%> synonym.term_search)
    ) parts WHERE grp <> '' GROUP BY grp
  ) distinct_groups
),
query AS MATERIALIZED (
  SELECT
    (SELECT string_agg('(' || words_query::text || ')', ' | ' ORDER BY number)::tsquery
       FROM unnest(ARRAY[$1] || synonym.groups) WITH ORDINALITY AS item(words, number),
            LATERAL websearch_to_tsquery('{SEARCH_CONFIG}', item.words) AS words_query
      WHERE numnode(words_query) > 0) AS every_word,
    (SELECT string_agg('(' || word_query::text || ')', ' | ' ORDER BY number)::tsquery
       FROM unnest($4 || ARRAY(
              SELECT word FROM unnest(synonym.groups) WITH ORDINALITY AS part(grp, number),
                   LATERAL regexp_split_to_table(immutable_unaccent(lower(part.grp)), '\\s+')
                     WITH ORDINALITY AS split(word, position)
              WHERE word <> '' AND word <> ALL({_GENERIC}) ORDER BY part.number, split.position
            )) WITH ORDINALITY AS item(word, number),
            LATERAL plainto_tsquery('{SEARCH_CONFIG}', item.word) AS word_query
      WHERE numnode(word_query) > 0) AS any_word
  FROM synonym
),
step_0 AS MATERIALIZED (
  SELECT s.id, 0 AS step, {_NAME_MATCH} AS name_match,
         ts_rank(s.search_vector, (SELECT every_word FROM query)) AS relevance, s.name, s.updated_at
  FROM catalogue_service s WHERE s.is_published AND s.search_vector @@ (SELECT every_word FROM query)
),
step_1 AS MATERIALIZED (
  SELECT s.id, 1, {_NAME_MATCH}, word_similarity($2, s.text_search), s.name, s.updated_at
  FROM catalogue_service s WHERE NOT EXISTS (SELECT FROM step_0) AND s.is_published AND s.text_search %%> $2
),
step_2 AS MATERIALIZED (
  SELECT s.id, 2, {_NAME_MATCH}, ts_rank(s.search_vector, (SELECT any_word FROM query)), s.name, s.updated_at
  FROM catalogue_service s WHERE NOT EXISTS (SELECT FROM step_0) AND NOT EXISTS (SELECT FROM step_1)
    AND s.is_published AND s.search_vector @@ (SELECT any_word FROM query)
)
SELECT id FROM (SELECT * FROM step_0 UNION ALL SELECT * FROM step_1 UNION ALL SELECT * FROM step_2) found
ORDER BY step, {{ordering}}"""
_COLUMNS = {"name_match": "name_match", "relevance": "relevance", "name": "name", "updated_at": "updated_at"}


@cache
def _search_statement(order: tuple[str, ...]) -> tuple[str, str]:
    ordering = ", ".join(
        f"{_COLUMNS[field.removeprefix('-')]}{' DESC' if field.startswith('-') else ''}" for field in order
    )
    sql = _SEARCH_SQL.format(ordering=ordering)
    return prepared.statement_name("catalogue_search", sql), sql


def search_ids(text: str, *, order: list[str] | None = None) -> list[int]:
    """The ids of ``search_services(Service.objects.published(), text)`` in its order (or in ``order``), from
    one prepared statement: no query of its own for the synonyms, no planning once the connection has run it."""
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return []
    name, sql = _search_statement(tuple(order or ORDER))
    with connection.cursor() as cursor:
        prepared.execute(
            cursor, name, sql, ["text", "text", "text", "text[]"], [text, folded, f" {folded} ", _any_words(folded)]
        )
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


_CLOSE_SQL = f"""
SELECT id, slug, name, summary FROM (
  SELECT id, slug, name, summary, word_similarity($1, text_search) AS closeness FROM catalogue_service
  WHERE is_published AND stage <> '{Stage.ABANDON}'
) service WHERE closeness >= {CLOSE_SERVICE_SIMILARITY} ORDER BY closeness DESC, name LIMIT $2"""
_CLOSE_STATEMENT = prepared.statement_name("catalogue_close", _CLOSE_SQL)


def close_services(text: str, *, limit: int = 3) -> list[Service]:
    """When nothing matches: a few published, not stopped services whose name or summary come nearest to what
    was typed (slug, name and summary only), if any."""
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return []
    with connection.cursor() as cursor:
        prepared.execute(cursor, _CLOSE_STATEMENT, _CLOSE_SQL, ["text", "int"], [folded, limit])
        return [Service(pk=pk, slug=slug, name=name, summary=summary) for pk, slug, name, summary in cursor]


# The services of the cards a results page shows and no card kept has yet (``catalogue.views._cards``): the
# columns the card shows, by id, prepared once per connection. Built by the ORM, this query cost a new search at
# 10,000 services more than the search itself (12 new cards a page).
# The card's columns in the order of the model's fields, as ``Model.from_db`` reads them.
_CARD_FIELDS = [
    field.attname
    for field in Service._meta.concrete_fields
    if field.attname in {"id", "slug", "name", "summary", "code_status", "france_relance", "stage", "porteur_id"}
]
_CARDS_SQL = f"""
SELECT {", ".join(f"service.{column}" for column in _CARD_FIELDS)}, porteur.name
FROM catalogue_service service LEFT JOIN catalogue_porteur porteur ON porteur.id = service.porteur_id
WHERE service.id = ANY($1)"""
_CARDS_STATEMENT = prepared.statement_name("catalogue_cards", _CARDS_SQL)


def card_services(ids: list[int]) -> dict[int, Service]:
    """The services ``ids`` with what their card shows (the other fields deferred), their porteur's name read."""
    with connection.cursor() as cursor:
        prepared.execute(cursor, _CARDS_STATEMENT, _CARDS_SQL, ["bigint[]"], [ids])
        rows = cursor.fetchall()
    services = {}
    for *values, porteur_name in rows:
        service = Service.from_db(None, _CARD_FIELDS, values)
        if service.porteur_id is not None:
            service.porteur = Porteur.from_db(None, ["id", "name"], [service.porteur_id, porteur_name])
        services[service.pk] = service
    return services
