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
