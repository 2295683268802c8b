"""Vacancies API: employers' vacancies with their lifecycle actions, and the public search."""

import math
from decimal import Decimal

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships import selectors
from apprenticeships.api.reach import ReachableFilterSerializer, public_vacancies_reachable_filter
from apprenticeships.api.serializers import LocalAuthoritySerializer, PostcodeSearchMixin
from apprenticeships.filters import IntegerFilter
from apprenticeships.funding.rules import AGE_GROUPS, minimum_hourly_wage
from apprenticeships.history import actor_shown, history_steps
from apprenticeships.models import DeliveryMode, LocalAuthority, Standard, Vacancy, VacancyTransition
from apprenticeships.models.standards import MAX_LEVEL, MIN_LEVEL
from apprenticeships.permissions import user_organisation, visible_vacancies
from apprenticeships.rules import (
    KM_PER_MILE,
    SEARCH_ANY_DISTANCE,
    SEARCH_DEFAULT_MILES,
    SEARCH_MAX_KM,
    SEARCH_MILES,
    distance_without_postcode,
    search_within_km,
)
from apprenticeships.services import levy, vacancies
from lcr_skills.text import validate_multi_line, validate_single_line

MONEY = {"max_digits": 7, "decimal_places": 2, "coerce_to_string": False}


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField(
        help_text="Who did it (login name), shown to hub staff and to that person's own organisation; else null."
    )
    by_role = serializers.SerializerMethodField(help_text="“Hub staff”, “Employer” or “Training provider”.")
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = VacancyTransition
        fields = ["from_status", "to_status", "by", "by_role", "at", "comment"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, step: VacancyTransition) -> str | None:
        return actor_shown(actor=step.by, reader=self.context["request"].user).username

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by_role(self, step: VacancyTransition) -> str | None:
        return actor_shown(actor=step.by, reader=self.context["request"].user).role


class FundingSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["levy", "co_investment", "levy_transfer"])
    estimated_cost = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    employer_pays = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    government_pays = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    levy_used = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    shortfall = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    co_investment_rate = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    summary = serializers.CharField()
    by_age_group = serializers.ListField(
        child=serializers.DictField(),
        help_text="For each age group the vacancy is open to: the funding estimate, as POST /api/v1/funding/estimate/.",
    )


class VacancySerializer(serializers.ModelSerializer):
    standard = serializers.SlugRelatedField(slug_field="lars_code", queryset=Standard.objects.all())
    standard_title = serializers.CharField(source="standard.title", read_only=True)
    level = serializers.IntegerField(source="standard.level", read_only=True)
    positions = serializers.IntegerField(min_value=1, max_value=vacancies.MAX_POSITIONS)
    weekly_wage = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    postcode = serializers.CharField(max_length=10, validators=[validate_single_line])
    delivery_modes = serializers.ListField(child=serializers.ChoiceField(choices=DeliveryMode.choices), min_length=1)
    age_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=AGE_GROUPS),
        min_length=1,
        max_length=len(AGE_GROUPS),
        required=False,
        help_text="Apprentice age groups the vacancy is open to; all of them when omitted.",
    )
    duration_months = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=vacancies.MAX_DURATION_MONTHS,
        help_text="Planned duration in months; null for the standard's typical duration.",
    )
    planned_duration_months = serializers.IntegerField(read_only=True)
    foundation_apprenticeship = serializers.BooleanField(source="standard.is_foundation", read_only=True)
    annual_wage = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True)
    minimum_hourly_wage = serializers.SerializerMethodField(
        help_text="The apprentice minimum wage an hour in force on the start date (the rule book)."
    )
    apply_url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="The employer's own application page (https); empty: applicants apply through this service.",
    )
    local_authority = LocalAuthoritySerializer(read_only=True)
    funding = serializers.SerializerMethodField()
    history = TransitionSerializer(source="transitions", many=True, read_only=True)

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "employer",
            "title",
            "description",
            "standard",
            "standard_title",
            "level",
            "positions",
            "weekly_wage",
            "annual_wage",
            "minimum_hourly_wage",
            "hours_per_week",
            "age_groups",
            "duration_months",
            "planned_duration_months",
            "foundation_apprenticeship",
            "postcode",
            "start_date",
            "closing_date",
            "delivery_modes",
            "apply_url",
            "notes",
            "status",
            "local_authority",
            "funding",
            "submitted_at",
            "live_at",
            "created_at",
            "updated_at",
            "history",
        ]
        read_only_fields = ["employer", "status", "submitted_at", "live_at"]

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False))
    def get_minimum_hourly_wage(self, vacancy: Vacancy) -> Decimal:
        return minimum_hourly_wage(vacancy.start_date)

    @extend_schema_field(FundingSerializer)
    def get_funding(self, vacancy: Vacancy) -> dict:
        # Every employer on the page's account at once: two queries per response, however many are listed.
        positions = self.context.setdefault("levy_positions", {})
        if vacancy.employer_id not in positions:
            page = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else [vacancy]
            positions.update(levy.levy_positions({v.employer for v in page} | {vacancy.employer}))
        return levy.vacancy_funding(vacancy, position=positions[vacancy.employer_id]).as_dict()


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", validators=[validate_multi_line]
    )


class VacancyFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Vacancy.Status.choices, distinct=False)  # no DISTINCT needed
    standard = IntegerFilter(field_name="standard__lars_code")
    level = IntegerFilter(field_name="standard__level")
    local_authority = django_filters.CharFilter(field_name="local_authority__code")

    class Meta:
        model = Vacancy
        fields = ["status", "standard", "level", "local_authority"]


class VacancyViewSet(viewsets.ModelViewSet):
    """Employers' vacancies. Employers create and edit their own; hub staff review them. An employer deletes a
    draft, or a draft they withdrew; one sent to the hub is kept (withdraw it)."""

    access_name = "vacancies"
    serializer_class = VacancySerializer
    filterset_class = VacancyFilter
    search_fields = ["title", "description", "standard__title"]
    ordering_fields = ["created_at", "closing_date", "start_date", "weekly_wage", "submitted_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Vacancy]:
        return (
            visible_vacancies(self.request.user)
            .select_related("employer", "standard", "local_authority")
            .prefetch_related(Prefetch("transitions", history_steps()))
            .annotate(employer_committed=levy.committed_subquery())
        )

    def perform_create(self, serializer: VacancySerializer) -> None:
        employer = user_organisation(self.request.user)
        serializer.instance = vacancies.vacancy_create(
            employer=employer, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: VacancySerializer) -> None:
        vacancies.vacancy_update(serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance: Vacancy) -> None:
        vacancies.vacancy_delete(instance)

    def _respond(self, vacancy: Vacancy, status_code: int = 200) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=vacancy.pk)).data, status=status_code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._respond(serializer.instance, 201)

    def update(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._respond(serializer.instance)

    def _transition(self, request: Request, name: str) -> Response:
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vacancy = vacancies.vacancy_transition(
            self.get_object(), action=name, by=request.user, comment=body.validated_data["comment"]
        )
        return self._respond(vacancy)

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft to hub review (the closing date must be at least 7 days ahead)."""
        return self._transition(request, "submit")

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Hub QA: publish a submitted vacancy."""
        return self._transition(request, "approve")

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str | None = None) -> Response:
        """Hub QA: send a submitted vacancy back to draft; the comment says what to change."""
        return self._transition(request, "refer")

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Stop taking applications for a live vacancy."""
        return self._transition(request, "close")

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw a draft, submitted or live vacancy."""
        return self._transition(request, "withdraw")

    @extend_schema(request=CommentSerializer, responses=VacancySerializer)
    @action(detail=True, methods=["post"])
    def filled(self, request: Request, pk: str | None = None) -> Response:
        """Mark a live vacancy as filled."""
        return self._transition(request, "filled")


class PublicVacancySerializer(serializers.ModelSerializer):
    """What anyone may see of a live vacancy: no notes, no funding, no employer details but its name."""

    standard = serializers.IntegerField(source="standard.lars_code")
    standard_title = serializers.CharField(source="standard.title")
    level = serializers.IntegerField(source="standard.level")
    foundation_apprenticeship = serializers.BooleanField(source="standard.is_foundation")
    weekly_wage = serializers.DecimalField(**MONEY)
    annual_wage = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False)
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    duration_months = serializers.IntegerField(
        source="planned_duration_months",
        help_text="Planned duration: the standard's typical one unless the employer gives one.",
    )
    age_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=AGE_GROUPS), help_text="The apprentice's age at the start it is open to."
    )
    postcode = serializers.CharField(source="outcode", help_text="The postcode district only, e.g. L1.")
    local_authority = LocalAuthoritySerializer()
    employer_name = serializers.CharField(source="employer.name")
    apply_url = serializers.CharField(
        help_text="The employer's own application page; empty: apply here, POST …/applications/."
    )
    posted_on = serializers.SerializerMethodField(help_text="When it went live.")
    distance_miles = serializers.SerializerMethodField(
        help_text="Miles from the searched postcode's district centre to the vacancy's, when a postcode was given."
    )

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "title",
            "description",
            "standard",
            "standard_title",
            "level",
            "foundation_apprenticeship",
            "positions",
            "weekly_wage",
            "annual_wage",
            "hours_per_week",
            "duration_months",
            "age_groups",
            "postcode",
            "local_authority",
            "start_date",
            "closing_date",
            "posted_on",
            "employer_name",
            "apply_url",
            "distance_miles",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_posted_on(self, vacancy: Vacancy) -> str | None:
        return vacancy.live_at.date().isoformat() if vacancy.live_at else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, vacancy: Vacancy) -> float | None:
        return _miles(getattr(vacancy, "distance_sq", None))


# The search list's rows are read with values() and written by `public_vacancy_rows`, not by the serializer
# (which stays the schema and the single vacancy's answer): for a page of 25, model instances and DRF's work
# per field cost more than the search itself (issue 19). tests/search/test_lean_rows.py checks that each row
# is the one PublicVacancySerializer writes.
PUBLIC_VACANCY_COLUMNS = (
    "id",
    "title",
    "description",
    "standard__lars_code",
    "standard__title",
    "standard__level",
    "standard__is_foundation",
    "standard__typical_duration_months",
    "positions",
    "weekly_wage",
    "hours_per_week",
    "duration_months",
    "age_groups",
    "outcode",
    "local_authority__code",
    "local_authority__name",
    "start_date",
    "closing_date",
    "live_at",
    "employer__name",
    "apply_url",
)


def public_vacancy_rows(rows: list[dict]) -> list[dict]:
    """PublicVacancySerializer's representation of rows read with PUBLIC_VACANCY_COLUMNS (and `distance_sq`
    when the search had a postcode)."""
    fields = PublicVacancySerializer._declared_fields
    money, annual, hours = fields["weekly_wage"], fields["annual_wage"], fields["hours_per_week"]
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "description": row["description"],
            "standard": row["standard__lars_code"],
            "standard_title": row["standard__title"],
            "level": row["standard__level"],
            "foundation_apprenticeship": row["standard__is_foundation"],
            "positions": row["positions"],
            "weekly_wage": money.to_representation(row["weekly_wage"]),
            "annual_wage": annual.to_representation(row["weekly_wage"] * 52),
            "hours_per_week": hours.to_representation(row["hours_per_week"]),
            "duration_months": row["duration_months"] or row["standard__typical_duration_months"],
            "age_groups": list(row["age_groups"]),
            "postcode": row["outcode"],
            "local_authority": {"code": row["local_authority__code"], "name": row["local_authority__name"]},
            "start_date": row["start_date"].isoformat(),
            "closing_date": row["closing_date"].isoformat(),
            "posted_on": row["live_at"].date().isoformat() if row["live_at"] else None,
            "employer_name": row["employer__name"],
            "apply_url": row["apply_url"],
            "distance_miles": _miles(row.get("distance_sq")),
        }
        for row in rows
    ]


def _miles(distance_sq: float | None) -> float | None:
    return None if distance_sq is None else round(math.sqrt(distance_sq) / KM_PER_MILE, 1)


class PublicSearchSerializer(PostcodeSearchMixin, serializers.Serializer):
    """The public search's parameters: the page's too (there `q` for `search` and `sort` for `ordering`)."""

    search = serializers.CharField(required=False, allow_blank=True, max_length=100, validators=[validate_single_line])
    level = serializers.ListField(
        child=serializers.IntegerField(min_value=MIN_LEVEL, max_value=MAX_LEVEL),
        required=False,
        max_length=MAX_LEVEL - MIN_LEVEL + 1,
        help_text="Any of these levels: repeat it, e.g. level=2&level=3.",
    )
    foundation = serializers.BooleanField(required=False, help_text="true: foundation apprenticeships only.")
    age_group = serializers.ChoiceField(
        choices=AGE_GROUPS, required=False, help_text="Open to apprentices of this age at the start, e.g. 16-18."
    )
    local_authority = serializers.CharField(
        required=False, allow_blank=True, max_length=60, validators=[validate_single_line]
    )
    postcode = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        validators=[validate_single_line],
        help_text="Distances are measured from its postcode district's centre.",
    )
    within_miles = serializers.ChoiceField(
        choices=[*(str(miles) for miles in SEARCH_MILES), SEARCH_ANY_DISTANCE],
        required=False,
        help_text=f"With a postcode: {SEARCH_DEFAULT_MILES} unless given; “all” for any distance.",
    )
    within_km = serializers.FloatField(
        required=False, min_value=1, max_value=SEARCH_MAX_KM, help_text="Instead of within_miles."
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.PUBLIC_SORTS),
        required=False,
        help_text="relevance (with search) unless given, else closing_date.",
    )

    def validate_local_authority(self, value: str) -> str:
        if value and not LocalAuthority.objects.filter(Q(code=value) | Q(name__iexact=value)).exists():
            raise serializers.ValidationError(f"“{value}” is not a local authority name or GSS code.")
        return value

    def validate(self, attrs: dict) -> dict:
        if "within_km" in attrs and "within_miles" in attrs:
            raise serializers.ValidationError({"within_miles": ["Give within_miles or within_km, not both."]})
        miles = attrs.get("within_miles")
        missing = distance_without_postcode(
            postcode=attrs.get("postcode"),
            within_km=attrs.get("within_km", None if miles == SEARCH_ANY_DISTANCE else miles),
            sort=attrs.get("ordering"),
        )
        if missing == "within_km":
            name = "within_km" if "within_km" in attrs else "within_miles"
            raise serializers.ValidationError({name: ["Give a postcode to search within a distance of it."]})
        if missing == "sort":
            raise serializers.ValidationError({"ordering": ["Give a postcode to sort by distance."]})
        return attrs

    def search_kwargs(self, *, journey_minutes: int | None = None) -> dict:
        """The arguments for selectors.public_vacancies (a search by journey time has no default radius)."""
        query = self.validated_data
        return {
            "text": query.get("search", "").strip(),
            "levels": query.get("level") or [],
            "foundation": query.get("foundation", False),
            "age_group": query.get("age_group", ""),
            "local_authority": query.get("local_authority", "").strip(),
            "near": query.get("postcode"),
            "within_km": search_within_km(
                postcode=query.get("postcode"),
                within_miles=query.get("within_miles"),
                within_km=query.get("within_km"),
                journey_minutes=journey_minutes,
            ),
            "sort": query.get("ordering", ""),
        }


@extend_schema(parameters=[PublicSearchSerializer, ReachableFilterSerializer])
class PublicVacancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Live vacancies, for anyone: search by words, level, age group, local authority and distance from a postcode."""

    access_name = "public-vacancies"
    serializer_class = PublicVacancySerializer
    filter_backends: list = []
    authentication_classes: list = []  # public: no session, so no CSRF and no cookies needed

    def get_queryset(self) -> QuerySet[Vacancy]:
        if self.action != "list":
            return selectors.public_vacancies()
        params = PublicSearchSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        reach = ReachableFilterSerializer(data=self.request.query_params)
        reach.is_valid(raise_exception=True)
        minutes = reach.validated_data.get("reachable_within_minutes")
        vacancies = selectors.public_vacancies(**params.search_kwargs(journey_minutes=minutes))
        return public_vacancies_reachable_filter(vacancies, minutes, params.validated_data.get("postcode"))

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page's keys in the search's order (`public_search_keys`: counted with them where the sort reads
        every match anyway), then their rows in one query by id."""
        page = self.paginate_queryset(selectors.public_search_keys(self.get_queryset()))
        by_id = selectors.public_vacancy_rows_by_id([key["pk"] for key in page], PUBLIC_VACANCY_COLUMNS)
        rows = [by_id[key["pk"]] | key for key in page if key["pk"] in by_id]  # one closed in between is left out
        return self.get_paginated_response(public_vacancy_rows(rows))
