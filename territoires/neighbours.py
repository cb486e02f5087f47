"""Neighbouring départements, computed from drawn outlines rather than written by hand.

The official lists (COG) carry no geometry. The outlines are those of the State design system's map of the
départements (the ``MapChart`` component of ``@gouvfr/dsfr-chart``, see ``territoires/data/README.md``): two
départements are neighbours when their outlines touch. The map draws metropolitan France only; overseas
départements have no land border with another département, so they have no neighbours.

``territoires/data/departements_voisins.csv`` holds the result (one border a line); the import and the
migrations read it. To rebuild it from a newer package: ``python -m territoires.neighbours MapChart.js``.
"""

import csv
import itertools
import re
import sys
from collections import defaultdict
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "departements_voisins.csv"

_OUTLINE = re.compile(r'class: "FR-([0-9AB]{2,3})",\s*style:[^\n]*\n\s*d: "([^"]+)"')
_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
# Numbers each SVG command takes; the point reached is always given by the last two (or one for H and V).
_ARITY = {"M": 2, "L": 2, "T": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "A": 7, "Z": 0}


def outline_points(path: str) -> set[tuple[float, float]]:
    """The vertices of an SVG path (absolute coordinates): where two outlines meet, they share vertices."""
    tokens = _TOKEN.findall(path)
    x = y = start_x = start_y = 0.0
    command, i, points = "M", 0, set()
    while i < len(tokens):
        if tokens[i].isalpha():
            command, i = tokens[i], i + 1
        kind, relative = command.upper(), command.islower()
        if kind == "Z":
            x, y = start_x, start_y
            continue
        values = [float(token) for token in tokens[i : i + _ARITY[kind]]]
        i += _ARITY[kind]
        if kind == "H":
            x = x + values[0] if relative else values[0]
        elif kind == "V":
            y = y + values[0] if relative else values[0]
        else:
            x, y = (x + values[-2], y + values[-1]) if relative else (values[-2], values[-1])
        if kind == "M":
            start_x, start_y = x, y
            command = "l" if relative else "L"  # numbers after a move are line-tos
        points.add((round(x, 3), round(y, 3)))
    return points


def touching_pairs(outlines: dict[str, set[tuple[float, float]]]) -> list[tuple[str, str]]:
    """Sorted pairs of codes whose outlines share at least one vertex."""
    return sorted((a, b) for a, b in itertools.combinations(sorted(outlines), 2) if outlines[a] & outlines[b])


def outlines_from_map(source: str) -> dict[str, set[tuple[float, float]]]:
    """{code: vertices} of every département drawn in the DSFR chart map's JavaScript source."""
    outlines: dict[str, set] = defaultdict(set)
    for code, path in _OUTLINE.findall(source):
        outlines[code] |= outline_points(path)
    return dict(outlines)


def read_neighbours(departement_codes: set[str], data_file: Path = DATA_FILE) -> dict[str, list[str]]:
    """{département code: sorted codes of its neighbours} for the given codes, from the committed borders."""
    neighbours: dict[str, set[str]] = {code: set() for code in departement_codes}
    with data_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = row["departement"], row["voisin"]
            if a in neighbours and b in neighbours:
                neighbours[a].add(b)
                neighbours[b].add(a)
    return {code: sorted(codes) for code, codes in neighbours.items()}


if __name__ == "__main__":  # pragma: no cover - run by hand to rebuild the data file
    pairs = touching_pairs(outlines_from_map(Path(sys.argv[1]).read_text(encoding="utf-8")))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["departement", "voisin"])
    writer.writerows(pairs)
