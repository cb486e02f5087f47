"""Full-text search of the catalogue: French stemming without accents, with typo tolerance.

Three steps, the first that finds something wins:
1. every word of the query in the stored search vector (plurals, accents, any order of words);
2. otherwise, names and summaries close to the query letter by letter (a typo: "covoiturag");
3. otherwise, any of the words ("logement indigne" finds what mentions "logement").
Names that contain the query come first, then the best rank.
"""

import unicodedata
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, IntegerField, Q, Value, When

from catalogue.models import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200


def fold(text: str) -> str:
    """Lowercase text without accents, as PostgreSQL's ``immutable_unaccent(lower(…))`` gives it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).lower().split())


def _steps(text: str, folded: str):
    """(condition, rank) of each step, in order; each condition is one indexed (GIN) lookup."""
    every_word = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    yield Q(search_vector=every_word), SearchRank(F("search_vector"), every_word)
    yield Q(text_search__trigram_word_similar=folded), TrigramWordSimilarity(folded, "text_search")
    words = folded.split()[:20]
    any_word = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    yield Q(search_vector=any_word), SearchRank(F("search_vector"), any_word)


def search_services(queryset, text: str, *, chosen_steps: dict | None = None):
    """Services of ``queryset`` matching ``text``, annotated with ``relevance`` and ordered by it.

    ``chosen_steps`` remembers, for one request, which step answered each text, so the page's facets
    (which search again with other filters) do not test the steps again.
    """
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return queryset.none()
    chosen_steps = {} if chosen_steps is None else chosen_steps
    steps = list(_steps(text, folded))
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
