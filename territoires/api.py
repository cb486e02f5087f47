"""Read-only API of the reference territories."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from territoires.filters import CommuneFilterSet, EpciFilterSet
from territoires.models import Commune, Departement, Epci, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "nom", "chef_lieu", "zone"]


class DepartementSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Departement
        fields = ["code", "nom", "region", "chef_lieu", "zone"]


class EpciSerializer(serializers.ModelSerializer):
    class Meta:
        model = Epci
        fields = [
            "siren",
            "nom",
            "type",
            "mode_financement",
            "population",
            "population_totale",
            "population_communes_insee",
            "nombre_communes",
        ]


class EpciMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commune
        fields = ["code_insee", "nom", "population"]


class EpciDetailSerializer(EpciSerializer):
    communes = EpciMemberSerializer(many=True, read_only=True)

    class Meta(EpciSerializer.Meta):
        fields = [*EpciSerializer.Meta.fields, "communes"]


class CommuneSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement_id")
    departement_nom = serializers.CharField(source="departement.nom")
    region = serializers.CharField(source="region_id")
    epci = serializers.CharField(source="epci_id", allow_null=True)
    epci_nom = serializers.CharField(source="epci.nom", allow_null=True, default=None)

    class Meta:
        model = Commune
        fields = [
            "code_insee",
            "nom",
            "population",
            "codes_postaux",
            "departement",
            "departement_nom",
            "region",
            "epci",
            "epci_nom",
            "zone",
        ]


@extend_schema_view(
    list=extend_schema(summary="Régions"), retrieve=extend_schema(summary="Une région, par son code INSEE")
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer


@extend_schema_view(
    list=extend_schema(summary="Départements"),
    retrieve=extend_schema(summary="Un département, par son code INSEE"),
)
class DepartementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Departement.objects.order_by("code")
    serializer_class = DepartementSerializer


@extend_schema_view(
    list=extend_schema(summary="EPCI à fiscalité propre, avec recherche par nom ou SIREN (q)"),
    retrieve=extend_schema(summary="Un EPCI, par son SIREN, avec ses communes membres"),
)
class EpciViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Epci.objects.order_by("siren")
    filterset_class = EpciFilterSet

    def get_queryset(self):
        if self.action == "retrieve":
            return Epci.objects.prefetch_related("communes")
        return self.queryset

    def get_serializer_class(self):
        return EpciDetailSerializer if self.action == "retrieve" else EpciSerializer


@extend_schema_view(
    list=extend_schema(summary="Communes, avec recherche par nom, code postal ou code INSEE (q)"),
    retrieve=extend_schema(summary="Une commune, par son code INSEE"),
)
class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Commune.objects.select_related("departement", "epci").order_by("code_insee")
    serializer_class = CommuneSerializer
    filterset_class = CommuneFilterSet
