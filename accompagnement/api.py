"""Aggregate counts of the ANSM requests: no personal data, nothing about a single request."""

from django.db.models import Count
from django.db.models.functions import TruncMonth
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accompagnement.models import DiagnosticRequest

# Below this count a département is not listed: a small number could point to one commune's request.
MIN_COUNT_SHOWN = 3


class StatsView(APIView):
    @extend_schema(
        summary="Demandes d'accompagnement : nombres par statut, par département et par mois",
        responses=inline_serializer(
            "AnsmStats",
            {
                "total": serializers.IntegerField(),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "by_departement": serializers.DictField(child=serializers.IntegerField()),
                "by_month": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
    )
    def get(self, request):
        requests = DiagnosticRequest.objects.all()
        by_departement = {
            row["commune__departement"]: row["n"]
            for row in requests.filter(commune__isnull=False).values("commune__departement").annotate(n=Count("pk"))
            if row["n"] >= MIN_COUNT_SHOWN
        }
        by_month = {
            row["month"].strftime("%Y-%m"): row["n"]
            for row in requests.annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by("month")
        }
        return Response(
            {
                "total": requests.count(),
                "by_status": {row["status"]: row["n"] for row in requests.values("status").annotate(n=Count("pk"))},
                "by_departement": dict(sorted(by_departement.items())),
                "by_month": by_month,
            }
        )
