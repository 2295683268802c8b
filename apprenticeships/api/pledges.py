"""Levy-transfer pledges and applications to them (issue 17). The rules and the money are in services.pledges."""

from decimal import Decimal

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships.funding.rules import AGE_GROUPS
from apprenticeships.models import Cohort, Employer, Pledge, PledgeApplication, PledgeEvent, Standard
from apprenticeships.models.standards import MAX_LEVEL, MIN_LEVEL
from apprenticeships.permissions import (
    is_hub,
    user_organisation,
    visible_employers,
    visible_pledge_applications,
    visible_pledges,
    visible_vacancies,
)
from apprenticeships.services import pledges
from lcr_skills.text import validate_multi_line, validate_single_line

MONEY_OUT = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": False, "read_only": True}


def shows_pledger(pledge: Pledge, context: dict) -> bool:
    """The pledger's name is shown unless the pledge is anonymous and the reader is neither it nor hub staff."""
    user = context["request"].user
    if not pledge.anonymous or is_hub(user):
        return True
    organisation = user_organisation(user)
    return isinstance(organisation, Employer) and organisation.pk == pledge.employer_id


class PledgeSerializer(serializers.ModelSerializer):
    employer = serializers.SerializerMethodField(help_text="The pledger's id; null when the pledge is anonymous.")
    employer_name = serializers.SerializerMethodField(help_text="The pledger's name; null when anonymous.")
    amount = serializers.DecimalField(**MONEY_OUT)
    remaining = serializers.DecimalField(help_text="Pounds no application holds yet.", **MONEY_OUT)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "employer",
            "employer_name",
            "amount",
            "remaining",
            "levels",
            "routes",
            "local_authorities",
            "age_groups",
            "auto_approve",
            "closes_on",
            "anonymous",
            "status",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_employer(self, pledge: Pledge) -> int | None:
        return pledge.employer_id if shows_pledger(pledge, self.context) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_employer_name(self, pledge: Pledge) -> str | None:
        return pledge.employer.name if shows_pledger(pledge, self.context) else None


class PledgeCreateSerializer(serializers.Serializer):
    employer = serializers.IntegerField(
        required=False, min_value=1, help_text="Hub staff only: the levy payer pledging; employers pledge their own."
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), max_value=Decimal(10**9))
    levels = serializers.ListField(
        child=serializers.IntegerField(min_value=MIN_LEVEL, max_value=MAX_LEVEL), min_length=1, max_length=6
    )
    routes = serializers.ListField(
        child=serializers.CharField(max_length=100, validators=[validate_single_line]),
        required=False,
        default=list,
        max_length=30,
        help_text="Occupational routes (as the standards name them); empty for any.",
    )
    local_authorities = serializers.ListField(
        child=serializers.CharField(max_length=9, validators=[validate_single_line]),
        required=False,
        default=list,
        max_length=50,
        help_text="GSS codes of local authorities (at most 20); empty for the whole city region.",
    )
    age_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=AGE_GROUPS), required=False, default=list, max_length=len(AGE_GROUPS)
    )
    auto_approve = serializers.ChoiceField(choices=Pledge.AutoApprove.choices, default=Pledge.AutoApprove.NEVER)
    closes_on = serializers.DateField(required=False, allow_null=True, default=None)
    anonymous = serializers.BooleanField(required=False, default=False)

    def validate_routes(self, value: list[str]) -> list[str]:
        known = set(Standard.objects.filter(route__in=value).values_list("route", flat=True))
        unknown = [route for route in value if route not in known]
        if unknown:
            raise serializers.ValidationError(f"Not a route of any standard: {', '.join(unknown)}.")
        return value

    def validate_closes_on(self, value):  # noqa: ANN001, ANN201 - a date or None
        if value is not None and not 2000 <= value.year <= 2100:
            raise serializers.ValidationError("Enter a closing date between 2000 and 2100.")
        return value


class PledgeEventSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    remaining_after = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = PledgeEvent
        fields = ["action", "from_status", "to_status", "amount", "remaining_after", "note", "at"]


class PledgeApplicationSerializer(serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="applicant.name", read_only=True)
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)
    amount = serializers.DecimalField(help_text="Computed: what the pledge must hold.", **MONEY_OUT)
    history = PledgeEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = PledgeApplication
        fields = [
            "id",
            "pledge",
            "applicant",
            "applicant_name",
            "vacancy",
            "vacancy_title",
            "cohort",
            "apprentices",
            "amount",
            "meets_criteria",
            "status",
            "approved_at",
            "accepted_at",
            "created_at",
            "history",
        ]
        read_only_fields = fields


class PledgeApplicationCreateSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="One of the applicant's vacancies.")
    cohort = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, help_text="A course cohort, if chosen."
    )
    apprentices = serializers.IntegerField(required=False, min_value=1, max_value=1000)

    def validate_vacancy(self, value: int):  # noqa: ANN201 - a Vacancy
        vacancy = visible_vacancies(self.context["request"].user).select_related("standard", "local_authority")
        found = vacancy.filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("No such vacancy of yours.")
        return found

    def validate_cohort(self, value: int | None) -> Cohort | None:
        if value is None:
            return None
        cohort = Cohort.objects.select_related("offer").filter(pk=value, offer__status="open").first()
        if cohort is None:
            raise serializers.ValidationError("No such cohort of an open course offer.")
        return cohort


class PledgeNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, validators=[validate_multi_line]
    )


class PledgeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Pledge.Status.choices)

    class Meta:
        model = Pledge
        fields = ["status"]


class PledgeApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PledgeApplication.Status.choices)

    class Meta:
        model = PledgeApplication
        fields = ["status"]


def applications_queryset(user) -> QuerySet[PledgeApplication]:  # noqa: ANN001 - a user
    return (
        visible_pledge_applications(user)
        .select_related("applicant", "vacancy", "pledge")
        .prefetch_related(Prefetch("events", PledgeEvent.objects.order_by("created_at", "id")))
    )


class PledgeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Levy payers' pledges: open ones for every signed-in user, and a levy payer's own in every state."""

    access_name = "pledges"
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    ordering_fields = ["created_at", "amount", "remaining"]

    def get_queryset(self) -> QuerySet[Pledge]:
        return visible_pledges(self.request.user).select_related("employer")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return PledgeCreateSerializer if self.action == "create" else PledgeSerializer

    @extend_schema(request=PledgeCreateSerializer, responses={201: PledgeSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        body = PledgeCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        employer_id = data.pop("employer", None)
        if is_hub(request.user):
            employer = visible_employers(request.user).filter(pk=employer_id).first() if employer_id else None
            if employer is None:
                raise exceptions.ValidationError({"employer": ["Choose the levy payer pledging."]})
        else:
            employer = user_organisation(request.user)
        pledge = pledges.pledge_create(employer=employer, by=request.user, **data)
        return Response(PledgeSerializer(pledge, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PledgeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The pledger (or hub staff) withdraws the pledge; money approved applications hold stays theirs."""
        pledge = pledges.pledge_withdraw(self.get_object(), by=request.user)
        return Response(PledgeSerializer(pledge, context={"request": request}).data)

    @extend_schema(methods=["GET"], request=None, responses=PledgeApplicationSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=PledgeApplicationCreateSerializer, responses={201: PledgeApplicationSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def applications(self, request: Request, pk: str | None = None) -> Response:
        """GET: the applications to this pledge you may see. POST: apply for one of your vacancies."""
        # Applying to someone else's pledge is the point: no owner check, only that the pledge is visible.
        pledge = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "GET":
            found = applications_queryset(request.user).filter(pledge=pledge)
            page = self.paginate_queryset(found)
            data = PledgeApplicationSerializer(page, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        body = PledgeApplicationCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        vacancy = body.validated_data["vacancy"]
        application = pledges.application_create(
            pledge=pledge,
            applicant=vacancy.employer,
            vacancy=vacancy,
            by=request.user,
            cohort=body.validated_data.get("cohort"),
            apprentices=body.validated_data.get("apprentices"),
        )
        application = applications_queryset(request.user).get(pk=application.pk)
        return Response(PledgeApplicationSerializer(application, context={"request": request}).data, status=201)


class PledgeApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications to pledges: the applicant's and the pledger's. Approval holds the money at once."""

    access_name = "pledge-applications"
    serializer_class = PledgeApplicationSerializer
    filterset_class = PledgeApplicationFilter
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self) -> QuerySet[PledgeApplication]:
        return applications_queryset(self.request.user)

    def _act(self, request: Request, service, **kwargs) -> Response:  # noqa: ANN001 - a service function
        body = PledgeNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = self.get_object()
        if "note" in kwargs:
            kwargs["note"] = body.validated_data["note"]
        service(application.pk, by=request.user, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The pledger or hub staff approve: the amount is taken from the pledge, or 409 if it is no longer there."""
        return self._act(request, pledges.application_approve)

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """The pledger or hub staff reject a pending application (the note says why)."""
        return self._act(request, pledges.application_reject, note="")

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The applicant accepts approved funding (within 42 days of the approval)."""
        return self._act(request, pledges.application_accept)

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """The applicant declines approved funding: the money goes back to the pledge."""
        return self._act(request, pledges.application_decline)

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The applicant withdraws; any money held goes back to the pledge."""
        return self._act(request, pledges.application_withdraw)

    @extend_schema(request=PledgeNoteSerializer, responses=PledgeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def funds_used(self, request: Request, pk: str | None = None) -> Response:
        """Hub staff record that the apprenticeship started on the transferred funds."""
        return self._act(request, pledges.application_funds_used)
