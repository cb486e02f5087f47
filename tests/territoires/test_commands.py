import gzip
import shutil

import pytest
from django.core.management import CommandError, call_command

from territoires.importer import DATA_DIR
from territoires.models import Commune, Departement, Epci, Region

pytestmark = pytest.mark.usefixtures("territories")


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the shipped official files, to be damaged by a test."""
    for path in DATA_DIR.glob("*.csv*"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def rewrite_gzip(path, transform):
    text = gzip.decompress(path.read_bytes()).decode()
    path.write_bytes(gzip.compress(transform(text).encode()))


def test_counts_match_the_official_lists():
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Epci.objects.count() == 1255
    assert Commune.objects.count() == 34969


def test_a_commune_knows_its_departement_region_epci_population_and_postal_codes():
    commune = Commune.objects.select_related("departement", "region", "epci").get(code_insee="01001")

    assert commune.nom == "L'Abergement-Clémenciat"
    assert commune.departement.nom == "Ain"
    assert commune.region.nom == "Auvergne-Rhône-Alpes"
    assert commune.epci is not None
    assert commune.population > 0
    assert commune.codes_postaux == ["01400"]


def test_island_communes_without_epci_are_kept():
    assert Commune.objects.get(code_insee="29155").epci is None  # Ouessant


def test_an_epci_knows_its_type_population_and_members():
    epci = Commune.objects.get(code_insee="01001").epci

    assert epci.type in Epci.Type.values
    assert epci.communes.count() == epci.nombre_communes
    assert epci.population_communes_insee == sum(c.population for c in epci.communes.all())


def test_ansm_eligibility_counts_match_the_data_readme():
    communes = Commune.objects.filter(zone__in=["metro", "drom"], population__lt=3500)
    epci = Epci.objects.filter(population_communes_insee__lt=15000)

    assert communes.count() == 31621
    assert epci.count() == 361


def test_second_run_changes_nothing_and_says_so(capsys):
    call_command("import_territoires")

    output = capsys.readouterr().out
    assert "aucune modification" in output
    assert "34969 inchangés" in output


def test_a_changed_row_is_updated_in_place(data_dir, capsys):
    rewrite_gzip(data_dir / "communes.csv.gz", lambda text: text.replace("L'Abergement-Clémenciat", "Nouveau Nom", 1))

    call_command("import_territoires", data_dir=data_dir)

    assert Commune.objects.get(code_insee="01001").nom == "Nouveau Nom"
    assert Commune.objects.get(code_insee="01001").nom_recherche == "nouveau nom"
    assert "1 mis à jour" in capsys.readouterr().out


def test_missing_file_fails_clearly_and_changes_nothing(data_dir):
    (data_dir / "communes.csv.gz").unlink()
    (data_dir / "regions.csv").write_text(
        (DATA_DIR / "regions.csv").read_text().replace("Guadeloupe", "Changé"), encoding="utf-8"
    )

    with pytest.raises(CommandError, match="communes.csv.gz : fichier introuvable"):
        call_command("import_territoires", data_dir=data_dir)

    assert Region.objects.get(code="01").nom == "Guadeloupe"


def test_missing_column_is_named(data_dir):
    (data_dir / "departements.csv").write_text("code,nom\n01,Ain\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"departements.csv, ligne 1 : colonne\(s\) manquante\(s\) : code_region"):
        call_command("import_territoires", data_dir=data_dir)


def test_bad_population_names_file_line_and_column_and_changes_nothing(data_dir):
    def corrupt(text):
        lines = text.splitlines()
        lines[3] = lines[3].replace(",metro,", ",metro,beaucoup", 1)
        lines[1] = lines[1].replace("L'Abergement-Clémenciat", "Jamais Écrit")
        return "\n".join(lines) + "\n"

    rewrite_gzip(data_dir / "communes.csv.gz", corrupt)

    with pytest.raises(CommandError, match=r"communes.csv.gz, ligne 4, colonne « population »"):
        call_command("import_territoires", data_dir=data_dir)

    assert Commune.objects.get(code_insee="01001").nom == "L'Abergement-Clémenciat"


def test_unknown_departement_reference_is_refused(data_dir):
    rewrite_gzip(
        data_dir / "communes.csv.gz",
        lambda text: text.replace("01001,L'Abergement-Clémenciat,01,", "01001,L'Abergement-Clémenciat,00,", 1),
    )

    with pytest.raises(CommandError, match="« 00 » est absent de departements.csv"):
        call_command("import_territoires", data_dir=data_dir)


def test_truncated_gzip_is_refused(data_dir):
    path = data_dir / "communes.csv.gz"
    path.write_bytes(path.read_bytes()[:5000])

    with pytest.raises(CommandError, match="communes.csv.gz : fichier illisible"):
        call_command("import_territoires", data_dir=data_dir)


def test_duplicate_code_is_refused(data_dir):
    (data_dir / "regions.csv").write_text(
        (DATA_DIR / "regions.csv").read_text() + "01,Guadeloupe bis,97105,drom\n", encoding="utf-8"
    )

    with pytest.raises(CommandError, match="« 01 » apparaît deux fois"):
        call_command("import_territoires", data_dir=data_dir)
