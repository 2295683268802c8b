"""Pages for anyone, without signing in: search live vacancies and read one."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apprenticeships import selectors
from apprenticeships.forms.vacancies import PublicSearchForm

PAGE_SIZE = 20


def vacancy_search(request: HttpRequest) -> HttpResponse:
    form = PublicSearchForm(request.GET or None)
    results = None
    if not form.is_bound:
        results = selectors.public_vacancies()
    elif form.is_valid():
        results = selectors.public_vacancies(**form.search_kwargs())
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")) if results is not None else None
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1) if page else [],
        "searched": form.is_bound
        and any(form.data.get(name) for name in ("q", "level", "local_authority", "postcode")),
        "near": form.cleaned_data.get("postcode") if form.is_bound and form.is_valid() else None,
    }
    return render(request, "apprenticeships/public/vacancy_search.html", context)


def vacancy_public(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_object_or_404(selectors.public_vacancies(), pk=pk)
    return render(request, "apprenticeships/public/vacancy_detail.html", {"vacancy": vacancy})
