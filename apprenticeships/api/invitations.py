"""Invitations API (hub staff, and organisations' admins for their own organisation) and hub tasks API."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships.models import Employer, HubTask, Invitation, Provider
from apprenticeships.permissions import is_hub, user_organisation, visible_hub_tasks, visible_invitations
from apprenticeships.services import hub_tasks, invitations


class InvitationSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(),
        required=False,
        allow_null=True,
        help_text="The employer to join (hub staff name one organisation; an admin's own is the default).",
    )
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Provider.objects.all(), required=False, allow_null=True, help_text="The training provider to join."
    )
    email = serializers.EmailField(max_length=150)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_admin = serializers.BooleanField(
        required=False, default=False, help_text="Whether they may invite colleagues (hub staff decide this)."
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "employer",
            "provider",
            "organisation_name",
            "is_admin",
            "status",
            "sent_at",
            "expires_at",
            "accepted_at",
            "cancelled_at",
        ]
        read_only_fields = ["role", "sent_at", "expires_at", "accepted_at", "cancelled_at"]
        validators = []  # one open invitation per person and organisation: the service says so in words

    def validate(self, attrs: dict) -> dict:
        employer, provider = attrs.get("employer"), attrs.get("provider")
        if not is_hub(self.context["request"].user) and employer is None and provider is None:
            mine = user_organisation(self.context["request"].user)
            employer, provider = (mine, None) if isinstance(mine, Employer) else (None, mine)
        if (employer is None) == (provider is None):
            raise serializers.ValidationError({"employer": ["Name one organisation: an employer or a provider."]})
        attrs["organisation"] = employer or provider
        return attrs


class InvitationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Invitations to join an organisation, e-mailed with a link that works once and expires."""

    access_name = "invitations"
    serializer_class = InvitationSerializer
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["sent_at", "email"]
    search_fields = ["email"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return visible_invitations(self.request.user).order_by("-created_at", "-id")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        data = serializer.validated_data
        serializer.instance = invitations.invitation_create(
            email=data["email"], organisation=data["organisation"], by=self.request.user, is_admin=data["is_admin"]
        )

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str | None = None) -> Response:
        """Send the invitation again with a new link (the old one stops working) and a new expiry."""
        invitation = invitations.invitation_resend(self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation, context={"request": request}).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel an invitation not yet accepted: its link stops working."""
        invitation = invitations.invitation_cancel(self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation, context={"request": request}).data)


class HubTaskSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = HubTask
        fields = [
            "id",
            "kind",
            "title",
            "details",
            "employer",
            "provider",
            "link",
            "done",
            "done_at",
            "closed_because",
            "created_at",
        ]
        extra_kwargs = {
            "closed_because": {"help_text": "Why the service closed it by itself (its match declined or ended)."}
        }

    def get_done(self, task: HubTask) -> bool:
        return task.done_at is not None


class HubTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The hub's own tasks, such as introducing by phone an organisation that has no users."""

    access_name = "hub-tasks"
    serializer_class = HubTaskSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[HubTask]:
        return visible_hub_tasks(self.request.user).order_by("done_at", "-created_at", "-id")

    @extend_schema(request=None, responses=HubTaskSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Mark the task done."""
        task = hub_tasks.hub_task_mark(self.get_object(), by=request.user, done=True)
        return Response(HubTaskSerializer(task).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=HubTaskSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str | None = None) -> Response:
        """Mark the task not done again."""
        task = hub_tasks.hub_task_mark(self.get_object(), by=request.user, done=False)
        return Response(HubTaskSerializer(task).data, status=status.HTTP_200_OK)
