"""Reference territories from the official lists (COG, INSEE populations, DGCL EPCI perimeters)."""

import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When

from territoires.search import search_pattern

INSEE_CODE = re.compile(r"^(\d{2}|2[AB])\d{3}$", re.IGNORECASE)
SIREN = re.compile(r"^\d{9}$")


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "départements et régions d'outre-mer"
    COM = "com", "collectivités d'outre-mer"


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)
    # Filled at import from the drawn borders of territoires/data/departements_voisins.csv (territoires/neighbours.py).
    voisins = ArrayField(
        models.CharField(max_length=3), verbose_name="départements voisins", default=list, blank=True, editable=False
    )

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"


class TerritoryQuerySet(models.QuerySet):
    """Name search shared by communes and EPCI: exact name, then name prefix, then a word's prefix."""

    def _name_matches(self, text: str, *, bigger_first: str):
        """Names matching ``text``, ranked, then the most populated first."""
        words = search_pattern(text)
        if not words.strip():
            return self.none()
        return (
            self.filter(Q(nom_recherche__startswith=words) | Q(nom_recherche__contains=" " + words))
            .annotate(
                rang=Case(
                    When(nom_recherche=words.strip(), then=Value(0)),
                    When(nom_recherche__startswith=words, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rang", F(bigger_first).desc(nulls_last=True), "nom")
        )


class EpciQuerySet(TerritoryQuerySet):
    def search(self, text: str):
        """EPCI whose name or SIREN matches ``text``, the most relevant first."""
        text = text.replace("\x00", "").strip()
        if text.isdigit():
            return self.filter(siren__startswith=text).annotate(rang=Value(0)).order_by("siren")
        return self._name_matches(text, bigger_first="population_communes_insee")


class Epci(models.Model):
    class Type(models.TextChoices):
        CC = "CC", "communauté de communes"
        CA = "CA", "communauté d'agglomération"
        CU = "CU", "communauté urbaine"
        METRO = "METRO", "métropole"
        MET69 = "MET69", "Métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    nom_recherche = models.CharField("nom normalisé pour la recherche", max_length=200, editable=False)
    type = models.CharField("type", max_length=5, choices=Type.choices)
    mode_financement = models.CharField("mode de financement", max_length=3)
    population = models.PositiveIntegerField("population municipale (DGCL)", null=True)
    population_totale = models.PositiveIntegerField("population totale (DGCL)", null=True)
    # The ANSM uses this figure: the same INSEE millésime as the communes' populations.
    population_communes_insee = models.PositiveIntegerField(
        "population municipale (somme INSEE des communes membres)", null=True
    )
    nombre_communes = models.PositiveIntegerField("nombre de communes")

    objects = EpciQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]
        indexes = [GinIndex(OpClass("nom_recherche", name="gin_trgm_ops"), name="epci_nom_trgm")]

    def __str__(self):
        return self.nom


class CommuneQuerySet(TerritoryQuerySet):
    def search(self, text: str):
        """Communes matching ``text`` by postal code, INSEE code or name, the most relevant first.

        Five digits are first a postal code (what a secrétaire de mairie types), then an INSEE code: "15190"
        is Condat and the eight other communes of that postal code before Saint-Hippolyte, INSEE 15190.
        """
        text = text.replace("\x00", "").strip()
        if INSEE_CODE.match(text):
            code = text.upper()
            return (
                self.filter(Q(code_insee=code) | Q(codes_postaux__contains=[code]))
                .annotate(rang=Case(When(codes_postaux__contains=[code], then=Value(0)), default=Value(1)))
                .order_by("rang", "nom_recherche", "code_insee")
            )
        if text.isdigit():
            if len(text) > 5:
                return self.none()
            return (
                self.filter(Q(code_insee__startswith=text) | Q(codes_postaux_recherche__contains=" " + text))
                .annotate(rang=Value(0))
                .order_by(F("population").desc(nulls_last=True), "nom")
            )
        return self._name_matches(text, bigger_first="population")

    def with_postal_code(self, text: str):
        """The communes of a postal code, when ``text`` is one (five digits); otherwise none."""
        text = text.strip()
        if not (len(text) == 5 and text.isdigit()):
            return self.none()
        return self.filter(codes_postaux__contains=[text]).order_by("nom_recherche", "code_insee")


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    nom_recherche = models.CharField("nom normalisé pour la recherche", max_length=100, editable=False)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)
    # INSEE populations de référence 2023 (population municipale); unknown for a few uninhabited COM entries.
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    siren = models.CharField("SIREN de la commune", max_length=9, blank=True)
    codes_postaux = ArrayField(models.CharField(max_length=5), verbose_name="codes postaux", default=list, blank=True)
    # " 75001 75002": each code preceded by a space, so a prefix search is a trigram-indexed LIKE.
    codes_postaux_recherche = models.TextField("codes postaux pour la recherche", editable=False, default="")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["nom"]
        indexes = [
            GinIndex(OpClass("nom_recherche", name="gin_trgm_ops"), name="commune_nom_trgm"),
            GinIndex(fields=["codes_postaux"], name="commune_codes_postaux"),
            GinIndex(OpClass("codes_postaux_recherche", name="gin_trgm_ops"), name="commune_codes_postaux_trgm"),
        ]

    def __str__(self):
        return f"{self.nom} ({self.departement_id})"

    @property
    def postal_codes_label(self) -> str:
        """Its postal codes, the first three and a count of the others (Paris has 21)."""
        if not self.codes_postaux:
            return "code postal inconnu"
        shown = ", ".join(self.codes_postaux[:3])
        others = len(self.codes_postaux) - 3
        return f"{shown} et {others} autre{'s' if others > 1 else ''}" if others > 0 else shown

    @property
    def label(self) -> str:
        """Name, postal codes and département: what tells apart Condat (Cantal) and Condat (Lot)."""
        return f"{self.nom} ({self.postal_codes_label}) — {self.departement.nom} ({self.departement_id})"
