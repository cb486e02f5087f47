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
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Length

from catalogue.models import SEARCH_CONFIG, SearchSynonym

MAX_QUERY_LENGTH = 200
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
    """The groups of words to search as well, from every synonym whose term the query contains."""
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
        yield Q(pk__in=[]), Value(0.0)
        return
    any_word = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    yield Q(search_vector=any_word), SearchRank(F("search_vector"), any_word)


def search_services(queryset, text: str, *, chosen_steps: dict | None = None):
    """Services of ``queryset`` matching ``text``, annotated with ``relevance`` and ordered by it.

    ``chosen_steps`` remembers, for one request, the synonyms and the step that answered each text, so the
    page's facets (which search again with other filters) do not look them up again.
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
    matches = queryset.filter(condition)
    return matches.annotate(
        name_match=Case(
            When(name_search=folded, then=Value(0)),
            When(name_search__startswith=folded, then=Value(1)),
            When(name_search__contains=folded, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        relevance=rank,
    ).order_by("name_match", "-relevance", "name")


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
