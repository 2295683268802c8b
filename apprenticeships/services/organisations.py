"""Organisations and users."""

from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apprenticeships.models import Employer, Membership, Provider, Role
from apprenticeships.permissions import HUB_GROUP
from apprenticeships.places import place_lookup
from apprenticeships.services.accounts import user_tokens_revoke, username_check
from apprenticeships.services.funding import pay_bill_declare


def employer_create(
    *,
    name: str,
    postcode: str,
    sector: str = "",
    is_levy_payer: bool = False,
    annual_pay_bill: Decimal = Decimal(0),
    **contact: str,
) -> Employer:
    """Create an employer organisation located by its postcode."""
    place = place_lookup(postcode)
    employer = Employer.objects.create(
        name=name,
        postcode=place.postcode,
        local_authority=place.local_authority,
        sector=sector,
        is_levy_payer=is_levy_payer,
        annual_pay_bill=annual_pay_bill,
        **_contact(contact),
    )
    pay_bill_declare(employer=employer, annual_pay_bill=annual_pay_bill)
    return employer


def provider_create(
    *,
    name: str,
    ukprn: str,
    postcode: str,
    ofsted_grade: int | None = None,
    achievement_rate: Decimal | None = None,
    **contact: str,
) -> Provider:
    """Create a training provider organisation located by its postcode."""
    place = place_lookup(postcode)
    return Provider.objects.create(
        name=name,
        ukprn=ukprn,
        postcode=place.postcode,
        local_authority=place.local_authority,
        ofsted_grade=ofsted_grade,
        achievement_rate=achievement_rate,
        **_contact(contact),
    )


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def _contact(fields: dict) -> dict:
    """The organisation's contact (name, phone, e-mail): nothing else passes."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    return fields


def organisation_update(organisation: Employer | Provider, **fields: object) -> Employer | Provider:
    """Change an organisation's profile; a new postcode is located again."""
    if "postcode" in fields:
        place = place_lookup(str(fields["postcode"]))
        fields.update(postcode=place.postcode, local_authority=place.local_authority)
    new_pay_bill = fields.get("annual_pay_bill")
    # A changed pay bill is a new declaration from today: the funds it has already accrued stand.
    declare = isinstance(organisation, Employer) and new_pay_bill is not None
    declare = declare and Decimal(new_pay_bill) != Decimal(organisation.annual_pay_bill)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.save(update_fields=[*fields, "updated_at"])
    if declare:
        pay_bill_declare(employer=organisation, annual_pay_bill=Decimal(new_pay_bill))
    return organisation


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    role: str,
    organisation: Employer | Provider | None = None,
    by: User | None = None,
) -> User:
    """Onboard a user: hub staff join the hub group; others belong to exactly one organisation.

    `by` is the person onboarding them (None for a management command): only a superuser may
    create hub staff, who can see and change everything.
    """
    username_check(username)
    if role == Role.HUB and by is not None and not by.is_superuser:
        raise ValidationError({"role": ["Only a superuser can create hub staff."]}, code="superuser_only")
    if role == Role.HUB and organisation is not None:
        raise ValueError("Hub staff don't belong to an organisation")
    if role == Role.EMPLOYER and not isinstance(organisation, Employer):
        raise ValueError("An employer user needs an employer organisation")
    if role == Role.PROVIDER and not isinstance(organisation, Provider):
        raise ValueError("A provider user needs a provider organisation")
    user = User.objects.create_user(username=username, password=password, email=email)
    if role == Role.HUB:
        user.is_staff = True  # hub staff use the Django admin
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get_or_create(name=HUB_GROUP)[0])
    else:
        Membership.objects.create(
            user=user,
            role=role,
            employer=organisation if role == Role.EMPLOYER else None,
            provider=organisation if role == Role.PROVIDER else None,
        )
    return user


def user_update(
    user: User,
    *,
    email: str | None = None,
    password: str | None = None,
    is_active: bool | None = None,
    by: User | None = None,
) -> User:
    """Change a user's e-mail, password or whether they may sign in (a superuser's: only a superuser).

    A new password revokes the user's API tokens (accounts.TokensRevokedOnPasswordChange sees
    every password change); switching the account off revokes them here.
    """
    if user.is_superuser and by is not None and not by.is_superuser:
        raise PermissionDenied("Only a superuser can change a superuser's account.")
    if email is not None:
        user.email = email
    if is_active is not None:
        user.is_active = is_active
    if password is not None:
        user.set_password(password)
    user.save()
    if is_active is False:
        user_tokens_revoke(user=user)
    return user
