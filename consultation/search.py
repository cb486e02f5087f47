"""Full-text search of the contributions: French stemming without accents (same technique as the catalogue).

Every word first; when no contribution has them all, any of them. The most relevant first.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from consultation.models import SEARCH_CONFIG
from territoires.search import normalize

MAX_QUERY_LENGTH = 200


def search_contributions(queryset, text: str):
    """Contributions of ``queryset`` matching ``text``, annotated with ``relevance``."""
    words = normalize(text).split()[:20]
    if not words:
        return queryset.none()
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    if len(words) > 1 and not queryset.filter(search_vector=query).exists():
        query = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    return queryset.filter(search_vector=query).annotate(relevance=SearchRank(F("search_vector"), query))
