"""The diagnostic in the request's admin page: the needs found with their recommended services (an inline), its
publication to the requester (a page that shows what they will read, then calls workflow.py) and their answers."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accompagnement import diagnostic, workflow
from accompagnement.models import DiagnosticNeed, DiagnosticRequest, Recommendation
from accompagnement.outbox import render_email

TRIAGE_PERMISSION = "accompagnement.triage_diagnosticrequest"


class DiagnosticNeedForm(forms.ModelForm):
    services = forms.ModelMultipleChoiceField(
        label="services recommandés",
        queryset=diagnostic.recommendable_services(),
        required=False,
        widget=FilteredSelectMultiple("services", is_stacked=False),
        help_text="Services publiés du catalogue. Une recommandation à laquelle le demandeur a répondu reste.",
    )

    class Meta:
        model = DiagnosticNeed
        fields = ["label", "thematique", "priority", "services", "comment", "internal_note"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2}), "internal_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            current = list(self.instance.recommendations.values_list("service_id", flat=True))
            self.fields["services"].queryset = diagnostic.recommendable_services(keeping=current)
            self.initial["services"] = current

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            dropped = diagnostic.answered_services(
                self.instance, [] if cleaned.get("DELETE") else cleaned.get("services") or []
            )
            if dropped:
                names = ", ".join(service.name for service in dropped)
                raise forms.ValidationError(
                    f"Le demandeur a déjà répondu au sujet de : {names}. "
                    "Cette recommandation reste (et ce besoin aussi)."
                )
        return cleaned


class DiagnosticNeedInline(admin.StackedInline):
    model = DiagnosticNeed
    form = DiagnosticNeedForm
    extra = 0
    verbose_name = "besoin relevé au diagnostic"
    verbose_name_plural = "Diagnostic : besoins relevés et services recommandés"
    autocomplete_fields = ["thematique"]

    # Recording the diagnostic is triage work, like moving a request; an account that may only read sees it.
    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(TRIAGE_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(TRIAGE_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(TRIAGE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accompagnement.view_diagnosticrequest")


def _described(request_id: int) -> dict:
    return {
        need.pk: (need.label, diagnostic.describe_need(need))
        for need in DiagnosticNeed.objects.filter(request_id=request_id).select_related("thematique")
    }


class DiagnosticAdminMixin:
    """What DiagnosticRequestAdmin adds for the diagnostic (kept apart from the triage of requests)."""

    diagnostic_readonly_fields = ["diagnostic_publication", "diagnostic_answers"]

    def get_urls(self):
        publish = path(
            "<int:object_id>/diagnostic/publier/",
            self.admin_site.admin_view(self.publish_diagnostic_view),
            name="accompagnement_diagnosticrequest_publish_diagnostic",
        )
        return [publish, *super().get_urls()]

    def save_formset(self, request, form, formset, change):
        if formset.model is DiagnosticNeed:
            self.save_diagnostic_needs(request, form, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_diagnostic_needs(self, request, form, formset) -> None:
        """Save the needs and their services, and record what changed in the request's trail."""
        if not request.user.has_perm(TRIAGE_PERMISSION):
            raise PermissionDenied
        request_id = form.instance.pk
        before = _described(request_id)
        formset.save(commit=False)
        for need in formset.deleted_objects:
            need.delete()
        for need_form in formset.saved_forms:
            need_form.instance.request_id = request_id
            need_form.instance.save()
            diagnostic.set_recommendations(need_form.instance, need_form.cleaned_data.get("services") or [])
        after = _described(request_id)
        changes = {}
        for pk in before.keys() | after.keys():
            old, new = before.get(pk, ("", "")), after.get(pk, ("", ""))
            if old != new:
                changes[f"besoin « {new[0] or old[0]} »"] = [old[1], new[1]]
        workflow.record_diagnostic_edit(request_id, by=request.user, changes=changes)

    @admin.display(description="publication au demandeur")
    def diagnostic_publication(self, obj):
        link = reverse("admin:accompagnement_diagnosticrequest_publish_diagnostic", args=[obj.pk])
        if obj.diagnostic_published_at:
            state = f"Publié le {timezone.localtime(obj.diagnostic_published_at):%d/%m/%Y à %H:%M}."
            action = "Relire et envoyer la mise à jour au demandeur"
        else:
            state = "Pas encore publié : le demandeur ne le voit pas."
            action = "Relire et publier le diagnostic"
        return format_html(
            '{} <a class="button" href="{}">{}</a><br>Enregistrez d\'abord vos modifications : la page de '
            "publication montre le diagnostic enregistré.",
            state,
            link,
            action,
        )

    @admin.display(description="réponses du demandeur")
    def diagnostic_answers(self, obj):
        recommendations = (
            Recommendation.objects.filter(need__request=obj)
            .exclude(answer="")
            .select_related("service", "need", "deployment")
            .order_by("answered_at")
        )
        rows = [
            (
                recommendation.service.name,
                recommendation.need.label,
                recommendation.get_answer_display(),
                timezone.localtime(recommendation.answered_at).strftime("%d/%m/%Y"),
                recommendation.use_case or recommendation.reason or "—",
                self._usage_link(recommendation),
            )
            for recommendation in recommendations
        ]
        if not rows:
            return "Aucune réponse pour l'instant."
        return format_html(
            "<table><thead><tr><th>service</th><th>besoin</th><th>réponse</th><th>le</th><th>précision</th>"
            "<th>utilisation</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @staticmethod
    def _usage_link(recommendation):
        if recommendation.deployment is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalogue_deployment_change", args=[recommendation.deployment.pk]),
            recommendation.deployment.get_state_display(),
        )

    def publish_diagnostic_view(self, request, object_id):
        """GET: the diagnostic and the e-mail as the requester will receive them. POST: publish (workflow.py)."""
        diagnostic_request = get_object_or_404(DiagnosticRequest, pk=object_id)
        if not self.has_triage_permission(request, diagnostic_request):
            raise PermissionDenied
        change_url = reverse("admin:accompagnement_diagnosticrequest_change", args=[diagnostic_request.pk])
        if request.method == "POST":
            try:
                workflow.publish_diagnostic(diagnostic_request.pk, by=request.user)
            except workflow.DiagnosticNotPublishable as error:
                messages.error(request, f"Le diagnostic n'est pas publié : {error}")
            else:
                messages.success(request, "Le diagnostic est publié : le demandeur a reçu un courriel avec son lien.")
                return redirect(change_url)
        problems = diagnostic.publication_problems(diagnostic_request)
        again = diagnostic.is_published(diagnostic_request)
        # The preview shows the needs as if published (the requester's page shows nothing before).
        needs = list(
            diagnostic_request.diagnostic_needs.by_priority()
            .select_related("thematique")
            .prefetch_related("recommendations__service")
        )
        subject, body = render_email(
            "diagnostic_published",
            {
                "reference": diagnostic_request.reference,
                "territory": diagnostic_request.territory_label,
                "first_name": diagnostic_request.first_name,
                "follow_up_url": "(lien personnel vers sa page de suivi)",
                "again": again,
                "needs": [(need.get_priority_display(), need.label) for need in needs],
            },
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Publier le diagnostic de {diagnostic_request.reference}",
            "opts": self.model._meta,
            "original": diagnostic_request,
            "problems": problems,
            "needs": needs,
            "again": again,
            "preview": {"subject": subject, "body": body, "to": diagnostic_request.email},
            "change_url": change_url,
        }
        return TemplateResponse(
            request,
            "admin/accompagnement/diagnosticrequest/diagnostic_publish.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
