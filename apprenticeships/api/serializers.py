from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from apprenticeships.models import Employer, LocalAuthority, Provider, Role, Standard
from apprenticeships.models.organisations import MAX_ANNUAL_PAY_BILL_GBP
from apprenticeships.permissions import is_hub, user_organisation, user_role
from apprenticeships.places import Place, place_lookup


def validated_place(value: str) -> Place:
    try:
        return place_lookup(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None


def validated_postcode(value: str) -> str:
    return validated_place(value).postcode


class PostcodeSearchMixin:
    """A search's optional `postcode` parameter, read as a Place (None when blank)."""

    def validate_postcode(self, value: str) -> Place | None:
        return validated_place(value) if value.strip() else None


class LocalAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAuthority
        fields = ["code", "name"]


# Whom the hub phones when nobody at the organisation has an account.
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class HasUsersField(serializers.BooleanField):
    """Whether anyone at the organisation has an active account (and so gets the service's e-mails)."""

    def __init__(self) -> None:
        super().__init__(
            read_only=True,
            source="*",
            help_text="Whether anyone at the organisation has an active account: if not, nobody there gets e-mails.",
        )

    def to_representation(self, organisation: object) -> bool:
        annotated = getattr(organisation, "has_active_users", None)  # a list annotates it: no query per row
        return annotated if annotated is not None else organisation.members.filter(user__is_active=True).exists()


class EmployerSerializer(serializers.ModelSerializer):
    local_authority = LocalAuthoritySerializer(read_only=True)
    has_users = HasUsersField()
    annual_pay_bill = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=MAX_ANNUAL_PAY_BILL_GBP,
        coerce_to_string=False,
        error_messages={"max_value": f"Enter an annual pay bill of at most £{MAX_ANNUAL_PAY_BILL_GBP:,}."},
    )

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "postcode",
            "sector",
            "is_levy_payer",
            "annual_pay_bill",
            "local_authority",
            *CONTACT_FIELDS,
            "has_users",
        ]
        # The stored postcode is normalised to 8 characters at most; what people type ("l1  8jq") may be longer
        # and still valid, and junk deserves the postcode message rather than a length one.
        extra_kwargs = {"postcode": {"max_length": 20}}

    def validate_postcode(self, value: str) -> str:
        return validated_postcode(value)


class ProviderSerializer(serializers.ModelSerializer):
    local_authority = LocalAuthoritySerializer(read_only=True)
    has_users = HasUsersField()
    achievement_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )
    # Identity and quality figures come from official sources, so only hub staff record them.
    hub_only_fields = ("ukprn", "ofsted_grade", "achievement_rate")

    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "ukprn",
            "postcode",
            "ofsted_grade",
            "achievement_rate",
            "local_authority",
            *CONTACT_FIELDS,
            "has_users",
        ]
        extra_kwargs = {"postcode": {"max_length": 20}}  # as for employers

    def validate_postcode(self, value: str) -> str:
        return validated_postcode(value)

    def validate(self, attrs: dict) -> dict:
        if not is_hub(self.context["request"].user):
            errors = {
                name: ["Only hub staff can change this."]
                for name in self.hub_only_fields
                if name in attrs and attrs[name] != getattr(self.instance, name, None)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


# A user's role and organisation live on the hub group or the membership, not on User: read them from there.
class UserRoleField(serializers.ChoiceField):
    def get_attribute(self, user: User) -> str | None:
        return user_role(user)


class UserOrganisationField(serializers.IntegerField):
    def get_attribute(self, user: User) -> int | None:
        organisation = user_organisation(user)
        return organisation.id if organisation else None


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)
    role = UserRoleField(choices=Role.choices)
    organisation = UserOrganisationField(
        required=False, allow_null=True, help_text="Employer or provider id; required for those roles."
    )
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "password", "email", "role", "organisation", "organisation_name", "is_active"]
        read_only_fields = ["is_active"]

    def get_organisation_name(self, user: User) -> str | None:
        organisation = user_organisation(user)
        return organisation.name if organisation else None

    def validate(self, attrs: dict) -> dict:
        role, organisation_id = attrs["role"], attrs.pop("organisation", None)
        model = {Role.EMPLOYER: Employer, Role.PROVIDER: Provider}.get(role)
        if model is None:
            if organisation_id is not None:
                raise serializers.ValidationError({"organisation": ["Hub staff don't belong to an organisation."]})
        elif organisation_id is None:
            raise serializers.ValidationError({"organisation": [f"A {role} user needs an organisation."]})
        else:
            attrs["organisation"] = model.objects.filter(pk=organisation_id).first()
            if attrs["organisation"] is None:
                raise serializers.ValidationError({"organisation": [f"There is no {role} with id {organisation_id}."]})
        try:
            password_validation.validate_password(
                attrs["password"], User(username=attrs["username"], email=attrs.get("email", ""))
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs


class UserUpdateSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, trim_whitespace=False)

    class Meta:
        model = User
        fields = ["email", "password", "is_active"]

    def validate_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, self.instance)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`. Shown only now: it is stored hashed."
    )
    expiry = serializers.DateTimeField(
        help_text="When it stops working unless used sooner; each use extends it, up to a maximum age."
    )


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)


class StandardSerializer(serializers.ModelSerializer):
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField(), read_only=True)
    typical_job_titles = serializers.ListField(source="job_title_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Standard
        fields = [
            "lars_code",
            "reference",
            "title",
            "level",
            "route",
            "typical_duration_months",
            "max_funding",
            "status",
            "keywords",
            "typical_job_titles",
            "overview",
        ]


class PlaceSerializer(serializers.Serializer):
    postcode = serializers.CharField()
    outcode = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    local_authority = LocalAuthoritySerializer()
    in_city_region = serializers.BooleanField()
    in_england = serializers.BooleanField()
    imd_rank = serializers.IntegerField(
        allow_null=True, help_text="The authority's IMD 2019 rank of average score (1 = most deprived of 317)."
    )


class LevyMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    levy = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    top_up = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    funds_in = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    expires = serializers.DateField(allow_null=True, help_text="The month this month's funds expire.")
    expired = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class LevyCommitmentSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField()
    title = serializers.CharField()
    start_date = serializers.DateField()
    duration_months = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    levy_funds_used = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    not_covered = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    still_to_pay = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class LevyProjectionSerializer(serializers.Serializer):
    month = serializers.DateField()
    funds_in = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    expired = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class LevyPositionSerializer(serializers.Serializer):
    employer = serializers.IntegerField()
    is_levy_payer = serializers.BooleanField()
    annual_pay_bill = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    annual_levy = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="0.5% of pay bill less the allowance."
    )
    top_up = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    annual_funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="Levy plus the government top-up."
    )
    monthly_funds = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    committed = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="Estimated cost of its vacancies."
    )
    available = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    funds_expire_after_months = serializers.IntegerField()
    transfer_allowance = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="Half the last 12 months' funds."
    )
    rule_set = serializers.CharField(help_text="The funding rules in force today.")
    as_of = serializers.DateField()
    balance = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, help_text="Funds in the account now."
    )
    expiring_next_3_months = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    funds_in = LevyMonthSerializer(many=True, help_text="Funds in by month (the top-up only where it applies).")
    committed_by_vacancy = LevyCommitmentSerializer(many=True)
    projection = LevyProjectionSerializer(many=True, help_text="This month and the next 23.")
