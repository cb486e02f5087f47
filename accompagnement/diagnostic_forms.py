"""The requester's answer to one recommendation of the diagnostic, on the follow-up page."""

from django import forms
from dsfr.forms import DsfrBaseForm

from accompagnement.forms import _plain
from accompagnement.models import Answer
from accompagnement.usage_forms import past_month


class RecommendationAnswerForm(DsfrBaseForm):
    answer = forms.ChoiceField(
        label="Votre réponse",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Dites si votre collectivité a déployé ce service ou ne l'a pas retenu.",
            "invalid_choice": "Choisissez « nous l'avons déployé » ou « pas retenu ».",
        },
    )
    since = forms.CharField(
        label="Déployé depuis (facultatif)",
        required=False,
        max_length=7,
        help_text="Mois et année, par exemple « 03/2025 ».",
    )
    use_case = forms.CharField(
        label="À quoi il vous sert, en une ligne (facultatif)",
        required=False,
        max_length=200,
        help_text="Par exemple « réservation des salles par les associations ».",
    )
    reason = forms.CharField(
        label="Pourquoi ne l'avez-vous pas retenu ? (facultatif)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, prefix=f"recommandation-{recommendation.pk}", **kwargs)
        self.recommendation = recommendation
        # Several of these forms share the page: each group of buttons names its service.
        self.fields["answer"].label = f"« {recommendation.service.name} » : votre réponse"
        self._bound_fields_cache.pop("answer", None)  # the DSFR base form has already bound it with its old label

    def clean_since(self):
        return past_month(self.cleaned_data["since"])

    def clean_use_case(self):
        return _plain(self.cleaned_data["use_case"])

    def clean_reason(self):
        return _plain(self.cleaned_data["reason"])
