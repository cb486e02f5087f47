"""The « Votre collectivité l'utilise ? » form of a service page: who, what, since when, and the agent's
professional address (confirmed by a link, never published)."""

import re
from datetime import date

from django import forms
from dsfr.forms import DsfrBaseForm

from accompagnement.forms import _plain, resolve_commune, resolve_epci
from catalogue.models import UsageDeclaration
from territoires.models import Departement, Region

# Personal mailbox providers: a declaration speaks for a collectivité, so it comes from its own domain.
PERSONAL_EMAIL_DOMAINS = {
    "aol.com", "bbox.fr", "free.fr", "gmail.com", "gmx.fr", "googlemail.com", "hotmail.com", "hotmail.fr",
    "icloud.com", "laposte.net", "live.fr", "me.com", "neuf.fr", "orange.fr", "outlook.com", "outlook.fr",
    "proton.me", "protonmail.com", "sfr.fr", "wanadoo.fr", "yahoo.com", "yahoo.fr",
}  # fmt: skip
_MONTH = re.compile(r"^(?:(?P<m1>\d{1,2})/(?P<y1>\d{4})|(?P<y2>\d{4})-(?P<m2>\d{1,2}))$")


def past_month(text: str) -> date | None:
    """The first day of a past month typed « 03/2022 » (or « 2022-03 »), None when empty."""
    text = _plain(text)
    if not text:
        return None
    match = _MONTH.match(text)
    month, year = (int(match["m1"] or match["m2"]), int(match["y1"] or match["y2"])) if match else (0, 0)
    if not 1 <= month <= 12 or not 1990 <= year or date(year, month, 1) > date.today():
        raise forms.ValidationError("Indiquez un mois passé au format MM/AAAA, par exemple « 03/2022 ».")
    return date(year, month, 1)


class UsageDeclarationForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Votre déclaration",
        choices=UsageDeclaration.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Dites si votre collectivité utilise ce service ou l'a arrêté."},
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=100,
        help_text="Son nom, son code postal ou son code INSEE, par exemple « Grenoble » ou « 38185 ».",
    )
    epci = forms.CharField(
        label="ou intercommunalité",
        required=False,
        max_length=200,
        help_text="Son nom ou son SIREN, par exemple « Grenoble-Alpes Métropole » ou « 200040715 ».",
    )
    departement = forms.ModelChoiceField(
        label="ou département (le conseil départemental lui-même)",
        queryset=Departement.objects.all(),
        required=False,
        empty_label="—",
    )
    region = forms.ModelChoiceField(
        label="ou région (le conseil régional lui-même)",
        queryset=Region.objects.all(),
        required=False,
        empty_label="—",
    )
    since = forms.CharField(
        label="Depuis (facultatif)", required=False, max_length=7, help_text="Mois et année, par exemple « 03/2022 »."
    )
    use_case = forms.CharField(
        label="À quoi il vous sert, en une ligne (facultatif)",
        required=False,
        max_length=200,
        help_text="Par exemple « réservation des salles municipales par les associations ».",
    )
    stop_reason = forms.CharField(
        label="Pourquoi l'avez-vous arrêté ?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire si vous l'avez arrêté : cela aide les autres collectivités.",
    )
    contact = forms.CharField(
        label="Contact public (facultatif)",
        required=False,
        max_length=200,
        help_text="Une adresse générique ou une page de votre collectivité que d'autres peuvent contacter "
        "(jamais une adresse personnelle), par exemple « numerique@ville-exemple.fr ».",
    )
    email = forms.EmailField(
        label="Votre adresse électronique professionnelle",
        max_length=254,
        help_text="Pour confirmer la déclaration par un lien. Elle n'est jamais publiée.",
        error_messages={
            "required": "Indiquez votre adresse électronique professionnelle.",
            "invalid": "Adresse électronique invalide. Format attendu : prenom.nom@collectivite.fr",
        },
    )
    # Honeypot: invisible to people (hidden by CSS, out of the tab order), filled by robots.
    website = forms.CharField(required=False, label="Ne pas remplir ce champ")

    def clean_commune(self):
        return resolve_commune(self.cleaned_data["commune"])

    def clean_epci(self):
        return resolve_epci(self.cleaned_data["epci"])

    def clean_since(self):
        return past_month(self.cleaned_data["since"])

    def clean_use_case(self):
        return _plain(self.cleaned_data["use_case"])

    def clean_stop_reason(self):
        return _plain(self.cleaned_data["stop_reason"])

    def clean_contact(self):
        return _plain(self.cleaned_data["contact"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email.rpartition("@")[2] in PERSONAL_EMAIL_DOMAINS:
            raise forms.ValidationError(
                "Indiquez l'adresse professionnelle que vous donne votre collectivité, pas une messagerie personnelle."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if self.has_error("commune") or self.has_error("epci"):
            return cleaned
        bodies = [name for name in ("commune", "epci", "departement", "region") if cleaned.get(name)]
        if not bodies:
            self.add_error(
                "commune",
                "Indiquez la collectivité qui utilise le service : une commune, une "
                "intercommunalité, un département ou une région.",
            )
        elif len(bodies) > 1:
            self.add_error(bodies[1], "Indiquez une seule collectivité.")
        if cleaned.get("kind") == UsageDeclaration.Kind.STOPPED and not cleaned.get("stop_reason"):
            self.add_error("stop_reason", "Dites en quelques mots pourquoi vous l'avez arrêté.")
        return cleaned

    @property
    def body(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("commune", "epci", "departement", "region")}

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
