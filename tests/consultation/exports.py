"""Decidim exports written for the tests, in the layouts of several Decidim versions (see docs/decidim-format.md)."""

import csv
import io
import json
import zipfile

HOST = "participez.example.fr"


def proposal_url(number, host=HOST):
    return f"http://{host}/processes/consultation/f/12/proposals/{number}"


def csv_text(header, rows, delimiter=";"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


# Decidim 0.23: header from the first row's keys, every app locale for answers and empty categories.
V023_HEADER = [
    "id",
    "category/id",
    "category/name/fr",
    "category/name/en",
    "scope/id",
    "scope/name/fr",
    "scope/name/en",
    "participatory_space/id",
    "participatory_space/url",
    "component/id",
    "title/fr",
    "body/fr",
    "state",
    "reference",
    "answer/fr",
    "answer/en",
    "supports",
    "endorsements/total_count",
    "endorsements/user_endorsements",
    "comments",
    "attachments",
    "followers",
    "published_at",
    "url",
    "meeting_urls",
    "related_proposals",
    "is_amend",
    "original_proposal/title",
    "original_proposal/url",
]


def v023_row(
    number, title, body, *, state="", supports=0, category=("", ""), scope="", answer="", space=3, component=12
):
    return [
        number,
        category[0],
        category[1],
        "",
        "",
        scope,
        "",
        space,
        f"https://{HOST}/processes/consultation?participatory_process_slug=consultation",
        component,
        title,
        body,
        state,
        f"PE-PROP-2021-02-{number}",
        answer,
        "",
        supports,
        1,
        "Une personne, Une autre",
        2,
        0,
        3,
        "2021-02-15 10:23:45 +0100",
        proposal_url(number),
        "",
        "",
        "false",
        "",
        "",
    ]


def v023_csv():
    return csv_text(
        V023_HEADER,
        [
            v023_row(
                1,
                "Prendre rendez-vous en mairie",
                "Les habitants appellent\r\nsans arrêt.\r\n\r\nUn agenda en ligne aiderait.",
                state="accepted",
                supports=12,
                category=("4", "Relation aux usagers"),
                scope="Ardèche",
                answer="<p>Retenue.</p><script>alert('x')</script>",
            ),
            v023_row(
                2,
                '\'=HYPERLINK("http://evil") titre piégé',
                '<p onclick="steal()">Texte <strong>riche</strong> <a href="javascript:alert(1)">lien</a>'
                '<img src=x onerror="alert(1)"></p><style>body{}</style>',
                state="withdrawn",
                supports=3,
            ),
            v023_row(
                3,
                "Subventions : trouver les aides",
                "Nous cherchons les subventions #aides gid://decidim-app/Decidim::Hashtag/7/_aides "
                "comme l'a dit gid://decidim-app/Decidim::User/42",
                state="rejected",
                supports=30,
                category=("5", "Service existant"),
            ),
            v023_row(4, "Autre espace", "Hors de la consultation.", space=99, component=77),
        ],
    )


# Decidim 0.27 open data: ',' separator, answered_at, address columns, a category column appended at the end.
V027_HEADER = [
    "id",
    "category/id",
    "category/name/fr",
    "scope/id",
    "scope/name/fr",
    "participatory_space/id",
    "participatory_space/url",
    "component/id",
    "title/fr",
    "title/machine_translations/en",
    "body/fr",
    "address",
    "latitude",
    "longitude",
    "state",
    "reference",
    "answer/fr",
    "answered_at",
    "supports",
    "endorsements/total_count",
    "endorsements/user_endorsements",
    "comments",
    "attachments",
    "followers",
    "published_at",
    "url",
    "meeting_urls",
    "related_proposals",
    "is_amend",
    "original_proposal/title",
    "original_proposal/url",
    "category/name/ca",
]


def v027_csv(host=HOST):
    rows = []
    for number in (10, 11):
        rows.append(
            [
                number,
                "",
                "",
                "",
                "",
                3,
                f"https://{host}/processes/consultation",
                12,
                f"Proposition {number} : réserver une salle",
                f"Proposal {number}",
                "Ligne une d'un texte plutôt long, coupée à soixante-cinq caractères\npar l'export de Decidim.",
                "",
                "",
                "",
                "evaluating" if number == 10 else "",
                f"PE-PROP-2021-03-{number}",
                "",
                "",
                7,
                0,
                "",
                1,
                0,
                0,
                "2021-03-01T08:00:00Z",
                proposal_url(number, host),
                "",
                "",
                "false",
                "",
                "",
                "",
            ]
        )
    return csv_text(V027_HEADER, rows, delimiter=",")


COMMENTS_HEADER = [
    "id",
    "created_at",
    "body",
    "locale",
    "author/id",
    "author/name",
    "alignment",
    "depth",
    "user_group/id",
    "user_group/name/fr",
    "commentable_id",
    "commentable_type",
    "root_commentable_url",
    "user_group/name",
]


def comments_csv(host=HOST):
    return csv_text(
        COMMENTS_HEADER,
        [
            # a reply listed before its parent, and an orphan reply whose parent was deleted
            [
                502,
                "2021-03-02 10:00:00 +0100",
                "Je réponds.",
                "fr",
                9,
                "Nom Personne",
                0,
                1,
                "",
                "",
                501,
                "Decidim::Comments::Comment",
                proposal_url(10, host),
                "",
            ],
            [
                501,
                "2021-03-02 09:00:00 +0100",
                "Bonne idée\nvraiment.",
                "fr",
                8,
                "Autre Nom",
                1,
                0,
                "",
                "",
                10,
                "Decidim::Proposals::Proposal",
                proposal_url(10, host),
                "",
            ],
            [
                503,
                "2021-03-03 09:00:00 +0100",
                "Réponse orpheline.",
                "fr",
                7,
                "Troisième",
                -1,
                1,
                "",
                "",
                999,
                "Decidim::Comments::Comment",
                proposal_url(11, host),
                "Un groupe",
            ],
        ],
    )


def open_data_zip(path, host=HOST):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{host}-open-data-proposals.csv", v027_csv(host))
        archive.writestr(f"{host}-open-data-proposal_comments.csv", comments_csv(host))
        archive.writestr(f"{host}-open-data-meetings.csv", "id;title/fr\n1;Réunion\n")
        archive.writestr(f"{host}-open-data-results.csv", "\n")
    return path


def v029_json():
    """Admin JSON export (0.29+): nested objects, author lists, votes, withdrawn flag, likes."""
    return json.dumps(
        [
            {
                "id": 20,
                "author": {"id": [5], "name": ["Mairie de Test"], "url": [f"https://{HOST}/profiles/mairie"]},
                "category": {"id": 4, "name": {"fr": "Relation aux usagers", "es": "Relación"}},
                "scope": None,
                "participatory_space": {"id": 3, "url": f"https://{HOST}/processes/consultation"},
                "component": {"id": 12},
                "title": {"es": "Título", "fr": "Numériser l'état civil"},
                "body": {"fr": "<p>Un <em>besoin</em> réel.</p>"},
                "state": "custom_state",
                "reference": "PE-PROP-2024-01-20",
                "answer": {"fr": "", "en": ""},
                "votes": 4,
                "likes": {"total_count": 2},
                "comments": 0,
                "published_at": "2024-01-10T09:30:00.000+01:00",
                "url": proposal_url(20),
                "withdrawn": True,
                "is_amend": False,
            }
        ],
        ensure_ascii=False,
    )


def result_comments_csv(host="www.decidim.barcelona"):
    """Comments on accountability results (a Barcelona open-data member): not proposal comments."""
    rows = [
        [
            700 + number,
            "2019-05-02 10:00:00 +0200",
            f"Comentari {number}",
            "ca",
            number,
            "Algú",
            0,
            0,
            "",
            "",
            40 + number,
            "Decidim::Accountability::Result",
            f"https://{host}/processes/pam2016/f/42/results/{40 + number}",
            "",
        ]
        for number in range(3)
    ]
    return csv_text(COMMENTS_HEADER, rows)


def meetings_csv(host=HOST):
    """A meetings export: it has an id and a title, like proposals, but its addresses point at meetings."""
    return csv_text(
        ["id", "title/fr", "description/fr", "start_time", "url"],
        [
            [
                5,
                "Réunion publique",
                "Ordre du jour",
                "2021-03-01 18:00:00 +0100",
                f"https://{host}/processes/c/f/9/meetings/5",
            ]
        ],
    )


def brazilian_answers_csv(host="brasilparticipativo.presidencia.gov.br"):
    """Answers with links relative to their instance, and a body typed in Markdown with a bare address."""
    space = f"https://{host}/processes/programas"
    header = [
        "id",
        "participatory_space/id",
        "participatory_space/url",
        "component/id",
        "title/pt-BR",
        "body/pt-BR",
        "state",
        "answer/pt-BR",
        "url",
    ]
    return csv_text(
        header,
        [
            [
                245,
                2,
                space,
                2,
                "Programa de inclusão digital",
                "Proposta **importante** para os municípios.\nVer https://www.gov.br/participamaisbrasil "
                "e [a lei](/processes/programas/f/2/proposals/12).",
                "accepted",
                '<p>Incorporada: ver <a href="/processes/programas/f/2/proposals/245">a proposta</a> '
                'e <a href="javascript:alert(1)">isto</a>.</p>',
                f"https://{host}/processes/programas/f/2/proposals/245",
            ],
            [246, 2, space, 2, "Outra proposta", "Texto.", "", "", "javascript:alert(1)//"],
        ],
    )
