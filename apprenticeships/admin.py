from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from knox.models import AuthToken

from apprenticeships.models import (
    Employer,
    HubTask,
    Invitation,
    LocalAuthority,
    Lsoa,
    Membership,
    PayBillDeclaration,
    PostcodeDistrict,
    Provider,
    Standard,
)
from apprenticeships.permissions import is_hub
from apprenticeships.services.accounts import user_tokens_revoke, username_check
from apprenticeships.services.funding import pay_bill_verify
from apprenticeships.services.personal_data import personal_data_erase, personal_data_export


class HubOnly:
    """Hub staff may use the admin for everything; nobody else may."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_hub(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_hub(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_hub(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_hub(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_hub(request.user)


class HubAdmin(HubOnly, admin.ModelAdmin):
    pass


class ReservedUsernameMixin:
    """A new or changed username may not be one the service reserves (accounts.username_check)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self.instance.pk is None or username != self.instance.username:
            try:
                username_check(username)
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["username"]) from None
        return username


class HubUserCreationForm(ReservedUsernameMixin, AdminUserCreationForm):
    pass


class HubUserChangeForm(ReservedUsernameMixin, UserChangeForm):
    pass


# Who may give the power to see and change everything: superusers only.
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


admin.site.unregister(User)


@admin.register(User)
class HubUserAdmin(HubOnly, UserAdmin):
    """Hub staff manage accounts; only superusers make hub staff or superusers, or touch a superuser's account."""

    actions = ["export_personal_data", "erase_personal_data"]
    form = HubUserChangeForm
    add_form = HubUserCreationForm

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else readonly + SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # nor their password: the admin's password form asks this too
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_tokens_revoke(user=obj)  # a new password revokes them too (accounts.TokensRevokedOnPasswordChange)

    @admin.action(description="Download their personal data (JSON)")
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        response = JsonResponse([personal_data_export(user=user) for user in queryset], safe=False)
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    @admin.action(description="Erase their personal data (keeps their decisions, without them)")
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                personal_data_erase(user=user, by=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(request, f"Erased the personal data of user {user.pk}.", messages.SUCCESS)


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(HubAdmin):
    """Whose tokens exist and when they expire; delete one to revoke it. Never a token: only its hash is
    stored, and neither that nor the lookup prefix knox keeps is shown."""

    list_display = ["user", "created", "expiry"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields
    search_fields = ["user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token is made by signing in to the API, and shown to its owner only

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReferenceDataAdmin(HubAdmin):
    """Reference data comes from load_reference_data; the admin shows it and lets a standard be retired."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Standard)
class StandardAdmin(ReferenceDataAdmin):
    list_display = ["lars_code", "title", "level", "route", "max_funding", "status", "is_foundation"]
    list_filter = ["status", "is_foundation", "level", "route"]
    search_fields = ["title", "keywords", "=lars_code"]
    readonly_fields = ["lars_code", "title", "level", "route", "typical_duration_months", "max_funding", "overview"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "in_city_region", "imd_rank"]
    list_filter = ["in_city_region", "country_code"]
    search_fields = ["name", "=code"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PostcodeDistrict)
class PostcodeDistrictAdmin(LocalAuthorityAdmin):
    list_display = ["outcode", "local_authority", "latitude", "longitude"]
    list_filter = ["postcode_area"]
    search_fields = ["=outcode"]
    list_select_related = ["local_authority"]


@admin.register(Lsoa)
class LsoaAdmin(LocalAuthorityAdmin):
    list_display = ["code", "name", "local_authority", "imd_rank", "imd_decile"]
    list_filter = ["local_authority", "imd_decile"]
    search_fields = ["=code", "name"]
    list_select_related = ["local_authority"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_admin"]
    readonly_fields = ["user", "role"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Employer)
class EmployerAdmin(HubAdmin):
    list_display = ["name", "postcode", "local_authority", "sector", "is_levy_payer", "annual_pay_bill", "contact_name"]
    list_filter = ["is_levy_payer", "local_authority"]
    search_fields = ["name", "postcode"]
    readonly_fields = ["local_authority"]
    list_select_related = ["local_authority"]
    inlines = [MembershipInline]


@admin.register(PayBillDeclaration)
class PayBillDeclarationAdmin(HubAdmin):
    """Declared pay bills: a record, never rewritten; hub staff mark one verified."""

    list_display = ["employer", "annual_pay_bill", "declared_on", "verified_by", "verified_at"]
    list_filter = ["verified_at"]
    search_fields = ["employer__name"]
    list_select_related = ["employer", "verified_by"]
    readonly_fields = ["employer", "annual_pay_bill", "declared_on", "declared_by", "verified_by", "verified_at"]
    actions = ["verify"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a pay bill is declared by changing the employer's; that starts a new record

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Mark the selected pay bills verified")
    def verify(self, request: HttpRequest, queryset: QuerySet) -> None:
        for declaration in queryset:
            pay_bill_verify(declaration, by=request.user)
        self.message_user(request, f"{queryset.count()} pay bill(s) verified.", messages.SUCCESS)


@admin.register(Provider)
class ProviderAdmin(HubAdmin):
    list_display = ["name", "ukprn", "postcode", "ofsted_grade", "achievement_rate", "contact_name"]
    list_filter = ["ofsted_grade"]
    search_fields = ["name", "=ukprn"]
    readonly_fields = ["local_authority"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(HubAdmin):
    list_display = ["user", "role", "employer", "provider", "is_admin"]
    list_filter = ["role", "is_admin"]
    search_fields = ["user__username", "employer__name", "provider__name"]
    list_select_related = ["user", "employer", "provider"]


@admin.register(Invitation)
class InvitationAdmin(HubAdmin):
    """Invitations are sent, re-sent and cancelled on the organisation's page (the link is only in the e-mail)."""

    list_display = ["email", "role", "employer", "provider", "is_admin", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["role", "is_admin"]
    search_fields = ["email", "employer__name", "provider__name"]
    list_select_related = ["employer", "provider"]
    exclude = ["token_hash"]
    readonly_fields = [
        "email",
        "role",
        "employer",
        "provider",
        "is_admin",
        "sent_at",
        "expires_at",
        "invited_by",
        "accepted_at",
        "accepted_user",
        "cancelled_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HubTask)
class HubTaskAdmin(HubAdmin):
    list_display = ["title", "kind", "created_at", "done_at"]
    list_filter = ["kind", "done_at"]
    search_fields = ["title", "details"]
    readonly_fields = ["kind", "subject", "employer", "provider", "link", "done_at", "done_by"]
