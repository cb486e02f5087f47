"""Full-text search of the contributions: French stemming without accents, with typo tolerance.

The steps of the catalogue's search (``catalogue/search.py``), the first that finds something wins:
1. every word of the query in the stored search vector;
2. otherwise, titles close to the query letter by letter (a typo, a missing letter: « sale » for « salle »);
3. otherwise, any of the words. The most relevant first.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F

from consultation.models import SEARCH_CONFIG
from territoires.search import normalize

MAX_QUERY_LENGTH = 200
# pg_trgm's indexed operator keeps words more than 0.6 alike; a short word with one letter missing
# (« sale », « salle ») is 0.6 alike, so the second try accepts 0.5, on titles only.
LOOSE_SIMILARITY = 0.5


def first_non_empty(querysets) -> int:
    """The number of the first of ``querysets`` that has a row (``len(querysets)`` if none has), in one query:
    a ``CASE`` of ``EXISTS``, which PostgreSQL stops at the first one true."""
    whens, params = [], []
    for number, queryset in enumerate(querysets):
        sql, condition_params = queryset.values("pk").query.sql_with_params()
        whens.append(f"WHEN EXISTS ({sql}) THEN {number}")
        params.extend(condition_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE {' '.join(whens)} ELSE {len(whens)} END", params)  # noqa: S608 (compiled)
        return cursor.fetchone()[0]


def search_contributions(queryset, text: str):
    """Contributions of ``queryset`` matching ``text``, annotated with ``relevance``."""
    words = normalize(text).split()[:20]
    if not words:
        return queryset.none()
    folded = " ".join(words)
    every_word = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    steps = [
        queryset.filter(search_vector=every_word),
        queryset.filter(title_search__trigram_word_similar=folded),
        queryset.annotate(similarity=TrigramWordSimilarity(folded, "title_search")).filter(
            similarity__gte=LOOSE_SIMILARITY
        ),
    ]
    step = first_non_empty(steps)
    if step == 0:
        return steps[0].annotate(relevance=SearchRank(F("search_vector"), every_word))
    if step < len(steps):
        return steps[step].annotate(relevance=TrigramWordSimilarity(folded, "title_search"))
    any_word = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    return queryset.filter(search_vector=any_word).annotate(relevance=SearchRank(F("search_vector"), any_word))
