"""Course offers API: providers list and edit their own; everyone signed in sees open offers."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships.filters import IdFilter, IntegerFilter
from apprenticeships.models import Cohort, CourseOffer, DeliveryMode, Standard
from apprenticeships.models.delivery import masks_with
from apprenticeships.permissions import is_hub, owns, user_organisation, visible_offers
from apprenticeships.places import place_lookup
from apprenticeships.rules import OFFER_SEARCH_DEFAULT_KM, SEARCH_MAX_KM, distance_without_postcode
from apprenticeships.selectors import offers_within
from apprenticeships.services import offer_import, offers
from lcr_skills.text import validate_single_line


class CappedListSerializer(serializers.ListSerializer):
    """A list refused as a whole, before any item is checked, when it has more than `max_length` items."""

    def to_internal_value(self, data: object) -> list:
        if isinstance(data, list) and self.max_length is not None and len(data) > self.max_length:
            raise serializers.ValidationError([self.error_messages["max_length"]], code="max_length")
        return super().to_internal_value(data)


class LocationSerializer(serializers.Serializer):
    postcode = serializers.CharField(max_length=10, validators=[validate_single_line])
    radius_km = serializers.IntegerField(min_value=1, max_value=offers.MAX_RADIUS_KM)

    class Meta:
        list_serializer_class = CappedListSerializer


class CohortSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="Give an existing cohort's id to keep it.")
    start_date = serializers.DateField()
    places = serializers.IntegerField(min_value=1, max_value=offers.MAX_PLACES)

    class Meta:
        list_serializer_class = CappedListSerializer


class CourseOfferSerializer(serializers.ModelSerializer):
    standard = serializers.SlugRelatedField(slug_field="lars_code", queryset=Standard.objects.all())
    standard_title = serializers.CharField(source="standard.title", read_only=True)
    level = serializers.IntegerField(source="standard.level", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, coerce_to_string=False)
    delivery_modes = serializers.ListField(child=serializers.ChoiceField(choices=DeliveryMode.choices), min_length=1)
    locations = LocationSerializer(
        many=True,
        required=False,
        max_length=offers.MAX_LOCATIONS,
        error_messages={"max_length": f"Add at most {offers.MAX_LOCATIONS} delivery locations."},
    )
    cohorts = CohortSerializer(
        many=True,
        required=False,
        max_length=offers.MAX_COHORTS,
        error_messages={"max_length": f"Add at most {offers.MAX_COHORTS} cohorts."},
    )

    class Meta:
        model = CourseOffer
        fields = [
            "id",
            "provider",
            "provider_name",
            "standard",
            "standard_title",
            "level",
            "title",
            "description",
            "price",
            "delivery_modes",
            "locations",
            "national",
            "cohorts",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["provider"]
        extra_kwargs = {"price": {"help_text": "Shown only to the provider's own users and hub staff."}}

    def to_representation(self, offer: CourseOffer) -> dict:
        data = super().to_representation(offer)
        user = self.context["request"].user
        if not (is_hub(user) or owns(user, offer)):
            data.pop("price")  # another provider's commercial terms
        return data


class CourseOfferFilter(django_filters.FilterSet):
    standard = IntegerFilter(field_name="standard__lars_code")
    level = IntegerFilter(field_name="standard__level")
    provider = IdFilter(field_name="provider_id")
    status = django_filters.ChoiceFilter(choices=CourseOffer.Status.choices)
    delivery_mode = django_filters.ChoiceFilter(choices=DeliveryMode.choices, method="filter_delivery_mode")
    has_places = django_filters.BooleanFilter(method="filter_has_places", label="Has a future cohort with places")
    postcode = django_filters.CharFilter(method="filter_near", label="Near this postcode (with within_km)")
    within_km = django_filters.NumberFilter(
        method="filter_near",
        min_value=1,
        max_value=SEARCH_MAX_KM,
        label=f"Distance from postcode, km (default {OFFER_SEARCH_DEFAULT_KM})",
    )

    class Meta:
        model = CourseOffer
        fields = ["standard", "level", "provider", "status", "delivery_mode", "has_places", "postcode", "within_km"]

    def filter_delivery_mode(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(delivery_mask__in=masks_with(value))

    def filter_has_places(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        open_cohorts = Cohort.objects.filter(offer=OuterRef("pk"), places__gt=0, start_date__gte=timezone.localdate())
        return queryset.filter(Exists(open_cohorts)) if value else queryset.exclude(Exists(open_cohorts))

    def filter_near(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        raw = self.data.get("postcode", "")
        if name == "within_km" and distance_without_postcode(postcode=raw, within_km=value):
            raise serializers.ValidationError({"within_km": ["Give a postcode to search within a distance of it."]})
        if name == "within_km" or not raw:
            return queryset  # applied once, with the postcode
        try:
            place = place_lookup(raw)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"postcode": error.messages}) from None
        within = self.form.cleaned_data.get("within_km")
        within = OFFER_SEARCH_DEFAULT_KM if within is None else within  # an explicit distance is used as given
        return offers_within(queryset, near=place, within_km=float(within))


class CsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV with the columns of the template.")


class CourseOfferViewSet(viewsets.ModelViewSet):
    """Course offers. A provider creates and edits its own; anyone signed in sees open offers."""

    access_name = "course-offers"
    serializer_class = CourseOfferSerializer
    filterset_class = CourseOfferFilter
    search_fields = ["title", "description", "standard__title", "provider__name"]
    ordering_fields = ["created_at", "price", "title"]
    # Prices are shown only to their provider and hub staff, and sorting a list mixing other providers'
    # offers with one's own would rank them (apprenticeships/api/ordering.py).
    hub_only_ordering = {
        "price": "You can only sort by price as hub staff: a course's price is shown only to its provider and the hub."
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[CourseOffer]:
        return (
            visible_offers(self.request.user)
            .select_related("provider", "standard")
            .prefetch_related("locations", "cohorts")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer: CourseOfferSerializer) -> None:
        provider = user_organisation(self.request.user)
        serializer.instance = offers.offer_create(provider=provider, **serializer.validated_data)

    def perform_update(self, serializer: CourseOfferSerializer) -> None:
        serializer.instance = offers.offer_update(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: CourseOffer) -> None:
        offers.offer_delete(instance)

    def create(self, request: Request, *args, **kwargs) -> Response:
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.get_queryset().get(pk=response.data["id"])).data
        return response

    def update(self, request: Request, *args, **kwargs) -> Response:
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=kwargs["pk"])).data)

    @extend_schema(
        request={"multipart/form-data": CsvUploadSerializer},
        responses={
            201: inline_serializer(
                "ImportResult", {"created": serializers.IntegerField(), "ids": serializers.ListField()}
            ),
            400: OpenApiResponse(description="Nothing saved; `errors` lists {row, column, message}."),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request: Request) -> Response:
        """Upload a CSV of offers: every row is checked, then all are saved or none."""
        upload = CsvUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        # One byte past the limit is enough for the service to refuse an oversized file.
        data = upload.validated_data["file"].read(offer_import.MAX_BYTES + 1)
        try:
            created = offer_import.offers_import(provider=user_organisation(request.user), data=data)
        except offer_import.ImportRejected as rejected:
            body = {"detail": "Nothing was saved.", "errors": [e.as_dict() for e in rejected.errors]}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": len(created), "ids": [o.id for o in created]}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=False, methods=["get"], url_path="import/template")
    def import_template(self, request: Request) -> HttpResponse:
        """The CSV template, with one example row."""
        response = HttpResponse(offer_import.template_csv(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="course-offers-template.csv"'
        response["Cache-Control"] = "no-store"  # every download, personal or not, is kept out of caches
        return response
