"""The contributions as open data: every public field (no author name: there is none in the archive)."""

from django.conf import settings

CSV_COLUMNS = [
    "id",
    "instance_decidim",
    "identifiant_decidim",
    "reference",
    "titre",
    "texte_html",
    "nature",
    "type_auteur",
    "categorie",
    "portee",
    "departement",
    "grand_enjeu",
    "etat",
    "reponse_html",
    "reponse_le",
    "soutiens",
    "adhesions",
    "commentaires",
    "publiee_le",
    "adresse_origine",
    "url",
]


def contribution_record(contribution) -> dict:
    return {
        "id": contribution.pk,
        "instance_decidim": contribution.decidim_host,
        "identifiant_decidim": contribution.decidim_id,
        "reference": contribution.reference,
        "titre": contribution.title,
        "texte_html": contribution.body,
        "nature": contribution.kind,
        "type_auteur": contribution.author_type,
        "categorie": contribution.category,
        "portee": contribution.scope,
        "departement": contribution.departement_id or "",
        "grand_enjeu": contribution.enjeu.slug if contribution.enjeu_id else "",
        "etat": contribution.state,
        "reponse_html": contribution.answer,
        "reponse_le": contribution.answered_at.isoformat() if contribution.answered_at else "",
        "soutiens": contribution.supports,
        "adhesions": contribution.endorsements,
        "commentaires": contribution.comments_count,
        "publiee_le": contribution.published_at.isoformat() if contribution.published_at else "",
        "adresse_origine": contribution.url,
        "url": f"{settings.SITE_URL}{contribution.get_absolute_url()}",
    }
