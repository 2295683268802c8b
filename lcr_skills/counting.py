"""Totals for long lists that don't scan everything: exact up to a limit, a labelled estimate above it.

Counting every row of a search with 100,000 matches costs as much as the search itself, on every
page. Rows are counted only up to `EXACT_COUNT_LIMIT` + 1 (a `LIMIT` inside the count, so the
database stops there); a list longer than that shows PostgreSQL's planner estimate of its rows
(https://www.postgresql.org/docs/current/using-explain.html), never below the limit, and says it is
an estimate ("about 12,000", `count_is_estimate`). SQLite has no planner estimate: the embedded
default counts the rest, and labels it all the same, so both behave alike.

A list whose order reads every row anyway (sorted by a worked-out key) can carry its total on each row
instead (`with_total`): then nothing is counted apart, and the total is exact however long the list.
"""

import json
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core import paginator
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db import connections
from django.db.models import Count, QuerySet, Window

# The column `with_total` adds: how many rows the whole list has, on each of its rows.
WINDOW_TOTAL = "rows_in_all"


@dataclass(frozen=True)
class Total:
    value: int
    estimated: bool

    @property
    def shown(self) -> str:
        """The total as a page says it: "1,234", or "about 12,000" (two significant figures)."""
        if not self.estimated:
            return f"{self.value:,}"
        digits = max(0, len(str(self.value)) - 2)
        return f"about {round(self.value, -digits):,}"


def _rows_only(queryset: QuerySet) -> QuerySet:
    """The queryset as just its rows' ids, unordered: no joins for what is only shown, less to plan and read."""
    if queryset.query.combinator or queryset._fields is not None:
        return queryset.order_by()
    return queryset.order_by().values("pk")


def planner_rows(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of how many rows the queryset returns (EXPLAIN, not run)."""
    query = _rows_only(queryset)
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def total_of(queryset: QuerySet, *, exact_up_to: int | None = None) -> Total:
    """How many rows the queryset has: exact up to `exact_up_to` (EXACT_COUNT_LIMIT), else an estimate."""
    limit = settings.EXACT_COUNT_LIMIT if exact_up_to is None else exact_up_to
    counted = _rows_only(queryset)[: limit + 1].count()
    if counted <= limit:
        return Total(counted, estimated=False)
    if connections[queryset.db].vendor == "postgresql":
        return Total(max(limit + 1, planner_rows(queryset)), estimated=True)
    return Total(queryset.count(), estimated=True)


def with_total(queryset: QuerySet) -> QuerySet:
    """The queryset with each row's `WINDOW_TOTAL`, the rows in all (`COUNT(*) OVER ()`), so that its paginator
    reads the total with the page and asks no count.

    Only for a list whose order reads every row anyway (a sort by a worked-out key, such as a distance or a
    relevance): there the total costs nothing more, where a list in an index's order could stop after its
    page and a count stops at EXACT_COUNT_LIMIT. Keep its rows narrow (`values("pk", ...)`): PostgreSQL holds
    every row of the window's input until it has counted them.
    """
    return queryset.annotate(**{WINDOW_TOTAL: Window(Count("*"))})


def _window_total(queryset: QuerySet, rows: list[dict]) -> Total | None:
    """The total `with_total` put on the page's rows (exact, however many), or None."""
    if not rows or WINDOW_TOTAL not in queryset.query.annotations:
        return None
    return Total(rows[0][WINDOW_TOTAL], estimated=False)


class EstimatingPage(Page):
    """A page whose total may be an estimate: then a full page may have a next one past the estimate, and the
    page ends where its rows do (not at the estimate)."""

    def has_next(self) -> bool:
        if self.paginator.total.estimated:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()

    def end_index(self) -> int:
        if self.paginator.total.estimated:
            return self.start_index() + len(self.object_list) - 1 if len(self.object_list) else 0
        return super().end_index()


class FirstPagePaginator(paginator.Paginator):
    """Django's Paginator, but `get_page` shows the first page for a number below 1 (Django's shows the last:
    ?page=0 would jump to the end of the list)."""

    def get_page(self, number: object) -> Page:
        return super().get_page(_one_if_below_one(number))


class EstimatingPaginator(FirstPagePaginator):
    """Django's Paginator with `total_of`'s count: `total.estimated` says whether `count` is an estimate."""

    @cached_property
    def total(self) -> Total:
        if isinstance(self.object_list, QuerySet):
            return total_of(self.object_list)
        return Total(len(self.object_list), estimated=False)

    @cached_property
    def count(self) -> int:
        return self.total.value

    def _get_page(self, *args, **kwargs) -> EstimatingPage:
        return EstimatingPage(*args, **kwargs)

    def validate_number(self, number: object) -> int:
        if not self.total.estimated:
            return super().validate_number(number)
        # An estimate may fall short of the rows there are: any page from 1 on may be asked for (empty past the end).
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number: object) -> Page:
        """Django's page, but a page under an estimated total is not cut short at the estimate.

        The page's rows are read first: a page that is not full is the last, so its rows give the total
        and the count is not asked for (a search with a few matches runs once, not twice); nor is it when the
        rows carry their total (`with_total`)."""
        n, rows = self._rows_first(number)
        if total := _window_total(self.object_list, rows):
            self.__dict__["total"] = total
            return self._get_page(rows, self.validate_number(number), self)
        if n and not rows and WINDOW_TOTAL in self.object_list.query.annotations:
            # Past the end of a list that carries its total: the first row says it, as every page does.
            self.__dict__["total"] = _window_total(self.object_list, list(self.object_list[:1])) or Total(0, False)
        last = 0 < len(rows) < self.per_page or (not rows and n == 1 and self.allow_empty_first_page)
        if n and last and (total := (n - 1) * self.per_page + len(rows)) <= settings.EXACT_COUNT_LIMIT:
            self.__dict__["total"] = Total(total, estimated=False)  # as `total_of` would say it
            return self._get_page(rows, n, self)
        number = self.validate_number(number)
        if rows:  # the page as read
            return self._get_page(rows, number, self)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.total.estimated and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)

    def get_page(self, number: object) -> Page:
        """`FirstPagePaginator.get_page` (the first page for a number that is none or below 1, the last for one
        past the end), reading the rows before the count as `page` does."""
        number = _one_if_below_one(number)
        if _whole_number(number) is None:
            number = 1
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _rows_first(self, number: object) -> tuple[int, list]:
        """(page number, its rows), read before anything is counted; (0, []) where the count comes first
        (not a page number, a list, orphans to fold into the last page, the total known already, or a
        page past the exact count's limit, which the rows could not tell anyway)."""
        if "total" in self.__dict__ or self.orphans or not isinstance(self.object_list, QuerySet):
            return 0, []
        n = _whole_number(number) or 0
        bottom = (n - 1) * self.per_page
        if n < 1 or (bottom >= settings.EXACT_COUNT_LIMIT and WINDOW_TOTAL not in self.object_list.query.annotations):
            return 0, []
        return n, list(self.object_list[bottom : bottom + self.per_page])


def _one_if_below_one(number: object) -> object:
    """Page 1 for a page number below 1 ("0", "-1"), else the number as given."""
    whole = _whole_number(number)
    return 1 if whole is not None and whole < 1 else number


def _whole_number(number: object) -> int | None:
    """The page number as Django's `validate_number` reads it (2, "2", 2.0), or None."""
    if isinstance(number, float) and not number.is_integer():
        return None
    try:
        return int(number)
    except (TypeError, ValueError):
        return None
