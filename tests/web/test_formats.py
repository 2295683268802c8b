"""One money format (£18,000, £18,000.50) and one date format (6 December 2026) on every page and e-mail.

GOV.UK style guide: https://www.gov.uk/guidance/style-guide/a-to-z#money and #dates.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from apprenticeships.services.vacancies import vacancy_transition
from lcr_skills.formats import long_date, long_datetime, money
from matching import services
from matching.models import MatchRun
from tests.dashboard.conftest import Market, market  # noqa: F401 - the fixture, for the pages to show something

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
OTHER_FORMATS = {
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a numeric date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "an abbreviated month": re.compile(rf"\b\d{{1,2}} (?:{SHORT})\b\.?|\b(?:{SHORT})\.? \d{{1,2}}\b"),
    "a day with a leading zero": re.compile(rf"\b0\d (?:{MONTHS})\b"),
    "pounds with .00": re.compile(r"£[\d,]+\.00\b"),
    "pounds without thousands commas": re.compile(r"£\d{4,}"),
}


def other_formats(text: str) -> list[str]:
    return [f"{what}: {match.group(0)!r}" for what, rx in OTHER_FORMATS.items() for match in rx.finditer(text)]


def test_money_shows_pence_only_when_there_are_some():
    assert money(18000) == "£18,000"
    assert money(Decimal("18000.00")) == "£18,000"
    assert money(Decimal("75.5")) == "£75.50"
    assert money(Decimal("1234.567"), whole=True) == "£1,235"
    assert money(None) == ""


def test_dates_read_as_day_month_year_with_no_leading_zero():
    assert long_date(date(2026, 12, 6)) == "6 December 2026"
    london = ZoneInfo("Europe/London")
    assert long_datetime(datetime(2027, 1, 12, 15, 4, tzinfo=london)) == "12 January 2027 at 3:04pm"
    assert long_datetime(datetime(2027, 1, 12, 0, 0, tzinfo=london)) == "11 January 2027 at 11:59pm"


def test_the_scan_finds_the_formats_people_complained_about():
    found = other_formats("Starts 2026-12-06, closes Dec. 6, opened 06 December 2026 at £18000 or £300.00")
    assert len(found) == 5


@pytest.mark.django_db
@pytest.mark.usefixtures("tasks_in_process")  # the e-mails are sent here, not by CI's worker
def test_key_pages_and_emails_use_one_date_and_money_format(
    client,
    market: Market,  # noqa: F811
    alice,
    bob,
    priya,
    hannah,
    django_capture_on_commit_callbacks,
):
    k1, s3 = market.vacancies["k1"], market.suggestions["s3"]
    MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED, created_by=hannah)  # a row on the runs page
    with django_capture_on_commit_callbacks(execute=True):  # the introduction e-mails, then the ending ones
        services.suggestion_approve(s3.pk, by=hannah, version=1)
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_transition(market.vacancies["w1"], action="withdraw", by=bob)
    pages = {
        None: [reverse("vacancy-search"), reverse("vacancy-public", args=[k1.pk]), reverse("standard-list")],
        alice: [
            reverse("home"),
            reverse("employer-vacancies"),
            reverse("employer-vacancy", args=[k1.pk]),
            reverse("employer-funds"),
            reverse("employer-matches"),
        ],
        priya: [reverse("home"), reverse("provider-offers"), reverse("provider-matches")],
        hannah: [
            reverse("home"),
            reverse("hub-qa-queue"),
            reverse("hub-qa-review", args=[market.vacancies["e1"].pk]),
            reverse("matching-suggestions"),
            reverse("matching-suggestion", args=[s3.pk]),
            reverse("matching-runs"),
            reverse("matching-gaps"),
            reverse("matching-models"),
            reverse("dashboard"),
            reverse("about-data"),
        ],
    }
    problems = []
    for user, urls in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [f"{url}: {p}" for p in other_formats(response.content.decode())]
    assert len(mail.outbox) >= 4, "an introduction and its ending e-mail both parties"
    for message in mail.outbox:
        problems += [f"e-mail “{message.subject}”: {p}" for p in other_formats(f"{message.subject}\n{message.body}")]
    assert problems == []
