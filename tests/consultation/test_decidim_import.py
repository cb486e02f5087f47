import zipfile

import pytest
from django.core.management import CommandError, call_command

from consultation.decidim.mapping import clean_body, localized, parse_timestamp, render_references
from consultation.models import AuthorType, Comment, Contribution, Kind, State
from tests.consultation import exports


@pytest.fixture
def files(tmp_path):
    def write(name, text, *, bom=False, crlf=False):
        path = tmp_path / name
        if crlf:
            text = text.replace("\n", "\r\n")
        path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        return path

    return write


def run(*args, **options):
    call_command("import_decidim", *args, verbosity=0, **options)


@pytest.mark.usefixtures("territories")
def test_v023_csv_imports_every_row_with_texts_states_and_counts(files):
    path = files("proposals-01-02-2021-3600.csv", exports.v023_csv())

    run(path)

    assert Contribution.objects.count() == 4
    first = Contribution.objects.get(decidim_id=1)
    assert first.decidim_host == exports.HOST
    assert first.state == State.ACCEPTED
    assert first.supports == 12 and first.endorsements == 1 and first.comments_count == 2
    assert first.departement_id == "07"  # scope "Ardèche"
    assert first.body == "<p>Les habitants appellent<br>sans arrêt.</p><p>Un agenda en ligne aiderait.</p>"
    assert first.answer == "<p>Retenue.</p>"
    assert first.published_at.isoformat() == "2021-02-15T09:23:45+00:00"
    assert Contribution.objects.get(decidim_id=2).state == State.WITHDRAWN
    assert Contribution.objects.get(decidim_id=3).kind == Kind.EXISTING_SERVICE


@pytest.mark.usefixtures("territories")
def test_no_script_style_or_event_handler_survives(files):
    run(files("proposals.csv", exports.v023_csv()))

    body = Contribution.objects.get(decidim_id=2).body
    for forbidden in ("onclick", "onerror", "javascript:", "<script", "<style", "<img"):
        assert forbidden not in body
    assert "<strong>riche</strong>" in body


@pytest.mark.usefixtures("territories")
def test_formula_guard_apostrophe_is_removed(files):
    run(files("proposals.csv", exports.v023_csv()))

    assert Contribution.objects.get(decidim_id=2).title.startswith('=HYPERLINK("http://evil")')


@pytest.mark.usefixtures("territories")
def test_gid_references_become_readable_text(files):
    run(files("proposals.csv", exports.v023_csv()))

    body = Contribution.objects.get(decidim_id=3).body
    assert "#aides" in body and "@participant" in body and "gid://" not in body


@pytest.mark.usefixtures("territories")
def test_bom_and_crlf_are_accepted(files):
    run(files("proposals.csv", exports.v023_csv(), bom=True, crlf=True))

    assert Contribution.objects.count() == 4


@pytest.mark.usefixtures("territories")
def test_second_import_changes_nothing(files, capsys):
    path = files("proposals.csv", exports.v023_csv())
    run(path)
    before = list(Contribution.objects.order_by("pk").values_list("pk", "imported_at"))

    call_command("import_decidim", path)

    assert list(Contribution.objects.order_by("pk").values_list("pk", "imported_at")) == before
    assert "Propositions : 0 créée, 0 mise à jour, 4 inchangées." in capsys.readouterr().out


@pytest.mark.usefixtures("territories")
def test_newer_export_updates_in_place(files):
    run(files("a.csv", exports.v023_csv()))

    run(files("b.csv", exports.v023_csv().replace("Prendre rendez-vous en mairie", "Prendre rendez-vous en ligne")))

    assert Contribution.objects.count() == 4
    assert Contribution.objects.get(decidim_id=1).title == "Prendre rendez-vous en ligne"


@pytest.mark.usefixtures("territories")
def test_space_and_component_filters(files):
    run(files("proposals.csv", exports.v023_csv()), space_id=3, component_id=12)

    assert sorted(Contribution.objects.values_list("decidim_id", flat=True)) == [1, 2, 3]


@pytest.mark.usefixtures("territories")
def test_open_data_zip_with_threaded_comments(tmp_path):
    path = exports.open_data_zip(tmp_path / "participez.example.fr-open-data.zip")

    run(path)

    assert Contribution.objects.count() == 2
    reply, parent, orphan = (Comment.objects.get(decidim_id=number) for number in (502, 501, 503))
    assert reply.parent == parent
    assert parent.contribution.decidim_id == 10
    assert orphan.parent is None and orphan.contribution.decidim_id == 11
    assert parent.body == "Bonne idée\nvraiment."
    assert (
        Contribution.objects.get(decidim_id=10).title == "Proposition 10 : réserver une salle"
    )  # not the machine one


@pytest.mark.usefixtures("territories")
def test_author_and_endorser_names_are_not_kept_even_in_the_raw_record(files):
    run(files("a.csv", exports.v023_csv()), files("b.json", exports.v029_json()))

    raw = " ".join(str(record) for record in Contribution.objects.values_list("raw", flat=True))
    assert "Une personne" not in raw and "Mairie de Test" not in raw
    assert "PE-PROP-2021-02-1" in raw  # the rest of the record is kept for tracing


@pytest.mark.usefixtures("territories")
def test_comment_author_names_are_not_kept(tmp_path):
    run(exports.open_data_zip(tmp_path / "export.zip"))

    stored = " ".join(str(value) for row in Comment.objects.values() for value in row.values())
    assert "Nom Personne" not in stored and "Autre Nom" not in stored


@pytest.mark.usefixtures("territories")
def test_json_admin_export_of_recent_versions(files):
    run(files("proposals.json", exports.v029_json()))

    contribution = Contribution.objects.get(decidim_id=20)
    assert contribution.title == "Numériser l'état civil"  # French preferred over the first locale
    assert contribution.supports == 4 and contribution.endorsements == 2
    assert contribution.is_withdrawn and contribution.state == State.WITHDRAWN
    assert contribution.author_type == AuthorType.PARTICIPANT
    assert contribution.body == "<p>Un <em>besoin</em> réel.</p>"


@pytest.mark.usefixtures("territories")
def test_enjeu_map_links_categories_to_enjeux(files, demo_enjeux):
    mapping = files("map.json", '{"4": "relation-usagers", "Service existant": "financements"}')

    run(files("proposals.csv", exports.v023_csv()), enjeu_map=mapping)

    assert Contribution.objects.get(decidim_id=1).enjeu.slug == "relation-usagers"
    assert Contribution.objects.get(decidim_id=3).enjeu.slug == "financements"


@pytest.mark.usefixtures("territories")
def test_dry_run_saves_nothing(files, capsys):
    call_command("import_decidim", files("proposals.csv", exports.v023_csv()), dry_run=True)

    assert Contribution.objects.count() == 0
    assert "rien n'a été enregistré" in capsys.readouterr().out


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "aucune proposition"),
        (b"\n", "aucune proposition"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "fichier binaire"),
        (b"\xff\xfe\x00a", "fichier binaire"),
        (b"titre;texte\nA;B\n", "la première colonne doit être « id »"),
        (b"id|title/fr\n1|A\n", "la première colonne doit être « id »"),
        (exports.v023_csv()[:700].encode(), "valeurs pour"),
        (
            b"id;title/fr;url\nabc;Titre;http://h.fr/processes/x/f/1/proposals/1\n",
            "colonne « id » : nombre entier",
        ),
        (b"id;title/fr;url\n1;;http://h.fr/processes/x/f/1/proposals/1\n", "titre manquant"),
        (b"id;title/fr;url\n1;Titre;\n", "adresse de la proposition manquante"),
        (b"id;title/fr;url;published_at\n1;T;http://h.fr/p/1;hier\n", "date illisible"),
        (b"[1, 2]", "objet attendu"),
        (b'[{"id": 1,', "JSON invalide"),
    ],
)
def test_broken_files_fail_cleanly_and_change_nothing(tmp_path, files, content, message):
    run(files("valid.csv", exports.v023_csv()))
    before = list(Contribution.objects.values_list("pk", "title"))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(content)

    with pytest.raises(CommandError, match=message) as error:
        call_command("import_decidim", files("newer.csv", exports.v023_csv().replace("mairie", "MAIRIE")), broken)

    assert "Import annulé" in str(error.value)
    assert list(Contribution.objects.values_list("pk", "title")) == before


@pytest.mark.usefixtures("territories")
def test_a_broken_zip_fails_cleanly(tmp_path):
    path = tmp_path / "export.zip"
    exports.open_data_zip(path)
    path.write_bytes(path.read_bytes()[:200])

    with pytest.raises(CommandError):
        call_command("import_decidim", path)

    assert Contribution.objects.count() == 0


def test_a_zip_without_proposals_is_refused(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("participez-open-data-meetings.csv", "id;title/fr\n1;R\n")

    with pytest.raises(CommandError, match="aucun fichier de propositions"):
        call_command("import_decidim", path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("import_decidim", tmp_path / "absent.csv")


def test_localized_prefers_french_then_authored_then_machine():
    assert localized({"title/en": "Hello", "title/fr": "Bonjour"}, "title") == "Bonjour"
    assert localized({"title/pt-BR": "Olá", "title/machine_translations/fr": "Bonjour (auto)"}, "title") == "Olá"
    assert localized({"title/machine_translations/fr": "Bonjour (auto)", "title/en": ""}, "title") == "Bonjour (auto)"
    assert localized({"title/fr": "'@mention"}, "title") == "@mention"
    assert localized({"title/fr": "'Apostrophe"}, "title") == "'Apostrophe"


def test_timestamps_with_offset_utc_or_iso():
    from core.rows import Row

    row = Row("f.csv", 2, {})
    assert parse_timestamp("2021-07-01 10:00:00 +0200", row, "c").isoformat() == "2021-07-01T10:00:00+02:00"
    assert parse_timestamp("2021-07-01 08:00:00 UTC", row, "c").isoformat() == "2021-07-01T08:00:00+00:00"
    assert parse_timestamp("2021-07-01T08:00:00Z", row, "c").isoformat() == "2021-07-01T08:00:00+00:00"


def test_plain_text_is_escaped_and_html_sanitised():
    assert clean_body("a < b & c") == "<p>a &lt; b &amp; c</p>"
    assert clean_body('<p>ok <a href="https://x.fr" onclick="x()">lien</a></p>') == (
        '<p>ok <a href="https://x.fr" rel="noopener noreferrer nofollow">lien</a></p>'
    )
    assert render_references("voir gid://app/Decidim::Proposals::Proposal/12") == "voir proposition n° 12"


@pytest.mark.usefixtures("territories")
def test_comments_of_another_resource_are_refused_saying_what_the_file_holds(files):
    run(files("valid.csv", exports.v023_csv()))
    before = list(Contribution.objects.values_list("pk", "title"))

    with pytest.raises(CommandError) as error:
        call_command(
            "import_decidim", files("decidim.barcelona-open-data-result_comments.csv", exports.result_comments_csv())
        )

    message = str(error.value)
    assert "ce fichier contient des commentaires de résultats du suivi des réalisations" in message
    assert "pas des propositions ni des commentaires de propositions" in message
    assert "Fichiers attendus : l'export des propositions" in message and "-open-data-proposal_comments.csv" in message
    assert list(Contribution.objects.values_list("pk", "title")) == before and not Comment.objects.exists()


@pytest.mark.django_db
def test_a_meetings_file_given_alone_is_refused(files):
    with pytest.raises(CommandError, match="ce fichier contient des réunions, pas des propositions"):
        call_command("import_decidim", files("meetings.csv", exports.meetings_csv()))

    assert not Contribution.objects.exists()


@pytest.mark.usefixtures("territories")
def test_other_members_of_an_open_data_zip_are_passed_over_and_listed(tmp_path, capsys):
    path = exports.open_data_zip(tmp_path / "export.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("participez-open-data-result_comments.csv", exports.result_comments_csv())

    call_command("import_decidim", path)

    out = capsys.readouterr().out
    assert "Fichier passé : export.zip/participez-open-data-result_comments.csv (des commentaires de résultats" in out
    assert Contribution.objects.count() == 2 and Comment.objects.count() == 3


@pytest.mark.usefixtures("territories")
def test_comments_of_proposals_left_out_by_the_space_filter_are_not_counted_unchanged(files, tmp_path, capsys):
    zip_path = exports.open_data_zip(tmp_path / "export.zip")
    call_command("import_decidim", zip_path, verbosity=0)
    capsys.readouterr()

    call_command("import_decidim", zip_path, space_id=99)

    out = capsys.readouterr().out
    assert "Commentaires : 0 créé, 0 mis à jour, 0 inchangé." in out
    assert "3 commentaires ignorés (proposition écartée par le filtre d'espace ou de composant)." in out
    assert "2 propositions ignorées (autre espace participatif)." in out


@pytest.mark.usefixtures("territories")
def test_comments_alone_outside_the_chosen_space_are_skipped(tmp_path, files, capsys):
    call_command("import_decidim", exports.open_data_zip(tmp_path / "export.zip"), verbosity=0)
    capsys.readouterr()

    call_command("import_decidim", files("comments.csv", exports.comments_csv()), space_id=99)

    out = capsys.readouterr().out
    assert "Commentaires : 0 créé, 0 mis à jour, 0 inchangé." in out
    assert "3 commentaires ignorés (proposition absente de l'archive ou hors du filtre)." in out


@pytest.mark.usefixtures("territories")
def test_summary_words_agree_with_their_numbers(files, capsys):
    run(files("a.csv", exports.v023_csv()))
    capsys.readouterr()

    call_command(
        "import_decidim", files("b.csv", exports.v023_csv().replace("Prendre rendez-vous en mairie", "Autre"))
    )

    out = capsys.readouterr().out
    assert "Propositions : 0 créée, 1 mise à jour, 3 inchangées." in out
    assert "b.csv : 4 lignes lues." in out


@pytest.mark.usefixtures("territories")
def test_relative_links_become_absolute_markdown_is_rendered_and_only_http_links_are_kept(files):
    run(files("programas.csv", exports.brazilian_answers_csv()))

    contribution = Contribution.objects.get(decidim_id=245)
    host = "https://brasilparticipativo.presidencia.gov.br"
    assert f'<a href="{host}/processes/programas/f/2/proposals/245" rel="noopener noreferrer nofollow">' in (
        contribution.answer
    )
    assert "javascript:" not in contribution.answer and 'href="/' not in contribution.answer
    assert "<strong>importante</strong>" in contribution.body and "**" not in contribution.body
    assert '<a href="https://www.gov.br/participamaisbrasil" rel="noopener noreferrer nofollow">' in contribution.body
    assert f'<a href="{host}/processes/programas/f/2/proposals/12"' in contribution.body
    assert Contribution.objects.get(decidim_id=246).url == ""  # javascript: kept nowhere
