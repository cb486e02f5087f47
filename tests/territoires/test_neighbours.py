import csv
import importlib

import pytest

from territoires.models import Departement
from territoires.neighbours import DATA_FILE, outline_points, read_neighbours, touching_pairs


def test_outline_points_follow_relative_and_absolute_svg_commands():
    points = outline_points("M10 10h5v5l-5-5zM20 20L30 30c1 1 2 2 3 3")

    assert points == {(10, 10), (15, 10), (15, 15), (20, 20), (30, 30), (33, 33)}


def test_outlines_that_share_a_vertex_touch_and_others_do_not():
    outlines = {
        "01": outline_points("M0 0h10v10h-10z"),
        "69": outline_points("M10 0h10v10h-10z"),
        "29": outline_points("M50 50h5v5h-5z"),
    }

    assert touching_pairs(outlines) == [("01", "69")]


def test_the_committed_borders_give_symmetric_neighbours_for_every_departement():
    with DATA_FILE.parent.joinpath("departements.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}

    neighbours = read_neighbours(codes)

    assert all(a in neighbours[b] for a in neighbours for b in neighbours[a])
    assert all(code not in voisins for code, voisins in neighbours.items())
    assert neighbours["75"] == ["92", "93", "94"]
    assert neighbours["2A"] == ["2B"]
    assert neighbours["974"] == []
    assert neighbours["01"] == ["38", "39", "69", "71", "73", "74"]
    assert neighbours["29"] == ["22", "56"]
    assert {"25", "68", "70"} == set(neighbours["90"])


@pytest.mark.usefixtures("territories")
def test_the_import_gives_each_departement_its_drawn_neighbours():
    isere = Departement.objects.get(code="38")
    paris = Departement.objects.get(code="75")

    assert set(isere.voisins) == {"01", "05", "07", "26", "42", "69", "73"}
    assert paris.voisins == ["92", "93", "94"]
    assert "38" in Departement.objects.get(code="73").voisins
    assert Departement.objects.get(code="971").voisins == []


@pytest.mark.usefixtures("territories")
def test_the_data_migration_gives_a_reused_database_the_drawn_neighbours():
    from django.apps import apps

    migration = importlib.import_module("territoires.migrations.0004_departement_voisins_from_borders")
    Departement.objects.filter(code__in=["75", "2A"]).update(voisins=["91"])

    migration.fill(apps, None)

    assert Departement.objects.get(code="75").voisins == ["92", "93", "94"]
    assert Departement.objects.get(code="2A").voisins == ["2B"]
