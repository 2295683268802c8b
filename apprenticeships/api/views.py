from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apprenticeships import services
from apprenticeships.api import serializers as s
from apprenticeships.api.throttles import AddressRateThrottle, UsernameRateThrottle
from apprenticeships.filters import StandardFilter
from apprenticeships.models import Standard
from apprenticeships.permissions import (
    user_organisation,
    user_role,
    visible_employers,
    visible_providers,
    visible_users,
)
from apprenticeships.places import place_lookup
from apprenticeships.selectors import active_users_exist
from apprenticeships.services import levy
from apprenticeships.services.accounts import api_token_create, api_token_revoke
from apprenticeships.services.personal_data import personal_data_erase, personal_data_export
from lcr_skills.lockout import lockout_message


class SignInLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenView(APIView):
    """Exchange a username and password for an API token (POST); revoke the token in use (DELETE)."""

    access_name = "auth-token"
    # Per address and per username, so that neither many addresses nor many usernames get more tries.
    throttle_classes = [AddressRateThrottle, UsernameRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=AuthTokenSerializer, responses={200: s.TokenSerializer})
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        # django-axes flags the request it was given (this DRF request), so its middleware can't see it: answer here.
        if getattr(request, "axes_locked_out", False):
            raise SignInLockedOut(lockout_message())
        if not valid:
            raise exceptions.ValidationError(serializer.errors)
        token, key = api_token_create(user=serializer.validated_data["user"])
        return Response(s.TokenSerializer({"token": key, "expiry": token.expiry}).data)

    @extend_schema(request=None, responses={204: None, 400: OpenApiResponse(description="Not signed with a token")})
    def delete(self, request: Request) -> Response:
        if request.auth is None:  # signed in with a session: there is no token to revoke
            detail = "This request was not signed with a token, so there is none to revoke."
            return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who is signed in, their role and organisation."""

    access_name = "me"

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        organisation = user_organisation(request.user)
        data = {
            "username": request.user.get_username(),
            "role": user_role(request.user),
            "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
        }
        return Response(s.MeSerializer(data).data)


class PlaceView(APIView):
    """Look up a UK postcode or postcode district."""

    access_name = "places"

    @extend_schema(
        responses={200: s.PlaceSerializer, 400: OpenApiResponse(description="Malformed or unknown postcode")}
    )
    def get(self, request: Request, postcode: str) -> Response:
        try:
            place = place_lookup(postcode)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"postcode": error.messages}) from None
        return Response(s.PlaceSerializer(place).data)


class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """Apprenticeship standards: search by text, filter by level, route and status."""

    access_name = "standards"
    queryset = Standard.objects.all()
    serializer_class = s.StandardSerializer
    lookup_field = "lars_code"
    filterset_class = StandardFilter
    search_fields = ["title", "keywords", "typical_job_titles", "route"]
    ordering_fields = ["lars_code", "title", "level", "max_funding"]


class OrganisationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ["name", "postcode"]
    ordering_fields = ["name", "created_at"]

    def perform_update(self, serializer: serializers.Serializer) -> None:
        services.organisation_update(serializer.instance, **serializer.validated_data)


class EmployerViewSet(OrganisationViewSet):
    """Employer organisations: hub staff onboard them; an employer sees and edits its own."""

    access_name = "employers"
    serializer_class = s.EmployerSerializer
    filterset_fields = ["is_levy_payer", "local_authority__code"]

    def get_queryset(self):
        return (
            visible_employers(self.request.user)
            .select_related("local_authority")
            .annotate(has_active_users=active_users_exist(employer=OuterRef("pk")))
        )

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.employer_create(**serializer.validated_data)

    @extend_schema(responses=s.LevyPositionSerializer)
    @action(detail=True, methods=["get"])
    def levy(self, request: Request, pk: str | None = None) -> Response:
        """The employer's levy position: a year's funds with the top-up, what its vacancies commit, what is left."""
        return Response(s.LevyPositionSerializer(levy.levy_position(self.get_object()).as_dict()).data)


class ProviderViewSet(OrganisationViewSet):
    """Training provider organisations: hub staff onboard them; a provider sees and edits its own."""

    access_name = "providers"
    serializer_class = s.ProviderSerializer
    filterset_fields = ["ofsted_grade", "local_authority__code"]
    search_fields = ["name", "ukprn", "postcode"]

    def get_queryset(self):
        return (
            visible_providers(self.request.user)
            .select_related("local_authority")
            .annotate(has_active_users=active_users_exist(provider=OuterRef("pk")))
        )

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.provider_create(**serializer.validated_data)


class UserViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Hub-only onboarding of user accounts. Passwords are never returned."""

    access_name = "users"
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ["username", "email"]
    ordering_fields = ["username", "date_joined"]

    def get_queryset(self):
        return (
            visible_users(self.request.user)
            .select_related("membership__employer", "membership__provider")
            .prefetch_related("groups")
            .order_by("username")
        )

    def get_serializer_class(self):
        return s.UserUpdateSerializer if self.action == "partial_update" else s.UserSerializer

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.user_create(**serializer.validated_data, by=self.request.user)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        services.user_update(serializer.instance, **serializer.validated_data, by=self.request.user)

    @extend_schema(responses=s.UserSerializer)
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        super().partial_update(request, *args, **kwargs)
        return Response(s.UserSerializer(self.get_object()).data, status=status.HTTP_200_OK)

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The user's personal data (JSON file)")}
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """Everything held about this person, as a JSON download (UK GDPR right of access)."""
        user = self.get_object()
        disposition = f'attachment; filename="personal-data-user-{user.pk}.json"'
        headers = {"Content-Disposition": disposition, "Cache-Control": "no-store"}  # personal data: never cached
        return Response(personal_data_export(user=user), headers=headers)

    @extend_schema(request=None, responses=s.UserSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        """Erase this person's details for good (UK GDPR erasure); their decisions stay, without them."""
        return Response(s.UserSerializer(personal_data_erase(user=self.get_object(), by=request.user)).data)
