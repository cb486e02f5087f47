import pytest

from territoires.search import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "st etienne"),
        ("Sainte-Foy-lès-Lyon", "ste foy les lyon"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("  ST   ÉTIENNE ", "st etienne"),
        ("'; DROP TABLE --", "drop table"),
        ("😀", ""),
    ],
)
def test_normalize_folds_case_accents_separators_and_saint(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("saint", "st "), ("Sainte", "ste "), ("st", "st"), ("saint-e", "st e"), ("Paris", "paris")],
)
def test_search_pattern_keeps_a_whole_saint_as_a_whole_word(text, expected):
    from territoires.search import search_pattern

    assert search_pattern(text) == expected
