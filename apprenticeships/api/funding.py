"""Funding estimates: who pays what for one apprentice, under the rules in force on the start date."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apprenticeships.models import Employer, Standard
from apprenticeships.models.vacancies import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from apprenticeships.permissions import visible_employers
from apprenticeships.services.funding import funding_estimate
from apprenticeships.services.vacancies import MAX_DURATION_MONTHS

MONEY_IN = {"max_digits": 9, "decimal_places": 2, "min_value": Decimal(0), "max_value": Decimal(1_000_000)}


class FundingEstimateRequestSerializer(serializers.Serializer):
    employer = serializers.IntegerField(help_text="The employer's id: hub staff any, an employer's users their own.")
    standard = serializers.IntegerField(help_text="The standard's LARS code.")
    start_date = serializers.DateField()
    apprentice_age = serializers.IntegerField(min_value=0, max_value=100, help_text="Age in years at the start.")
    price = serializers.DecimalField(required=False, help_text="Pounds; the band maximum when omitted.", **MONEY_IN)
    duration_months = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DURATION_MONTHS)
    hours_per_week = serializers.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(MIN_HOURS_PER_WEEK),
        max_value=Decimal(MAX_HOURS_PER_WEEK),
    )
    ehc_plan_or_care_leaver = serializers.BooleanField(required=False, default=False)

    def validate_employer(self, value: int) -> Employer:
        employer = visible_employers(self.context["request"].user).filter(pk=value).first()
        if employer is None:  # another employer's id: as if it didn't exist
            raise exceptions.NotFound("No such employer.")
        return employer

    def validate_standard(self, value: int) -> Standard:
        standard = Standard.objects.filter(lars_code=value).first()
        if standard is None:
            raise serializers.ValidationError(f"No standard has LARS code {value}.")
        return standard

    def validate_start_date(self, value):  # noqa: ANN001, ANN201 - a date either way
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError("Enter a start date between 2000 and 2100.")
        return value


class IncentiveSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.CharField(help_text="Pounds, as a decimal string.")


class FundingEstimateSerializer(serializers.Serializer):
    rule_set = serializers.CharField(help_text="The funding rules in force on the start date.")
    rule_set_source = serializers.URLField()
    band_max = serializers.CharField(help_text="The standard's maximum funding band, pounds.")
    price = serializers.CharField()
    eligible = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why nothing is funded, when not eligible; else empty.")
    levy_funds_used = serializers.CharField()
    government_pays = serializers.CharField()
    employer_pays = serializers.CharField(help_text="The employer's co-investment.")
    employer_excess = serializers.CharField(help_text="The price above the band, which the employer pays in full.")
    co_investment_rate = serializers.CharField()
    incentives = IncentiveSerializer(many=True)
    minimum_hourly_wage = serializers.CharField()
    minimum_duration_months = serializers.IntegerField()
    duration_months = serializers.IntegerField()
    explanation = serializers.ListField(child=serializers.CharField())


class FundingEstimateView(APIView):
    """Who pays what for one apprentice: levy funds, the government, the employer, and incentives."""

    access_name = "funding-estimate"

    @extend_schema(request=FundingEstimateRequestSerializer, responses=FundingEstimateSerializer)
    def post(self, request: Request) -> Response:
        body = FundingEstimateRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        estimate = funding_estimate(**body.validated_data)
        return Response(FundingEstimateSerializer(estimate.as_dict()).data)
