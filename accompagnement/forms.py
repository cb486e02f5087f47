"""The public ANSM request form: field names are fixed (other tools post to it)."""

import re
import uuid

from django import forms
from django.utils.html import format_html
from dsfr.forms import DsfrBaseForm

from accompagnement.eligibility import check_commune, check_epci
from accompagnement.models import Role
from accompagnement.workflow import RequestSubmission
from catalogue.models import Service, Thematique
from territoires import resolve as territory_resolve

NEEDS_MIN, NEEDS_MAX = 20, 5000
_PHONE = re.compile(r"^(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(value: str) -> str:
    """Text as typed, without control characters (the database and e-mails refuse some of them)."""
    return _CONTROL.sub("", value).strip()


def _resolved(resolution: territory_resolve.Resolution):
    if resolution.choices:
        # Forms without the radio buttons of the request form list a few of them in the message.
        listed = ", ".join(getattr(t, "label", "") or f"{t.nom} ({t.siren})" for t in resolution.choices[:5])
        raise forms.ValidationError(f"Plusieurs territoires correspondent : {listed}. Précisez le nom ou le code.")
    if resolution.error:
        raise forms.ValidationError(resolution.error)
    return resolution.territory


def resolve_commune(text: str):
    """The commune typed in a public form's « Commune » field, or None when it is empty."""
    text = _plain(text)
    return _resolved(territory_resolve.resolve_commune(text)) if text else None


def resolve_epci(text: str):
    """The EPCI typed in a public form's « intercommunalité » field, or None when it is empty."""
    text = _plain(text)
    return _resolved(territory_resolve.resolve_epci(text)) if text else None


class FamilyChoiceField(forms.ModelMultipleChoiceField):
    """The catalogue's short list of families, each with what it covers under its name."""

    def label_from_instance(self, obj):
        if not obj.description:
            return obj.name
        return format_html('{}<span class="fr-hint-text">{}</span>', obj.name, obj.description)


class DiagnosticRequestForm(DsfrBaseForm):
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=100,
        help_text="Son nom, son code postal ou son code INSEE, par exemple « Lalouvesc » ou « 07128 ».",
    )
    epci = forms.CharField(
        label="ou intercommunalité",
        required=False,
        max_length=150,
        help_text="Pour une demande au nom d'une intercommunalité : son nom ou son numéro SIREN (9 chiffres).",
    )
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    role = forms.ChoiceField(label="Fonction", choices=[("", "Choisissez votre fonction"), *Role.choices])
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Nous y envoyons la confirmation et le lien de suivi. Format attendu : nom@domaine.fr",
        error_messages={"invalid": "Adresse électronique invalide. Format attendu : nom@domaine.fr"},
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)", required=False, max_length=20, help_text="Par exemple 04 75 00 00 00."
    )
    themes = FamilyChoiceField(
        label="De quoi s'agit-il ?",
        help_text="Cochez une ou plusieurs familles de besoins : l'équipe s'en sert pour préparer l'échange.",
        queryset=Thematique.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une thématique.", "invalid_choice": "Thématique inconnue."},
    )
    services = forms.ModelMultipleChoiceField(
        label="Services du catalogue qui vous intéressent (facultatif)",
        queryset=Service.objects.published().active(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Service inconnu du catalogue."},
    )
    needs = forms.CharField(
        label="Votre besoin, avec vos mots",
        min_length=NEEDS_MIN,
        max_length=NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Ce qui vous fait perdre du temps, ce que vous aimeriez améliorer. Quelques phrases suffisent "
            f"({NEEDS_MIN} à {NEEDS_MAX} caractères)."
        ),
    )
    consent = forms.BooleanField(
        label="J'accepte que ces informations soient utilisées pour traiter ma demande.",
        error_messages={"required": "Cochez cette case pour que nous puissions traiter votre demande."},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Honeypot: invisible to people (hidden by CSS, out of the tab order), filled by robots.
    website = forms.CharField(required=False, label="Ne pas remplir ce champ")

    def clean_first_name(self):
        return _plain(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _plain(self.cleaned_data["last_name"])

    def clean_needs(self):
        needs = _plain(self.cleaned_data["needs"])
        if len(needs) < NEEDS_MIN:
            raise forms.ValidationError(f"Décrivez vos besoins en au moins {NEEDS_MIN} caractères.")
        return needs

    def clean_phone(self):
        phone = _plain(self.cleaned_data["phone"])
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                "Numéro de téléphone invalide. Format attendu : 04 75 00 00 00 ou +33 4 75 00 00 00."
            )
        return phone

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Territories offered as radio buttons when what was typed matches several ("Condat", "15190").
        self.territory_choices = {"commune": [], "epci": []}

    def _territory(self, name: str, resolve):
        text = _plain(self.cleaned_data[name])
        if not text:
            return None
        resolution = resolve(text, chosen=str(self.data.get(f"{name}_choisie", ""))[:9])
        self.territory_choices[name] = resolution.choices
        if resolution.error:
            raise forms.ValidationError(resolution.error)
        return resolution.territory

    def clean_commune(self):
        return self._territory("commune", territory_resolve.resolve_commune)

    def clean_epci(self):
        return self._territory("epci", territory_resolve.resolve_epci)

    def clean_submission_key(self):
        return self.cleaned_data["submission_key"] or uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        commune, epci = cleaned.get("commune"), cleaned.get("epci")
        if self.has_error("commune") or self.has_error("epci"):
            return cleaned
        if commune and epci:
            self.add_error("commune", "Indiquez une commune ou une intercommunalité, pas les deux.")
        elif not commune and not epci:
            self.add_error("commune", "Indiquez la commune ou l'intercommunalité qui demande l'accompagnement.")
        else:
            eligibility = check_commune(commune) if commune else check_epci(epci)
            if not eligibility.eligible:
                self.add_error("commune" if commune else "epci", eligibility.reason)
            cleaned["eligibility"] = eligibility
        return cleaned

    def submission(self) -> RequestSubmission:
        """What the valid form asks for, typed, for ``workflow.submit_request``."""
        data = self.cleaned_data
        return RequestSubmission(
            territory=data["commune"] or data["epci"],
            population=data["eligibility"].population,
            **{name: data[name] for name in ("first_name", "last_name", "role", "email", "phone", "needs")},
            themes=list(data["themes"]),
            services=list(data["services"]),
            submission_key=data["submission_key"],
        )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class EligibilityForm(forms.Form):
    territoire = forms.CharField(label="Votre commune ou intercommunalité", max_length=100, min_length=2)


class MessageForm(DsfrBaseForm):
    body = forms.CharField(
        label="Votre message",
        max_length=NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre message."},
    )

    def clean_body(self):
        body = _plain(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Écrivez votre message.")
        return body


class ResendLinkForm(forms.Form):
    reference = forms.IntegerField(widget=forms.HiddenInput)


def _email_field(label: str) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        help_text="Format attendu : nom@domaine.fr",
        error_messages={
            "required": "Indiquez une adresse électronique.",
            "invalid": "Adresse électronique invalide. Format attendu : nom@domaine.fr",
        },
    )


class EmailAddressForm(DsfrBaseForm):
    """The address a request was made with, to find its follow-up link again."""

    email = _email_field("Adresse électronique")


class InviteForm(DsfrBaseForm):
    """A colleague invited to follow a request (the maire, an adjoint)."""

    email = _email_field("Adresse électronique de votre collègue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="invitation", **kwargs)
