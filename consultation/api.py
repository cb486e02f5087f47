"""Read-only API of the consultation archive: enjeux, contributions (same filters as the page), PNI."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from consultation.filters import ContributionFilterSet, InvestigationFilterSet
from consultation.models import Contribution, Enjeu, Investigation, InvestigationEnjeu


class EnjeuSerializer(serializers.ModelSerializer):
    page = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Enjeu
        fields = ["slug", "number", "title", "description", "page"]


class ContributionSerializer(serializers.ModelSerializer):
    enjeu = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    departement = serializers.CharField(source="departement_id", allow_null=True)
    page = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "page",
            "decidim_host",
            "decidim_id",
            "reference",
            "title",
            "body",
            "kind",
            "author_type",
            "category",
            "scope",
            "departement",
            "enjeu",
            "state",
            "answer",
            "answered_at",
            "supports",
            "endorsements",
            "comments_count",
            "published_at",
            "url",
        ]


class InvestigationEnjeuSerializer(serializers.ModelSerializer):
    """A link of an investigation to an enjeu, with its basis (« source » or « theme », rapproché par thème)."""

    enjeu = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = InvestigationEnjeu
        fields = ["enjeu", "basis", "source", "note"]


class InvestigationSerializer(serializers.ModelSerializer):
    status_2021 = serializers.CharField(source="get_status_display", help_text="L'état d'octobre 2021, en clair.")
    enjeux = InvestigationEnjeuSerializer(source="enjeu_links", many=True, read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "slug",
            "title",
            "problem",
            "territory_types",
            "collectivites",
            "start_date",
            "end_date",
            "duration_weeks",
            "status",
            "status_2021",
            "findings",
            "prototype_url",
            "enjeux",
            "sources",
        ]


@extend_schema_view(
    list=extend_schema(summary="Les 17 grands enjeux"), retrieve=extend_schema(summary="Un grand enjeu")
)
class EnjeuViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Enjeu.objects.order_by("number")
    serializer_class = EnjeuSerializer
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="Contributions de 2021 : recherche plein texte (q) et filtres de la page"),
    retrieve=extend_schema(summary="Une contribution"),
)
class ContributionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (
        Contribution.objects.visible()
        .defer("search_vector", "raw")
        .select_related("enjeu")
        .order_by("-supports", "decidim_id")
    )
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilterSet


@extend_schema_view(
    list=extend_schema(
        summary="Investigations du Programme national d'investigations (2021) : recherche (q) et filtres de la page"
    ),
    retrieve=extend_schema(summary="Une investigation"),
)
class InvestigationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Investigation.objects.prefetch_related("enjeu_links__enjeu").order_by("title")
    serializer_class = InvestigationSerializer
    filterset_class = InvestigationFilterSet
    lookup_field = "slug"
