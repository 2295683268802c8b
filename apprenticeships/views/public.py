"""Pages for anyone, without signing in: search live vacancies and read one."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from apprenticeships import selectors
from apprenticeships.forms.vacancies import PublicSearchForm
from apprenticeships.places import Place
from apprenticeships.rules import KM_PER_MILE
from apprenticeships.transport.search import vacancies_reachable
from lcr_skills.counting import EstimatingPaginator

PAGE_SIZE = 20
# The longest "Back to search" address we follow: a search form's query string is far shorter.
BACK_MAX_LENGTH = 1000
# The parameters that narrow a search (so "no results" says how to widen it).
FILTERS = ("q", "level", "local_authority", "postcode", "age_group", "foundation", "reachable_within_minutes")


# The API's names for two of the page's parameters: a link built with the API's names (an alert's
# e-mail, another service) opens the same search on the page.
API_NAMES = {"search": "q", "ordering": "sort"}


def search_parameters(query: QueryDict) -> QueryDict:
    """The page's search parameters, taking the API's names where the page's are absent."""
    data = query.copy()
    for api_name, page_name in API_NAMES.items():
        if api_name in data:
            values = data.pop(api_name)
            if page_name not in data:
                data.setlist(page_name, values)
    return data


def vacancy_search(request: HttpRequest) -> HttpResponse:
    form = PublicSearchForm(search_parameters(request.GET) or None)
    results, kwargs = None, {}
    if not form.is_bound:
        results = selectors.public_vacancies()
    elif form.is_valid():
        kwargs = form.search_kwargs()
        results = selectors.public_vacancies(**kwargs)
        if minutes := form.cleaned_data.get("reachable_within_minutes"):
            results = vacancies_reachable(results, origin=form.cleaned_data["postcode"].postcode, minutes=minutes)
    page = None
    if results is not None:
        page = EstimatingPaginator(selectors.public_search_keys(results), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.public_vacancies_by_id(page.object_list)
    searched_by = form.cleaned_data if form.is_bound and form.is_valid() else {}
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1) if page else [],
        "searched": form.is_bound and any(form.data.get(name) for name in FILTERS),
        "near": searched_by.get("postcode"),
        "journey_minutes": searched_by.get("reachable_within_minutes"),
        # How far the search reached, for its heading ("within 10 miles of L1"): the default is easy to miss.
        "within_miles": round(kwargs["within_km"] / KM_PER_MILE) if kwargs.get("within_km") else None,
        # Each result links here with this search, so that its "Back to search" keeps the filters.
        "back": request.get_full_path(),
    }
    return render(request, "apprenticeships/public/vacancy_search.html", context)


def search_back_link(raw: str) -> tuple[str, QueryDict]:
    """The search page address to go back to, and its query: `raw` only if it is our own search page
    (a path on this site, no scheme or host, nothing but the search's path), else the plain search page."""
    search_path = reverse("vacancy-search")
    if raw and len(raw) <= BACK_MAX_LENGTH and url_has_allowed_host_and_scheme(raw, allowed_hosts=None):
        parts = urlsplit(raw)
        if not parts.scheme and not parts.netloc and parts.path == search_path and "\\" not in raw:
            query = QueryDict(parts.query)
            return (f"{search_path}?{query.urlencode()}" if query else search_path), query
    return search_path, QueryDict()


def vacancy_public(request: HttpRequest, pk: int) -> HttpResponse:
    back, search = search_back_link(request.GET.get("back", ""))
    near = searched_place(search)
    vacancy = get_object_or_404(selectors.public_vacancies(near=near), pk=pk)
    context = {
        "vacancy": vacancy,
        "back": back,
        "near": near,
        "training": selectors.vacancy_training_agreed(vacancy),
    }
    return render(request, "apprenticeships/public/vacancy_detail.html", context)


def searched_place(search: QueryDict) -> Place | None:
    """The postcode district a search was made from, if it had a valid one."""
    form = PublicSearchForm(search_parameters(search))
    return form.cleaned_data.get("postcode") if search.get("postcode") and form.is_valid() else None
