"""Find training, for employers (and hub staff): open course offers by standard, words and distance.

What it shows of an offer is a serializer of its own, without the price: an employer must never see
what a provider charges (DESIGN.md, "Roles"), and no field here sorts or filters by it.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships import training
from apprenticeships.api.serializers import PostcodeSearchMixin
from apprenticeships.models import CourseOffer, DeliveryMode, Standard
from lcr_skills.text import validate_single_line


class TrainingQuerySerializer(PostcodeSearchMixin, serializers.Serializer):
    standard = serializers.IntegerField(required=False, min_value=1, help_text="The standard's LARS code.")
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        validators=[validate_single_line],
        help_text="Words in the course, its standard or its provider's name.",
    )
    postcode = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        validators=[validate_single_line],
        help_text="Measure distances from here: the nearest venue of each course.",
    )
    within_miles = serializers.IntegerField(
        required=False,
        min_value=min(training.MILES_CHOICES),
        max_value=max(training.MILES_CHOICES),
        help_text=f"With a postcode: courses with a venue this close, or delivered nationally "
        f"(default {training.DEFAULT_MILES}).",
    )

    def validate_standard(self, value: int) -> Standard:
        standard = Standard.objects.filter(lars_code=value).first()
        if standard is None:
            raise serializers.ValidationError(f"No standard has the LARS code {value}.")
        return standard

    def validate(self, attrs: dict) -> dict:
        if attrs.get("within_miles") is not None and not attrs.get("postcode"):
            raise serializers.ValidationError({"within_miles": ["Give a postcode to search within a distance of it."]})
        return attrs


class NextCohortSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    places = serializers.IntegerField(help_text="Places left in it.")


class TrainingStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Standard
        fields = ["lars_code", "reference", "title", "level", "route"]


class TrainingProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    ukprn = serializers.CharField()
    ofsted_grade = serializers.IntegerField(
        allow_null=True, help_text="1 Outstanding to 4 Inadequate; null if unknown."
    )
    ofsted = serializers.CharField(source="get_ofsted_grade_display", allow_null=True)
    achievement_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, help_text="Per cent; null if unknown."
    )


class TrainingOfferSerializer(serializers.ModelSerializer):
    """An open course offer as an employer sees it: everything but its price."""

    standard = TrainingStandardSerializer()
    provider = TrainingProviderSerializer()
    delivery_modes = serializers.ListField(child=serializers.ChoiceField(choices=DeliveryMode.choices))
    distance_miles = serializers.FloatField(
        allow_null=True, help_text="To the nearest venue, from the postcode searched; null without one."
    )
    nearest_postcode = serializers.CharField(allow_null=True, default=None, help_text="That venue's postcode.")
    next_cohort = NextCohortSerializer(allow_null=True, help_text="The next cohort with places left, if any.")
    places_left = serializers.IntegerField(help_text="Places left in all its cohorts still to start.")
    shortlisted = serializers.BooleanField(help_text="On your shortlist.")

    class Meta:
        model = CourseOffer
        fields = [
            "id",
            "title",
            "description",
            "standard",
            "provider",
            "delivery_modes",
            "national",
            "distance_miles",
            "nearest_postcode",
            "next_cohort",
            "places_left",
            "shortlisted",
        ]


@extend_schema(parameters=[TrainingQuerySerializer])
class TrainingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open course offers, nearest venue first (from a postcode), then by the provider's achievement rate."""

    access_name = "training"
    serializer_class = TrainingOfferSerializer
    filter_backends: list = []  # its own parameters, checked above; nothing sorts by a hidden field

    def get_queryset(self) -> QuerySet[CourseOffer]:
        params = TrainingQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        near = query.get("postcode")
        return training.training_offers(
            standard=query.get("standard"),
            text=query.get("search", "").strip(),
            near=near,
            within_miles=query.get("within_miles", training.DEFAULT_MILES) if near else None,
        )

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = training.training_rows(list(page), user=request.user)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
