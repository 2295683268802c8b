"""E-mail alerts for a public search, without an account: double opt-in, a daily e-mail, one-click unsubscribe.

A signup stores the search as the public search's query parameters and e-mails a signed link that
expires (ALERT_CONFIRM_DAYS); nothing is sent again for the same address and search until it is
confirmed or, unconfirmed, deleted after those days. Once a day each confirmed alert gets the
vacancies that went live since its last e-mail and that the public search finds for it (the same
search code, so an alert lists what the page would). Every e-mail has an unsubscribe link and the
List-Unsubscribe / List-Unsubscribe-Post headers of RFC 8058 (https://www.rfc-editor.org/rfc/rfc8058),
so a mail client can unsubscribe with one POST. Unsubscribing deletes the alert.
"""

import hashlib
import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import LocalAuthority, Vacancy, VacancyAlert
from apprenticeships.services.applications import site_url
from lcr_skills.text import one_line

logger = logging.getLogger(__name__)

CONFIRM_SALT = "apprenticeships.alert.confirm"
UNSUBSCRIBE_SALT = "apprenticeships.alert.unsubscribe"
# The public search's query parameters an alert keeps (within_miles and within_km both: the page's and API clients').
SEARCH_PARAMETERS = ("search", "level", "local_authority", "postcode", "within_miles", "within_km", "age_group")
MAX_VACANCIES_PER_EMAIL = 20


def search_normalise(params: dict) -> dict[str, str | list[str]]:
    """The search's non-empty parameters, as strings, in a fixed order; a parameter given more than once
    (the page's levels) as the sorted list of its values."""
    search: dict[str, str | list[str]] = {}
    for name in sorted(params):
        given = params[name] if isinstance(params[name], list | tuple) else [params[name]]
        values = sorted({str(value).strip() for value in given} - {""})
        if values:
            search[name] = values[0] if len(values) == 1 else values
    return search


def search_key(search: dict[str, str | list[str]]) -> str:
    return hashlib.sha256(json.dumps(search, sort_keys=True).encode()).hexdigest()


def _token_payload(alert: VacancyAlert) -> list:
    return [alert.pk, alert.search_key[:16]]


def alert_subscribe(*, email: str, search: dict[str, str], now: datetime | None = None) -> tuple[VacancyAlert, bool]:
    """Ask for an alert; (the alert, whether a confirmation e-mail went). One per address and search."""
    email = email.strip().lower()
    search = search_normalise(search)
    key = search_key(search)
    try:
        with transaction.atomic():
            alert, created = VacancyAlert.objects.get_or_create(
                email=email, search_key=key, defaults={"search": search}
            )
    except IntegrityError:  # the same signup at the same moment: the other one made it (and sends)
        return VacancyAlert.objects.get(email=email, search_key=key), False
    if not created:
        return alert, False
    link = site_url(reverse("alert-confirm", args=[signing.dumps(_token_payload(alert), salt=CONFIRM_SALT)]))
    body = (
        "Someone, we hope you, asked LCR Skills Match to e-mail this address new apprenticeships for the search:\n\n"
        f"  {search_describe(search)}\n\n"
        f"To start the e-mails, confirm within {settings.ALERT_CONFIRM_DAYS} days:\n{link}\n\n"
        "If it wasn't you, ignore this e-mail: we will not write again and we delete the request after "
        f"{settings.ALERT_CONFIRM_DAYS} days.\n"
    )
    _send(EmailMessage(one_line("Confirm your apprenticeship alerts"), body, settings.DEFAULT_FROM_EMAIL, [email]))
    return alert, True


def alert_confirm(*, token: str, now: datetime | None = None) -> VacancyAlert | None:
    """Confirm an alert from its e-mailed link; None when the link is wrong, expired or the alert gone."""
    try:
        pk, key_start = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.ALERT_CONFIRM_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    alert = VacancyAlert.objects.filter(pk=pk, search_key__startswith=key_start).first()
    if alert is None:
        return None
    # Conditional: a second click (or two at once) changes nothing.
    VacancyAlert.objects.filter(pk=alert.pk, confirmed_at=None).update(confirmed_at=now or timezone.now())
    alert.refresh_from_db()
    return alert


def alert_unsubscribe_token(alert: VacancyAlert) -> str:
    return signing.dumps(_token_payload(alert), salt=UNSUBSCRIBE_SALT)


def alert_unsubscribe_check(token: str) -> bool:
    """Whether an unsubscribe link is one we made (the alert may be gone already)."""
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return True


def alert_unsubscribe(*, token: str) -> bool:
    """Delete the alert of an unsubscribe link; whether the link is good (gone already still counts)."""
    try:
        pk, key_start = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    VacancyAlert.objects.filter(pk=pk, search_key__startswith=key_start).delete()
    return True


# What each search parameter is called when an alert's search is described or refused.
SEARCH_LABELS = {
    "search": "words",
    "level": "level",
    "local_authority": "area",
    "postcode": "near",
    "within_miles": "distance",
    "within_km": "distance",
    "age_group": "age",
    "reachable_within_minutes": "journey by public transport",
}
# How a parameter's value reads in words, where it is not read as it is.
SEARCH_VALUES = {
    "within_miles": lambda value: "any" if value == "all" else f"up to {value} miles",
    "within_km": lambda value: f"up to {value} km",
    "reachable_within_minutes": lambda value: f"up to {value} minutes",
}


def search_describe(search: dict[str, str | list[str]]) -> str:
    """The search in words, for the alert's pages and e-mails: areas by name, not by code."""
    codes = search.get("local_authority", [])
    codes = codes if isinstance(codes, list) else [codes]
    area_names = dict(LocalAuthority.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    parts = []
    for name, value in search.items():
        values = value if isinstance(value, list) else [value]
        if name == "local_authority":
            values = [area_names.get(code, code) for code in values]
        words = SEARCH_VALUES.get(name, str)
        parts.append(f"{SEARCH_LABELS.get(name, name)}: {' or '.join(words(v) for v in values)}")
    return "; ".join(parts) or "every apprenticeship"


def alert_vacancies(alert: VacancyAlert, *, since: datetime, until: datetime) -> list[Vacancy]:
    """What the public search finds for the alert's search that went live in (since, until]."""
    from apprenticeships.api.public_search import public_search  # the API's own search code (a layer above)

    found = public_search(alert.search)
    return list(found.filter(live_at__gt=since, live_at__lte=until)[:MAX_VACANCIES_PER_EMAIL])


def alerts_send_daily(*, now: datetime | None = None) -> dict[str, int]:
    """Delete unconfirmed alerts past their days; e-mail each confirmed one its new vacancies."""
    now = now or timezone.now()
    expired, _ = VacancyAlert.objects.filter(
        confirmed_at=None, created_at__lt=now - timedelta(days=settings.ALERT_CONFIRM_DAYS)
    ).delete()
    sent = 0
    for alert in VacancyAlert.objects.exclude(confirmed_at=None).order_by("pk").iterator():
        since = alert.last_sent_at or alert.confirmed_at
        # Claim this day's e-mail first: a second run (or worker) at the same time sends nothing more.
        if not VacancyAlert.objects.filter(pk=alert.pk, last_sent_at=alert.last_sent_at).update(last_sent_at=now):
            continue
        try:
            vacancies = alert_vacancies(alert, since=since, until=now)
        except Exception:  # noqa: BLE001 - a search that no longer reads (a parameter retired) must not stop the rest
            logger.exception("Alert %s: its search could not run", alert.pk)
            continue
        if vacancies:
            sent += _alert_mail(alert, vacancies)
    return {"sent": sent, "expired": expired}


def _alert_mail(alert: VacancyAlert, vacancies: list[Vacancy]) -> int:
    unsubscribe = site_url(reverse("alert-unsubscribe", args=[alert_unsubscribe_token(alert)]))
    lines = [
        f"* {v.title} – {v.employer.name}, {v.outcode}. Closes {v.closing_date:%-d %B %Y}.\n  "
        f"{site_url(reverse('vacancy-public', args=[v.pk]))}"
        for v in vacancies
    ]
    body = (
        f"New apprenticeships for your search ({search_describe(alert.search)}):\n\n"
        + "\n".join(lines)
        + f"\n\nSee them all: {site_url(reverse('vacancy-search'))}\n\nStop these e-mails: {unsubscribe}\n"
    )
    count = len(vacancies)
    message = EmailMessage(
        one_line(f"{count} new apprenticeship{'s' if count != 1 else ''} for your search"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [alert.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    return _send(message)


def alerts_for(email: str) -> QuerySet[VacancyAlert]:
    return VacancyAlert.objects.filter(email__iexact=email.strip())


def _send(message: EmailMessage) -> int:
    try:
        return message.send(fail_silently=False)
    except Exception:  # noqa: BLE001 - a mail failure is logged; the alert stays as it is
        logger.exception("Could not send the e-mail “%s”", message.subject)
        return 0
