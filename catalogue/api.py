"""Read-only API of the catalogue: services (same filters as the page), thématiques, organisations."""

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from catalogue.filters import ServiceFilterSet
from catalogue.models import Deployment, Porteur, Service, Thematique


class ThematiqueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Thematique
        fields = ["slug", "name", "description"]


class PorteurSerializer(serializers.ModelSerializer):
    class Meta:
        model = Porteur
        fields = ["slug", "name", "kind", "website"]


class DeploymentSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user_name")
    commune = serializers.CharField(source="commune_id", allow_null=True)
    epci = serializers.CharField(source="epci_id", allow_null=True)
    departement = serializers.CharField(source="departement_id", allow_null=True)
    region = serializers.CharField(source="region_id", allow_null=True)
    to_confirm = serializers.BooleanField(source="is_to_confirm")

    class Meta:
        model = Deployment
        fields = [
            "user",
            "commune",
            "epci",
            "departement",
            "region",
            "since",
            "status",
            "use_case",
            "contact",
            "stop_reason",
            "origin",
            "to_confirm",
            "instance_url",
            "source",
        ]


class ServiceSerializer(serializers.ModelSerializer):
    porteur = PorteurSerializer(allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    enjeux = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="service-detail", lookup_field="slug")
    page = serializers.CharField(source="get_absolute_url")
    deployments_count = serializers.IntegerField()

    class Meta:
        model = Service
        fields = [
            "slug",
            "url",
            "page",
            "name",
            "summary",
            "description",
            "problem",
            "audience",
            "audience_kinds",
            "cost",
            "cost_detail",
            "instance_url",
            "operator",
            "how_to_adopt",
            "website",
            "repository",
            "repository_previous",
            "license",
            "code_status",
            "stage",
            "stage_detail",
            "porteur",
            "anct_role",
            "themes",
            "enjeux",
            "france_relance",
            "funding_eur",
            "scaled_2023",
            "contact",
            "sources",
            "facts_checked_at",
            "updated_at",
            "deployments_count",
        ]


class ServiceDetailSerializer(ServiceSerializer):
    deployments = DeploymentSerializer(many=True, read_only=True)

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "deployments"]


@extend_schema_view(
    list=extend_schema(summary="Services du catalogue : recherche plein texte (q) et filtres de la page"),
    retrieve=extend_schema(summary="Un service, par son identifiant d'URL, avec qui l'utilise"),
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filterset_class = ServiceFilterSet

    def get_queryset(self):
        queryset = (
            Service.objects.published()
            .select_related("porteur")
            .prefetch_related("themes", "enjeux")
            # A correlated subquery, evaluated for the page's rows only (a join would group every service).
            .annotate(
                deployments_count=Coalesce(
                    Subquery(
                        Deployment.objects.public()
                        .filter(service=OuterRef("pk"))
                        .order_by()
                        .values("service")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
            .order_by("name")
        )
        if self.action == "retrieve":
            deployments = Deployment.objects.public().select_related("commune", "epci", "departement", "region")
            return queryset.prefetch_related(Prefetch("deployments", queryset=deployments))
        return queryset

    def get_serializer_class(self):
        return ServiceDetailSerializer if self.action == "retrieve" else ServiceSerializer


@extend_schema_view(list=extend_schema(summary="Thématiques"), retrieve=extend_schema(summary="Une thématique"))
class ThematiqueViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Thematique.objects.order_by("name")
    serializer_class = ThematiqueSerializer
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="Organisations qui portent des services"),
    retrieve=extend_schema(summary="Une organisation"),
)
class PorteurViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Porteur.objects.order_by("name")
    serializer_class = PorteurSerializer
    lookup_field = "slug"
