import io
import re

import pytest

from core.rows import FileFormatError, Row, csv_rows, where


def rows(text, **options):
    return list(csv_rows(io.StringIO(text, newline=""), "f.csv", **options))


def test_every_error_names_file_line_and_column_the_same_way():
    row = Row("communes.csv.gz", 4, {"population": "abc", "code": "", "zone": "x"})

    with pytest.raises(FileFormatError, match=r"^communes.csv.gz, ligne 4, colonne « population » : nombre entier"):
        row.integer("population")
    with pytest.raises(FileFormatError, match=r"^communes.csv.gz, ligne 4, colonne « code » : valeur manquante.$"):
        row.text("code", required=True)
    with pytest.raises(FileFormatError, match="colonne « zone » : valeur inconnue « x »"):
        row.choice("zone", {"metro"})
    with pytest.raises(FileFormatError, match="colonne « code » : valeur manquante"):
        row.code("code", re.compile(r"\d+"))
    assert where("publiccode.yml", 3, 7) == "publiccode.yml, ligne 3, colonne 7"
    assert where("a.json") == "a.json"


def test_values_are_read_by_header_with_empty_values_as_none():
    [row] = rows("id;title\n1;\n\n", delimiter=";")

    assert row.values == {"id": "1", "title": None} and row.line == 2
    assert row.integer("id") == 1 and row.text("title") == ""


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("a,b\n1,2,3\n", {}, r"f.csv, ligne 2 : 3 valeurs pour 2 colonnes"),
        ("a,a\n1,2\n", {}, r"f.csv, ligne 1 : colonnes en double : a."),
        ("a,b\n1,2\n", {"required": ["c"]}, r"f.csv, ligne 1 : colonne\(s\) manquante\(s\) : c."),
        ('a,b\n"1,2\n', {}, r"f.csv, ligne \d+ : "),
    ],
)
def test_malformed_csv_is_refused_with_its_place(text, options, message):
    with pytest.raises(FileFormatError, match=message):
        rows(text, **options)
