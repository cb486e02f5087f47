"""A secrétaire de mairie types her postal code or a name shared by several communes, without JavaScript."""

from html import unescape

from accompagnement.models import DiagnosticRequest

# Real communes of the shipped data: 15190 is Condat's postal code (nine communes) and Saint-Hippolyte's INSEE code.
CODE_15190 = [
    "Chanterelle",
    "Condat",
    "Lugarde",
    "Marcenat",
    "Montboudif",
    "Montgreleix",
    "Saint-Amandin",
    "Saint-Bonnet-de-Condat",
    "Saint-Saturnin",
]
CODE_48000 = [
    "Badaroux",
    "Balsièges",
    "Barjac",
    "Brenoux",
    "Chastel-Nouvel",
    "Lanuéjols",
    "Le Born",
    "Mende",
    "Monts-de-Randon",
    "Pelouse",
    "Saint-Bauzile",
    "Saint-Étienne-du-Valdonnez",
]


def test_a_postal_code_shared_by_several_communes_is_never_read_as_an_insee_code(client, form_data):
    form_data["commune"] = "15190"

    response = client.post("/accompagnement/demande/", form_data)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert DiagnosticRequest.objects.count() == 0
    assert "10 communes correspondent à « 15190 » : choisissez la vôtre ci-dessous." in html
    choices = response.context["form"].territory_choices["commune"]
    # The nine communes of the postal code first, then the commune whose INSEE code it is.
    assert [commune.nom for commune in choices] == [*CODE_15190, "Saint-Hippolyte"]
    assert 'type="radio" id="commune_choisie_2" name="commune_choisie" value="15054"' in html
    assert "Condat — Cantal (15)" in html and "Code postal 15190" in html


def test_choosing_a_commune_among_the_radio_buttons_files_the_request_for_it(client, form_data):
    form_data.update(commune="15190", commune_choisie="15054")

    response = client.post("/accompagnement/demande/", form_data)

    assert response.status_code == 302
    assert DiagnosticRequest.objects.get().commune.nom == "Condat"


def test_a_choice_that_does_not_match_what_was_typed_is_ignored(client, form_data):
    form_data.update(commune="15190", commune_choisie="07128")  # Lalouvesc is not in 15190

    response = client.post("/accompagnement/demande/", form_data)

    assert response.status_code == 400
    assert DiagnosticRequest.objects.count() == 0


def test_every_commune_of_a_postal_code_is_offered(client, form_data):
    form_data["commune"] = "48000"

    response = client.post("/accompagnement/demande/", form_data)

    assert [commune.nom for commune in response.context["form"].territory_choices["commune"]] == CODE_48000


def test_a_name_shared_by_two_communes_offers_both_with_their_departement(client, form_data):
    form_data["commune"] = "Condat"

    response = client.post("/accompagnement/demande/", form_data)

    html = unescape(response.content.decode())
    choices = response.context["form"].territory_choices["commune"]
    assert "9 communes correspondent à « Condat » : choisissez la vôtre ci-dessous." in html
    # Both communes named exactly Condat first, the most populated first; then Condat-sur-Vienne and the others.
    assert [(commune.nom, commune.departement_id) for commune in choices[:3]] == [
        ("Condat", "15"),
        ("Condat", "46"),
        ("Condat-sur-Vienne", "87"),
    ]
    assert "Condat — Cantal (15)" in html and "Condat — Lot (46)" in html
    assert "Code postal 46110" in html


def test_an_insee_code_that_is_no_postal_code_still_finds_its_commune(client, form_data):
    form_data["commune"] = "07128"

    assert client.post("/accompagnement/demande/", form_data).status_code == 302
    assert DiagnosticRequest.objects.get().commune.nom == "Lalouvesc"


def test_the_api_lists_the_communes_of_a_postal_code_before_the_insee_code(client, demo):
    results = client.get("/api/territoires/communes/", {"q": "15190", "page_size": 60}).json()

    assert [row["nom"] for row in results["results"]] == [*CODE_15190, "Saint-Hippolyte"]
    assert results["results"][1]["codes_postaux"] == ["15190"]
    assert results["results"][1]["departement_nom"] == "Cantal"


def test_the_eligibility_check_shows_every_commune_of_a_postal_code_with_its_departement(client, demo):
    response = client.get("/accompagnement/", {"territoire": "48000"})

    html = unescape(response.content.decode())
    for name in CODE_48000:
        assert f"{name} — Lozère (48) : " in html
    assert "Mende — Lozère (48) : non éligible" in html and "Pelouse — Lozère (48) : éligible" in html


def test_an_ambiguous_intercommunalite_name_offers_a_choice_too(client, form_data):
    form_data.update(commune="", epci="Hautes Terres")

    response = client.post("/accompagnement/demande/", form_data)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "Laquelle est votre intercommunalité ?" in html
    assert 'name="epci_choisie" value="200066637"' in html and "CC des Hautes Terres de l'Aubrac" in html

    form_data["epci_choisie"] = "200069144"
    assert client.post("/accompagnement/demande/", form_data).status_code == 302
    assert DiagnosticRequest.objects.get().epci.nom == "CC des Hautes Terres de l'Aubrac"
