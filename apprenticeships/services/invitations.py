"""Invitations: hub staff, or an organisation's admin, invite a person to join an organisation.

The e-mailed link carries a random token; only its SHA-256 hash is stored. The link works once
(accepting is a conditional update that only one request can win) and until it expires
(INVITATION_EXPIRY_DAYS). Accepting it creates the account (the e-mail address is the username),
with Django's password validators, and signs the person in.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apprenticeships.models import Employer, Invitation, Provider, Role
from apprenticeships.permissions import is_hub, may_invite
from apprenticeships.services.organisations import user_create
from lcr_skills.errors import Conflict
from lcr_skills.formats import long_date
from lcr_skills.links import site_url
from lcr_skills.text import one_line

EXISTING_USER_MESSAGE = "There is already an account with this e-mail address. Ask the person to sign in instead."


class InvitationUnusable(Conflict):
    """The invitation was accepted, cancelled or has expired: its link no longer works."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str, object]:
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token), timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists()


def invitation_create(*, email: str, organisation: Employer | Provider, by: User, is_admin: bool = False) -> Invitation:
    """Invite a person by e-mail to join the organisation; an expired invitation to them is sent again."""
    if not may_invite(by, organisation):
        raise PermissionDenied("You can only invite people to your own organisation.")
    if is_admin and not is_hub(by):
        is_admin = False  # only the hub decides who administers an organisation
    email = User.objects.normalize_email(email.strip()).lower()
    if _email_taken(email):
        raise ValidationError({"email": [EXISTING_USER_MESSAGE]}, code="exists")
    role = Role.EMPLOYER if isinstance(organisation, Employer) else Role.PROVIDER
    scope = {"employer": organisation} if role == Role.EMPLOYER else {"provider": organisation}
    open_one = Invitation.objects.filter(email=email, accepted_at=None, cancelled_at=None, **scope).first()
    if open_one is not None:
        if open_one.status == Invitation.Status.PENDING:
            raise ValidationError(
                {
                    "email": [
                        f"{email} has already been invited to {organisation.name}. Re-send that invitation instead."
                    ]
                },
                code="pending",
            )
        return invitation_resend(open_one, by=by)
    token, token_hash, expires_at = _new_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                role=role,
                is_admin=is_admin,
                token_hash=token_hash,
                expires_at=expires_at,
                sent_at=timezone.now(),
                invited_by=by,
                **scope,
            )
    except IntegrityError:  # someone invited them a moment ago
        raise ValidationError(
            {"email": [f"{email} has already been invited to {organisation.name}."]}, code="pending"
        ) from None
    _send_after_commit(invitation, token)
    return invitation


def invitation_resend(invitation: Invitation, *, by: User) -> Invitation:
    """Send a pending or expired invitation again, with a new link (the old one stops working)."""
    if not may_invite(by, invitation.organisation):
        raise PermissionDenied("You can only invite people to your own organisation.")
    token, token_hash, expires_at = _new_token()
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, cancelled_at=None).update(
        token_hash=token_hash, expires_at=expires_at, sent_at=timezone.now(), updated_at=timezone.now()
    )
    invitation.refresh_from_db()
    if not changed:
        raise InvitationUnusable(
            f"This invitation is {invitation.get_status_display().lower()}: it can't be sent again."
        )
    _send_after_commit(invitation, token)
    return invitation


def invitation_cancel(invitation: Invitation, *, by: User) -> Invitation:
    """Cancel an invitation not yet accepted: its link stops working."""
    if not may_invite(by, invitation.organisation):
        raise PermissionDenied("You can only invite people to your own organisation.")
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, cancelled_at=None).update(
        cancelled_at=timezone.now(), updated_at=timezone.now()
    )
    invitation.refresh_from_db()
    if not changed:
        raise InvitationUnusable(
            f"This invitation is {invitation.get_status_display().lower()}: it can't be cancelled."
        )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its status (None for a token never issued)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("employer", "provider").filter(token_hash=_token_hash(token)).first()


def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Use an invitation's link: create the person's account in the organisation, once."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        raise InvitationUnusable("This invitation link is not valid any more.")
    candidate = User(username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name)
    validate_password(password, user=candidate)  # ValidationError with Django's messages
    with transaction.atomic():
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, token_hash=invitation.token_hash, accepted_at=None, cancelled_at=None, expires_at__gt=now
        ).update(accepted_at=now, updated_at=now)
        if not claimed:
            raise InvitationUnusable("This invitation link has just been used.")
        if _email_taken(invitation.email):
            raise ValidationError({"email": [EXISTING_USER_MESSAGE]}, code="exists")
        user = user_create(
            username=invitation.email,
            password=password,
            email=invitation.email,
            role=invitation.role,
            organisation=invitation.organisation,
        )
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.save(update_fields=["first_name", "last_name"])
        if invitation.is_admin:
            user.membership.is_admin = True
            user.membership.save(update_fields=["is_admin", "updated_at"])
        Invitation.objects.filter(pk=invitation.pk).update(accepted_user=user)
    return user


def _send_after_commit(invitation: Invitation, token: str) -> None:
    # The token exists only in this e-mail, so it is sent from here rather than through the broker.
    # Robust: if the mail server is down the invitation stands (Django logs the error) and can be re-sent.
    transaction.on_commit(lambda: invitation_send(invitation, token), robust=True)


def invitation_send(invitation: Invitation, token: str) -> int:
    """E-mail the invitation's link to the person invited."""
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.username) if inviter else settings.HUB_CONTACT_NAME
    organisation = invitation.organisation
    body = (
        f"{who} has invited you to join {organisation.name} on LCR Skills Match, the Liverpool City Region "
        "apprenticeship hub's service for matching employers' vacancies with training providers.\n\n"
        f"To set your name and password, open this link:\n{site_url('invitation-accept', token)}\n\n"
        f"The link works once, until {long_date(timezone.localtime(invitation.expires_at))}. "
        "Your username will be this e-mail address.\n\n"
        "If you weren't expecting this, ignore it, or tell "
        f"{settings.HUB_CONTACT_NAME} at {settings.HUB_CONTACT_EMAIL}."
    )
    subject = one_line(f"You're invited to join {organisation.name} on LCR Skills Match")
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email], fail_silently=False)
