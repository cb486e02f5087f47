"""Full-text search of the contributions: French stemming without accents, with typo tolerance.

The steps of the catalogue's search (``catalogue/search.py``), the first that finds something wins:
1. every word of the query in the stored search vector;
2. otherwise, titles close to the query letter by letter (a typo, a missing letter: « sale » for « salle »);
3. otherwise, any of the words. The most relevant first.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import F

from consultation.models import SEARCH_CONFIG
from territoires.search import normalize

MAX_QUERY_LENGTH = 200
# pg_trgm's indexed operator keeps words more than 0.6 alike; a short word with one letter missing
# (« sale », « salle ») is 0.6 alike, so the second try accepts 0.5, on titles only.
LOOSE_SIMILARITY = 0.5


def search_contributions(queryset, text: str):
    """Contributions of ``queryset`` matching ``text``, annotated with ``relevance``."""
    words = normalize(text).split()[:20]
    if not words:
        return queryset.none()
    every_word = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    if queryset.filter(search_vector=every_word).exists():
        return queryset.filter(search_vector=every_word).annotate(relevance=SearchRank(F("search_vector"), every_word))
    folded = " ".join(words)
    similar = queryset.filter(title_search__trigram_word_similar=folded)
    if not similar.exists():
        similar = queryset.annotate(similarity=TrigramWordSimilarity(folded, "title_search")).filter(
            similarity__gte=LOOSE_SIMILARITY
        )
    if similar.exists():
        return similar.annotate(relevance=TrigramWordSimilarity(folded, "title_search"))
    any_word = reduce(or_, (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words))
    return queryset.filter(search_vector=any_word).annotate(relevance=SearchRank(F("search_vector"), any_word))
