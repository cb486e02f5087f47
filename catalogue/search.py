"""Full-text search of the catalogue: French stemming without accents, then typo tolerance on names.

A service matches when its stored search vector matches every word of the query (plurals, accents,
any order of words) or, when no service has them all, any of them; or when its name and summary are
close to the query letter by letter (a typo). Names that contain the query come first, then the best
full-text rank.
"""

import unicodedata
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Greatest

from catalogue.models import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200


def fold(text: str) -> str:
    """Lowercase text without accents, as PostgreSQL's ``immutable_unaccent(lower(…))`` gives it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).lower().split())


def search_services(queryset, text: str):
    """Services of ``queryset`` matching ``text``, annotated with ``relevance`` and ordered by it."""
    folded = fold(text)
    if not any(char.isalnum() for char in folded):
        return queryset.none()
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    words = folded.split()
    if len(words) > 1 and not queryset.filter(search_vector=query).exists():
        # No service has every word ("logement indigne"): accept any of them, best ranked first.
        query = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words[:20]))
    return (
        queryset.filter(Q(search_vector=query) | Q(text_search__trigram_word_similar=folded))
        .annotate(
            name_match=Case(
                When(name_search=folded, then=Value(0)),
                When(name_search__startswith=folded, then=Value(1)),
                When(name_search__contains=folded, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            relevance=Greatest(
                SearchRank(F("search_vector"), query),
                TrigramWordSimilarity(folded, "text_search") * Value(0.5),
                output_field=FloatField(),
            ),
        )
        .order_by("name_match", "-relevance", "name")
    )
