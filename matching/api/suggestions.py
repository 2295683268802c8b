"""Suggestions (hub: all; parties: approved ones involving them): the hub's decisions and the parties' answers."""

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships.api.serializers import LocalAuthoritySerializer
from apprenticeships.filters import IdFilter, IntegerFilter
from apprenticeships.history import actor_shown
from lcr_skills.text import validate_multi_line
from matching import services
from matching.ml.explain import explanation_rows, summary
from matching.models import (
    EndReason,
    PartyResponse,
    RejectReason,
    Suggestion,
    SuggestionEvent,
    reject_note_missing,
)
from matching.permissions import visible_suggestions
from matching.selectors import in_review_order, suggestion_rows_by_id, with_parts


class ExplanationSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(
        help_text="Under the prior: what the feature adds to the score (they add up to it). Under a trained "
        "model: its push up or down in log-odds against an average suggestion (with the model's intercept "
        "they add up to the log-odds of the score)."
    )
    text = serializers.CharField()


@extend_schema_field(ExplanationSerializer(many=True))
class ExplanationField(serializers.Field):
    """The explanation rows as ExplanationSerializer(many=True) writes them, without a serializer per row: the
    review queue's page has 25 suggestions of 13 rows each, and nested serializers cost more than the query."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, rows: list[dict]) -> list[dict]:
        return explanation_represented(rows)


def explanation_represented(rows: list[dict]) -> list[dict]:
    return [
        {
            "feature": str(row["feature"]),
            "value": None if row["value"] is None else float(row["value"]),
            "contribution": float(row["contribution"]),
            "text": str(row["text"]),
        }
        for row in rows
    ]


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class ContactsSerializer(serializers.Serializer):
    employer = PersonSerializer(many=True)
    provider = PersonSerializer(many=True)


class SuggestionSerializer(serializers.ModelSerializer):
    explanation = ExplanationField()
    summary = serializers.SerializerMethodField()
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)
    employer_name = serializers.CharField(source="vacancy.employer.name", read_only=True)
    provider = serializers.IntegerField(source="course_offer.provider_id", read_only=True)
    provider_name = serializers.CharField(source="course_offer.provider.name", read_only=True)
    course_title = serializers.CharField(source="course_offer.title", read_only=True)
    cohort_start_date = serializers.DateField(source="cohort.start_date", read_only=True)
    # What the list filters by, shown too: nobody filters by what they can't read (issue 12).
    standard = serializers.IntegerField(source="vacancy.standard.lars_code", read_only=True)
    level = serializers.IntegerField(source="vacancy.standard.level", read_only=True)
    route = serializers.CharField(source="vacancy.standard.route", read_only=True)
    local_authority = LocalAuthoritySerializer(source="vacancy.local_authority", read_only=True)
    # Blank until the hub rejects it, a party answers or the introduction ends: the schema's enums must say so.
    reject_reason = serializers.ChoiceField(
        choices=RejectReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the hub rejected it (status rejected); empty otherwise.",
    )
    employer_response = serializers.ChoiceField(
        choices=PartyResponse.choices,
        allow_blank=True,
        read_only=True,
        help_text="accepted or declined; empty until then.",
    )
    provider_response = serializers.ChoiceField(
        choices=PartyResponse.choices,
        allow_blank=True,
        read_only=True,
        help_text="accepted or declined; empty until then.",
    )
    end_reason = serializers.ChoiceField(
        choices=EndReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why an introduction ended (status ended); empty otherwise.",
    )

    transfer_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        read_only=True,
        help_text="Pounds the proposed levy-transfer pledge would pay (issue 17); null without one.",
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "vacancy",
            "course_offer",
            "cohort",
            "score",
            "rank",
            "status",
            "explanation",
            "summary",
            "version",
            "model_version",
            "vacancy_title",
            "employer_name",
            "provider",
            "provider_name",
            "course_title",
            "cohort_start_date",
            "standard",
            "level",
            "route",
            "local_authority",
            "reject_reason",
            "employer_response",
            "provider_response",
            "end_reason",
            "decided_at",
            "pledge",
            "transfer_amount",
            "pledge_reason",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "score": {
                "help_text": "Between 0 and 1. Under a model trained on the hub's decisions (model_version "
                "trained-…): the calibrated chance the hub approves a suggestion like this."
            }
        }

    contacts = serializers.SerializerMethodField(help_text="Each party's people, once the hub has approved the match.")

    @extend_schema_field(serializers.CharField())
    def get_summary(self, suggestion: Suggestion) -> str:
        return summary(suggestion.explanation)

    @extend_schema_field(ContactsSerializer(allow_null=True))
    def get_contacts(self, suggestion: Suggestion) -> dict | None:
        if suggestion.status not in Suggestion.INTRODUCED:
            return None  # contact details only once introduced
        return services.party_contacts(suggestion)


# The list's rows are read with values() and written by `suggestion_rows`, not by the serializer (which stays
# the schema and the single suggestion's answer): for the review queue's page of 25, model instances, eight
# prefetch queries and DRF's work per field cost several times the queue's own query (issue 19).
# tests/review/test_lean_rows.py checks that each row is the one SuggestionSerializer writes.
SUGGESTION_COLUMNS = (
    "id",
    "vacancy_id",
    "course_offer_id",
    "cohort_id",
    "score",
    "rank",
    "status",
    "features",
    "contributions",
    "version",
    "model_version",
    "vacancy__title",
    "vacancy__employer_id",
    "vacancy__employer__name",
    "course_offer__provider_id",
    "course_offer__provider__name",
    "course_offer__title",
    "cohort__start_date",
    "vacancy__standard__lars_code",
    "vacancy__standard__level",
    "vacancy__standard__route",
    "vacancy__local_authority__code",
    "vacancy__local_authority__name",
    "reject_reason",
    "employer_response",
    "provider_response",
    "end_reason",
    "decided_at",
    "pledge_id",
    "transfer_amount",
    "pledge_reason",
    "created_at",
    "updated_at",
)


def suggestion_rows(rows: list[dict], contacts: dict[int, dict]) -> list[dict]:
    """SuggestionSerializer's representation of rows read with SUGGESTION_COLUMNS; `contacts` by suggestion id
    for those introduced (services.party_contacts)."""
    # The time zone looked up once for the page, not for each of its 75 times (DRF's field asks on every call).
    when = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
    money = SuggestionSerializer._declared_fields["transfer_amount"]
    out = []
    for row in rows:
        explanation = explanation_rows(row["features"], row["contributions"], reader="hub")
        out.append(
            {
                "id": row["id"],
                "vacancy": row["vacancy_id"],
                "course_offer": row["course_offer_id"],
                "cohort": row["cohort_id"],
                "score": row["score"],
                "rank": row["rank"],
                "status": row["status"],
                "explanation": explanation_represented(explanation),
                "summary": summary(explanation),
                "version": row["version"],
                "model_version": row["model_version"],
                "vacancy_title": row["vacancy__title"],
                "employer_name": row["vacancy__employer__name"],
                "provider": row["course_offer__provider_id"],
                "provider_name": row["course_offer__provider__name"],
                "course_title": row["course_offer__title"],
                "cohort_start_date": row["cohort__start_date"].isoformat(),
                "standard": row["vacancy__standard__lars_code"],
                "level": row["vacancy__standard__level"],
                "route": row["vacancy__standard__route"],
                "local_authority": {
                    "code": row["vacancy__local_authority__code"],
                    "name": row["vacancy__local_authority__name"],
                },
                "reject_reason": row["reject_reason"],
                "employer_response": row["employer_response"],
                "provider_response": row["provider_response"],
                "end_reason": row["end_reason"],
                "decided_at": when.to_representation(row["decided_at"]) if row["decided_at"] else None,
                "pledge": row["pledge_id"],
                "transfer_amount": money.to_representation(row["transfer_amount"])
                if row["transfer_amount"] is not None
                else None,
                "pledge_reason": row["pledge_reason"],
                "contacts": contacts.get(row["id"]),
                "created_at": when.to_representation(row["created_at"]),
                "updated_at": when.to_representation(row["updated_at"]),
            }
        )
    return out


class SuggestionFilter(django_filters.FilterSet):
    # No DISTINCT (django-filter's default for this filter): a column of the row itself cannot repeat it.
    status = django_filters.MultipleChoiceFilter(choices=Suggestion.Status.choices, distinct=False)
    vacancy = IdFilter(field_name="vacancy_id")
    course_offer = IdFilter(field_name="course_offer_id")
    provider = IdFilter(field_name="course_offer__provider_id")
    local_authority = django_filters.CharFilter(field_name="vacancy__local_authority__code")
    standard = IntegerFilter(field_name="vacancy__standard__lars_code")
    route = django_filters.CharFilter(field_name="vacancy__standard__route", lookup_expr="iexact")
    level = IntegerFilter(field_name="vacancy__standard__level")
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    rank = IntegerFilter()

    class Meta:
        model = Suggestion
        fields = [
            "status",
            "vacancy",
            "course_offer",
            "provider",
            "local_authority",
            "standard",
            "route",
            "level",
            "score_min",
            "score_max",
            "rank",
        ]


class ApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version of the suggestion you looked at.")


class RejectSerializer(ApproveSerializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", validators=[validate_multi_line]
    )

    def validate(self, attrs: dict) -> dict:
        if reject_note_missing(attrs["reason"], attrs["note"]):
            raise serializers.ValidationError({"note": ["Say why, when the reason is “other”."]})
        return attrs


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        validators=[validate_multi_line],
        help_text="Why your organisation declines the introduction.",
    )


class EventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField(
        help_text="Who acted (login name), shown to hub staff and to that person's own organisation; else null."
    )
    by_role = serializers.SerializerMethodField(
        help_text="“Hub staff”, “Employer”, “Training provider” or “The service”."
    )

    class Meta:
        model = SuggestionEvent
        fields = [
            "action",
            "by",
            "by_role",
            "actor_role",
            "from_status",
            "to_status",
            "reason",
            "note",
            "seen",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, event: SuggestionEvent) -> str | None:
        return actor_shown(actor=event.actor, role=event.actor_role, reader=self.context["request"].user).username

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by_role(self, event: SuggestionEvent) -> str | None:
        return actor_shown(actor=event.actor, role=event.actor_role, reader=self.context["request"].user).role


class SuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Suggestions with their explanations, in review order (most deprived areas first).

    Hub staff see all and approve or reject them; employers and providers see only approved ones
    involving them, and accept or decline the introduction.
    """

    access_name = "suggestions"
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    ordering_fields = ["score", "rank", "created_at", "vacancy"]

    def get_queryset(self) -> QuerySet[Suggestion]:
        members = services.active_members()
        return in_review_order(
            with_parts(
                visible_suggestions(self.request.user)
            ).prefetch_related(  # each introduced suggestion lists both parties' contacts
                Prefetch("vacancy__employer__members", queryset=members, to_attr="contact_members"),
                Prefetch("course_offer__provider__members", queryset=members, to_attr="contact_members"),
            )
        )

    def _contacts(self, rows: list[dict]) -> dict[int, dict]:
        """Each introduced row's contacts (services.party_contacts), by suggestion id. Looked up in one query
        whenever the list may hold an introduced suggestion (so a page asks the same questions however many
        of its rows are), never for the review queue itself (status=suggested)."""
        statuses = set(self.request.query_params.getlist("status"))
        if not rows or (statuses and not statuses & set(Suggestion.INTRODUCED)):
            return {}
        employers, providers = services.organisations_people(
            employer_ids={row["vacancy__employer_id"] for row in rows},
            provider_ids={row["course_offer__provider_id"] for row in rows},
        )
        return {
            row["id"]: {
                "employer": employers.get(row["vacancy__employer_id"], []),
                "provider": providers.get(row["course_offer__provider_id"], []),
            }
            for row in rows
            if row["status"] in Suggestion.INTRODUCED
        }

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page's ids in the list's order (one query on the suggestion and its vacancy, as the queue's index
        serves it), then their rows in one query; contact details only for those introduced."""
        ids = list(self.paginate_queryset(self.filter_queryset(self.get_queryset()).values_list("id", flat=True)))
        by_id = suggestion_rows_by_id(ids, SUGGESTION_COLUMNS)
        rows = [by_id[i] for i in ids if i in by_id]  # one deleted in between (a run's swap) is left out
        return self.get_paginated_response(suggestion_rows(rows, self._contacts(rows)))

    def _respond(self, suggestion: Suggestion) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=suggestion.pk)).data)

    @extend_schema(
        request=ApproveSerializer,
        responses={
            200: SuggestionSerializer,
            409: OpenApiResponse(
                description="Stale version, already decided, or the cohort is full; body: current status and version."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic  # the answer shows this decision's outcome, read before another can follow it
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the suggestion you saw (give its version): introduces the employer and provider."""
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        suggestion = services.suggestion_approve(self.get_object().pk, by=request.user, **body.validated_data)
        return self._respond(suggestion)

    @extend_schema(
        request=RejectSerializer,
        responses={200: SuggestionSerializer, 409: OpenApiResponse(description="Stale version or already decided.")},
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic  # the answer shows this decision's outcome, read before another can follow it
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject the suggestion you saw, with a reason from the fixed list."""
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        suggestion = services.suggestion_reject(self.get_object().pk, by=request.user, **body.validated_data)
        return self._respond(suggestion)

    @extend_schema(
        request=None, responses={200: SuggestionSerializer, 409: OpenApiResponse(description="Not open to an answer.")}
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic  # the answer shows this decision's outcome, read before another can follow it
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the introduction for your organisation; when both accept, the match is agreed."""
        suggestion = services.suggestion_respond(self.get_object().pk, by=request.user, accept=True)
        return self._respond(suggestion)

    @extend_schema(
        request=DeclineSerializer,
        responses={200: SuggestionSerializer, 409: OpenApiResponse(description="Not open to an answer.")},
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic  # the answer shows this decision's outcome, read before another can follow it
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline the introduction for your organisation, saying why; the vacancy is matched again."""
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        suggestion = services.suggestion_respond(
            self.get_object().pk, by=request.user, accept=False, reason=body.validated_data["reason"]
        )
        return self._respond(suggestion)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every decision and change of state, oldest first, with the suggestion as it was seen."""
        events = self.get_object().events.select_related("actor__membership")
        return Response(EventSerializer(events, many=True, context=self.get_serializer_context()).data)
