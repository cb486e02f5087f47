import pytest

from catalogue.models import SearchSynonym, Service
from catalogue.search import fold, search_ids, search_services

pytestmark = pytest.mark.usefixtures("demo")


def first(q):
    return search_services(Service.objects.published(), q).first().slug


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("rendez-vous", "rdv-service-public"),
        ("prendre rendez vous", "rdv-service-public"),
        ("adresses locales", "bases-adresses-locales"),
        ("adresse", "bases-adresses-locales"),
        ("covoiturage", "comobi"),
        ("réserver une salle", "espace-sur-demande"),
        ("reserver une salle", "espace-sur-demande"),
        ("aides financières", "aides-territoires"),
        ("aides financieres", "aides-territoires"),
        ("interventions techniques", "agents-en-intervention"),
        ("logement indigne", "signal-logement"),
        ("grist", "grist"),
        ("conseiller numérique", "conseiller-numerique"),
    ],
)
def test_a_need_typed_by_a_commune_brings_the_right_service_first(q, slug):
    assert first(q) == slug


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("covoiturag", "comobi"),
        ("intervension technique", "agents-en-intervention"),
        ("adresses locale", "bases-adresses-locales"),
    ],
)
def test_a_typo_still_finds_the_service(q, slug):
    assert first(q) == slug


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("salle des fêtes", "espace-sur-demande"),
        ("sale des fetes", "espace-sur-demande"),
        ("location de salle", "espace-sur-demande"),
        ("signer", "signature-electronique"),
        ("parapheur", "signature-electronique"),
        ("délibérations", "signature-electronique"),
        ("conseil municipal", "suite-territoriale"),
        ("boîte mail de la mairie", "messages"),
        ("dépôt sauvage", "protect-envi"),
        ("numérotation des rues", "bases-adresses-locales"),
    ],
)
def test_the_words_a_commune_types_lead_to_the_right_service_through_the_synonyms(q, slug):
    assert slug in [service.slug for service in search_services(Service.objects.published(), q)[:3]]


@pytest.mark.parametrize("q", ["cantine", "état civil", "cimetière"])
def test_a_need_no_service_covers_finds_nothing_rather_than_a_wrong_service(q):
    assert list(search_services(Service.objects.published(), q)) == []


def test_staff_extend_the_vocabulary_in_the_synonyms_table():
    SearchSynonym.objects.create(term="cantine", expansion="tableur base de données")

    assert first("cantine") == "grist"


def test_name_matches_come_before_description_matches():
    results = list(search_services(Service.objects.published(), "inclusion numérique")[:2])

    assert all("inclusion numérique" in service.name.lower() for service in results)


@pytest.mark.parametrize("q", ["%", "&&&", "!!", "()", ":*", "'", "--", "\\"])
def test_query_made_only_of_syntax_characters_matches_nothing(q):
    assert list(search_services(Service.objects.published(), q)) == []


def test_sql_in_a_query_is_searched_as_words():
    results = list(search_services(Service.objects.published(), "'; DROP TABLE catalogue_service; --"))

    assert Service.objects.count() == 52
    assert all(isinstance(service, Service) for service in results)


def test_fold_removes_accents_and_case():
    assert fold("  Réserver   une SALLE ") == "reserver une salle"


SOME_QUERIES = [
    "rendez-vous",
    "reserver une salle",
    "covoiturag",
    "intervension technique",
    "sale des fetes",
    "salle des fêtes mairie budget",
    "parapheur",
    "numérotation des rues",
    "logement indigne",
    "cantine école budget",
    "zzzz",
    # What the search syntax or SQL could read otherwise: searched as words by both.
    '"signature électronique" or -parapheur',
    "or or -",
    "'; DROP TABLE catalogue_service; --",
    "100% $1 %s :* & | !",
    "{agenda,salle} \"c\\d\" 'e' [x] NULL",
    "œuvre cœur straße ﬁchier 🚒 agenda",
    "mairie commune outil numérique",
    "x" * 200,
]


@pytest.mark.parametrize("q", SOME_QUERIES)
@pytest.mark.parametrize("order", [None, ["name"], ["-updated_at", "name"]])
def test_the_catalogue_page_finds_the_same_services_in_the_same_order_in_one_query(
    q, order, django_assert_max_num_queries
):
    searched = search_services(Service.objects.published(), q)
    expected = list((searched.order_by(*order) if order else searched).values_list("pk", flat=True))

    with django_assert_max_num_queries(1):
        found = search_ids(q, order=order)

    assert found == expected


@pytest.mark.parametrize(
    "q", ["cantine", "cantines scolaires", "la cantine mairie", "cantinne", "restauration scolaire", "menu"]
)
def test_a_synonym_staff_add_is_searched_alike_by_the_page_and_the_api(q):
    # A synonym of several groups, with words every service mentions (left out of the any-word step) and a long
    # term that is also recognised with a typo.
    SearchSynonym.objects.create(term="cantine", expansion="tableur, base de données mairie commune, menu")
    SearchSynonym.objects.create(term="restauration scolaire", expansion="cantine, réservation")
    expected = list(search_services(Service.objects.published(), q).values_list("pk", flat=True))

    assert search_ids(q) == expected


def test_the_page_search_runs_again_after_an_error_on_its_connection(django_assert_max_num_queries):
    from django.db import DatabaseError, connection, transaction

    expected = search_ids("rendez-vous")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1/0")

    with django_assert_max_num_queries(1):
        assert search_ids("rendez-vous") == expected
