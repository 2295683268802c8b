"""Reach by public transport between two places (docs/reach.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apprenticeships.transport.search import REACH_FILTER_MINUTES, vacancies_reachable
from apprenticeships.transport.travel import place_key, place_point, travel_time


class LegSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["walk", "ride"])
    from_stop = serializers.CharField(allow_blank=True, help_text="Empty for the place itself.")
    to_stop = serializers.CharField(allow_blank=True, help_text="Empty for the place itself.")
    departs = serializers.CharField(help_text="Local clock time, HH:MM.")
    arrives = serializers.CharField(help_text="Local clock time, HH:MM.")
    minutes = serializers.IntegerField()


class ReachSerializer(serializers.Serializer):
    origin = serializers.CharField()
    destination = serializers.CharField()
    arrive_by = serializers.CharField(help_text="The local time the journey arrives by (TRAVEL_ARRIVE_BY).")
    minutes = serializers.IntegerField(allow_null=True, help_text="Door to door; null when unreachable in time.")
    method = serializers.ChoiceField(
        choices=["timetable", "estimate"],
        help_text="timetable: planned on the imported GTFS feed; estimate: from distance and stop access only.",
    )
    changes = serializers.IntegerField(allow_null=True, help_text="Changes of vehicle; null for an estimate.")
    legs = LegSerializer(many=True)


class ReachQuerySerializer(serializers.Serializer):
    to = serializers.CharField(max_length=20, help_text="The destination postcode.")


class PlaceReachView(APIView):
    """How long it takes by public transport from a postcode to another, arriving by the morning deadline."""

    access_name = "places"

    @extend_schema(
        parameters=[OpenApiParameter("to", str, required=True, description="The destination postcode.")],
        responses={
            200: ReachSerializer,
            400: OpenApiResponse(description="A malformed or unknown postcode, or no `to`"),
        },
    )
    def get(self, request: Request, postcode: str) -> Response:
        query = ReachQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        keys, errors = {}, {}
        for field, raw in (("postcode", postcode), ("to", query.validated_data["to"])):
            try:
                keys[field] = place_key(raw)
                place_point(keys[field])
            except DjangoValidationError as error:
                errors[field] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        reach = travel_time(origin=keys["postcode"], destination=keys["to"])
        data = {
            "origin": keys["postcode"],
            "destination": keys["to"],
            "arrive_by": settings.TRAVEL_ARRIVE_BY,
            "minutes": reach.minutes,
            "method": reach.method,
            "changes": reach.changes,
            "legs": reach.legs,
        }
        return Response(ReachSerializer(data).data)


class ReachableFilterSerializer(serializers.Serializer):
    reachable_within_minutes = serializers.IntegerField(
        required=False,
        min_value=REACH_FILTER_MINUTES[0],
        max_value=REACH_FILTER_MINUTES[1],
        help_text="Only vacancies reachable by public transport from `postcode` within this many minutes, "
        "arriving by the morning deadline (docs/reach.md).",
    )


def public_vacancies_reachable_filter(vacancies, minutes: int | None, postcode) -> object:
    """The public search's reach filter (`minutes` as ReachableFilterSerializer validated it), kept apart from
    the search's own (a small separate step)."""
    if minutes is None:
        return vacancies
    if postcode is None:
        raise serializers.ValidationError(
            {"reachable_within_minutes": ["Give your postcode to search by travel time from it."]}
        )
    return vacancies_reachable(vacancies, origin=postcode.postcode, minutes=minutes)
