"""Applications (anonymous, to a live vacancy), employers answering them, alerts, and applicants' data for hub staff."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.generics import get_object_or_404  # a pk that is not a number: 404, not a 500
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apprenticeships.api.public_search import search_errors, search_parameter_names
from apprenticeships.api.throttles import AddressRateThrottle, EmailRateThrottle
from apprenticeships.funding.rules import AGE_GROUPS
from apprenticeships.models import Application, Vacancy
from apprenticeships.models.applications import ABOUT_MAX_LENGTH
from apprenticeships.models.organisations import phone_validator
from apprenticeships.permissions import visible_applications, visible_vacancies
from apprenticeships.places import postcode_tidy
from apprenticeships.services import alerts, applicant_data, applications
from lcr_skills.text import validate_multi_line, validate_single_line


class ApplicationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, validators=[validate_single_line])
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_single_line, phone_validator]
    )
    postcode = serializers.CharField(max_length=8, required=False, allow_blank=True, validators=[validate_single_line])
    age_group = serializers.ChoiceField(choices=AGE_GROUPS, required=False, allow_blank=True)
    about = serializers.CharField(
        max_length=ABOUT_MAX_LENGTH, required=False, allow_blank=True, validators=[validate_multi_line]
    )
    consent = serializers.BooleanField(
        help_text="Must be true: you agree to your details going to the employer, as the privacy notice says."
    )

    def validate_postcode(self, value: str) -> str:
        try:
            return postcode_tidy(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_consent(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError("Agree to your details being shared with the employer to apply.")
        return value


class ApplicationSerializer(serializers.ModelSerializer):
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "vacancy",
            "vacancy_title",
            "name",
            "email",
            "phone",
            "postcode",
            "age_group",
            "about",
            "status",
            "status_changed_at",
            "created_at",
        ]
        read_only_fields = [name for name in fields if name != "status"]


VACANCY_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The vacancy's id.")


class ApplicationReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    vacancy = serializers.IntegerField()
    detail = serializers.CharField()


class ClosedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    status = serializers.CharField(
        help_text="“closed”, or “apply_elsewhere” when the employer takes applications itself."
    )
    apply_url = serializers.CharField(required=False, help_text="The employer's own application page, if it has one.")


class PublicApplicationView(APIView):
    """Apply to a live vacancy, without an account. A confirmation is e-mailed to you."""

    access_name = "public-vacancy-applications"
    authentication_classes: list = []  # anonymous: no session, so no CSRF
    throttle_classes = [AddressRateThrottle, EmailRateThrottle]
    throttle_scope = "apply"
    email_throttle_scope = "apply-email"

    @extend_schema(
        parameters=[VACANCY_ID],
        request=ApplicationCreateSerializer,
        responses={
            201: ApplicationReceiptSerializer,
            404: OpenApiResponse(description="No such public vacancy."),
            409: ClosedSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        vacancy = get_object_or_404(
            Vacancy.objects.exclude(status__in=[Vacancy.Status.DRAFT, Vacancy.Status.SUBMITTED]), pk=pk
        )
        body = ApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {k: v for k, v in body.validated_data.items() if k != "consent"}
        application = applications.application_create(vacancy_id=vacancy.pk, **values)
        detail = "Your application has been sent to the employer. We have e-mailed you a confirmation."
        return Response({"id": application.pk, "vacancy": vacancy.pk, "detail": detail}, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[VACANCY_ID])
class VacancyApplicationsView(generics.ListAPIView):
    """The applications to one of your vacancies, newest first (hub staff: any vacancy's)."""

    access_name = "vacancy-applications"
    serializer_class = ApplicationSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        vacancy = get_object_or_404(visible_vacancies(self.request.user), pk=self.kwargs["pk"])
        return visible_applications(self.request.user).filter(vacancy=vacancy).select_related("vacancy")


class ApplicationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Application.Status.choices)


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications to your organisation's vacancies (hub staff: all); answer one by giving it a status."""

    access_name = "applications"
    serializer_class = ApplicationSerializer
    filter_backends: list = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Application]:
        return visible_applications(self.request.user).select_related("vacancy")

    @extend_schema(request=ApplicationStatusSerializer, responses=ApplicationSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the status: new, contacted, interviewing, offered or unsuccessful. The applicant is e-mailed of a
        change, but not of one back to new (which only puts a mis-click right)."""
        application = self.get_object()
        body = ApplicationStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = applications.application_status_set(
            application=application, status=body.validated_data["status"], by=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)


class AlertCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    level = serializers.CharField(required=False, allow_blank=True, max_length=2)
    local_authority = serializers.CharField(required=False, allow_blank=True, max_length=60)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    within_miles = serializers.CharField(required=False, allow_blank=True, max_length=6)
    within_km = serializers.CharField(required=False, allow_blank=True, max_length=6)
    age_group = serializers.CharField(required=False, allow_blank=True, max_length=5)

    def validate(self, attrs: dict) -> dict:
        given = {k: v for k, v in attrs.items() if k != "email"}
        data = self.initial_data if hasattr(self.initial_data, "get") else {}
        # Any other parameter the public search takes (a filter added to it later) is kept as given.
        for name in search_parameter_names() - set(self.fields):
            value = data.get(name)
            if isinstance(value, str | int | float | bool) and str(value).strip():
                given[name] = str(value)[:100]
        search = alerts.search_normalise(given)
        errors = search_errors(search)
        if errors:
            raise serializers.ValidationError(errors)
        return {"email": attrs["email"], "search": search}


class AlertReceiptSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PublicAlertView(APIView):
    """Ask for a daily e-mail of new vacancies for a search (the public search's parameters); confirm it by e-mail."""

    access_name = "public-alerts"
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle, EmailRateThrottle]
    throttle_scope = "alert"
    email_throttle_scope = "alert-email"

    @extend_schema(request=AlertCreateSerializer, responses={202: AlertReceiptSerializer})
    def post(self, request: Request) -> Response:
        body = AlertCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alerts.alert_subscribe(**body.validated_data)
        # The same answer whether or not an e-mail went: it tells nobody who has asked for alerts.
        detail = "If this address has not asked for this search already, we have e-mailed it a link to confirm."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class ApplicantEmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ApplicantDataSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    email = serializers.EmailField()
    applications = serializers.ListField(child=serializers.DictField())
    alerts = serializers.ListField(child=serializers.DictField())


class ApplicantErasedSerializer(serializers.Serializer):
    applications = serializers.IntegerField(help_text="How many applications were deleted.")
    alerts = serializers.IntegerField(help_text="How many alerts were deleted.")


class ApplicantDataExportView(APIView):
    """Hub staff: everything held about a person who applied or asked for alerts, by their e-mail address."""

    access_name = "applicant-data"

    @extend_schema(request=ApplicantEmailSerializer, responses={200: ApplicantDataSerializer})
    def post(self, request: Request) -> Response:
        body = ApplicantEmailSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(applicant_data.applicant_data_export(email=body.validated_data["email"]))


class ApplicantDataEraseView(APIView):
    """Hub staff: delete a person's applications and alerts, by their e-mail address."""

    access_name = "applicant-data"

    @extend_schema(request=ApplicantEmailSerializer, responses={200: ApplicantErasedSerializer})
    def post(self, request: Request) -> Response:
        body = ApplicantEmailSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(applicant_data.applicant_data_erase(email=body.validated_data["email"], by=request.user))
