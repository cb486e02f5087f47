"""« Votre collectivité l'utilise ? »: an agent declares a usage (or its end) from a service page, confirms
their professional address by a link, and staff verify it in the admin.

These pages live with the ANSM's public forms because they share its rate limit (accompagnement.ratelimit);
the usages themselves belong to the catalogue (catalogue/usage_workflow.py).
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accompagnement.usage_forms import UsageDeclarationForm
from accompagnement.views import _count, _limited, _too_many
from catalogue import usage_workflow
from catalogue.models import Service, UsageDeclaration, hash_token
from catalogue.tasks import send_declaration_link


def _service(slug: str):
    return get_object_or_404(Service.objects.published(), slug=slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def declare(request, slug):
    service = _service(slug)
    if request.method == "POST":
        if _limited(request, "utilisation"):
            return _too_many(request)
        form = UsageDeclarationForm(request.POST)
        if form.is_robot:
            # Robots get the same answer as people, and nothing is saved.
            _count(request, "utilisation")
            return redirect("usage:sent", slug=service.slug)
        if form.is_valid():
            data = form.cleaned_data
            _count(request, "utilisation")
            with transaction.atomic():
                declaration, _ = usage_workflow.declare_usage(
                    service=service,
                    kind=data["kind"],
                    body=form.body,
                    email=data["email"],
                    since=data["since"],
                    use_case=data["use_case"],
                    contact=data["contact"],
                    stop_reason=data["stop_reason"],
                )
                transaction.on_commit(lambda: send_declaration_link.enqueue(declaration.pk))
            return redirect("usage:sent", slug=service.slug)
        status = 400
    else:
        form, status = UsageDeclarationForm(initial={"kind": UsageDeclaration.Kind.USES}), 200
    return render(request, "accompagnement/usage_declare.html", {"service": service, "form": form}, status=status)


@require_safe
def sent(request, slug):
    return render(request, "accompagnement/usage_sent.html", {"service": _service(slug)})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the e-mail. A GET only shows a button: mail scanners that open links confirm nothing."""
    declaration = (
        UsageDeclaration.objects.select_related("service", "commune", "epci", "departement", "region")
        .filter(token_hash=hash_token(token[:100]))
        .first()
    )
    if declaration is None:
        raise Http404("Ce lien de confirmation n'est pas valide.")
    if request.method == "POST":
        if _limited(request, "utilisation"):
            return _too_many(request)
        _count(request, "utilisation")
        declaration = usage_workflow.confirm_declaration_email(token)
    return render(request, "accompagnement/usage_confirm.html", {"declaration": declaration})
