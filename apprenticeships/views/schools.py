"""For schools and colleges: live vacancies open to 16 to 18 year olds, per local authority of the city
region, as an Atom feed, a CSV file and a printable list. Anyone may read them, as the public search."""

import csv

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from apprenticeships import selectors
from apprenticeships.models import LocalAuthority, Vacancy
from apprenticeships.templatetags.govuk import govuk_date, hours, money
from lcr_skills.text import csv_row


def city_region_authority(code: str) -> LocalAuthority:
    return get_object_or_404(LocalAuthority, code=code, in_city_region=True)


@require_safe
def schools(request: HttpRequest) -> HttpResponse:
    authorities = LocalAuthority.objects.filter(in_city_region=True).order_by("name")
    return render(request, "apprenticeships/public/schools.html", {"authorities": authorities})


@require_safe
def schools_list(request: HttpRequest, code: str) -> HttpResponse:
    authority = city_region_authority(code)
    vacancies = selectors.school_leaver_vacancies(authority)
    return render(request, "apprenticeships/public/schools_list.html", {"authority": authority, "vacancies": vacancies})


CSV_COLUMNS = [
    "Vacancy",
    "Employer",
    "Apprenticeship",
    "Level",
    "Weekly wage (£)",
    "Hours a week",
    "Postcode district",
    "Start date",
    "Closing date",
    "Address",
]


@require_safe
def schools_csv(request: HttpRequest, code: str) -> HttpResponse:
    authority = city_region_authority(code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="apprenticeships-16-18-{slugify(authority.name)}.csv"'
    response.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    # Titles and names are typed by employers: none may become a formula in a school's spreadsheet.
    for vacancy in selectors.school_leaver_vacancies(authority):
        writer.writerow(
            csv_row(
                [
                    vacancy.title,
                    vacancy.employer.name,
                    vacancy.standard.title,
                    vacancy.standard.level,
                    f"{vacancy.weekly_wage:.2f}",
                    hours(vacancy.hours_per_week),
                    vacancy.outcode,
                    vacancy.start_date.isoformat(),
                    vacancy.closing_date.isoformat(),
                    request.build_absolute_uri(reverse("vacancy-public", args=[vacancy.pk])),
                ]
            )
        )
    return response


class SchoolLeaverFeed(Feed):
    """An Atom feed of one local authority's live vacancies open to 16 to 18 year olds."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return require_safe(super().__call__)(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, code: str) -> LocalAuthority:
        return city_region_authority(code)

    def title(self, authority: LocalAuthority) -> str:
        return f"Apprenticeships for 16 to 18 year olds in {authority.name}"

    def subtitle(self, authority: LocalAuthority) -> str:
        return f"Live apprenticeship vacancies in {authority.name} open to people aged 16 to 18 when they start."

    def link(self, authority: LocalAuthority) -> str:
        return reverse("schools-list", args=[authority.code])

    def items(self, authority: LocalAuthority) -> list[Vacancy]:
        return list(selectors.school_leaver_vacancies(authority))

    def item_title(self, vacancy: Vacancy) -> str:
        return f"{vacancy.title} – {vacancy.employer.name}"

    def item_description(self, vacancy: Vacancy) -> str:
        return (
            f"{vacancy.standard.title}, level {vacancy.standard.level}. {money(vacancy.weekly_wage)} a week for "
            f"{hours(vacancy.hours_per_week)} hours, in {vacancy.outcode}. Starts {govuk_date(vacancy.start_date)}; "
            f"apply by {govuk_date(vacancy.closing_date)}."
        )

    def item_link(self, vacancy: Vacancy) -> str:
        return reverse("vacancy-public", args=[vacancy.pk])

    def item_pubdate(self, vacancy: Vacancy):  # noqa: ANN201 - a datetime
        return vacancy.live_at or vacancy.created_at

    def item_updateddate(self, vacancy: Vacancy):  # noqa: ANN201 - a datetime
        return vacancy.updated_at
