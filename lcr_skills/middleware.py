"""While the database is down, answer 503 with a short page (or JSON for the API), not a 500."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "Sorry, the service is unavailable. Try again in a few minutes."


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection, raised by any view, into 503 with Retry-After.

    Only a database that can't be reached counts: a deadlock or a statement timeout is a fault in
    a query, and stays an error (500, with its traceback in the log) to be fixed. Django closes a
    connection that raised an error when the request ends, so the next request connects afresh:
    the site recovers by itself when the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError) or not _database_unavailable(exception):
            return None
        logger.error("database unavailable, answered 503 to %s", request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
        else:
            # No request context: the context processors would need the database (session, user).
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


# SQLSTATE classes meaning the server is gone or can't serve: 08 connection exception, 53
# insufficient resources, 57P01-57P03 shutting down or not accepting connections yet.
UNAVAILABLE_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03")


def _database_unavailable(exception: Exception) -> bool:
    """Whether this error means the database can't be reached, rather than a fault in a query."""
    if isinstance(exception, InterfaceError):  # the connection was closed under us
        return True
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor == "postgresql":
        code = getattr(exception.__cause__, "pgcode", None)
        # No code: the driver's own failure, a connection refused, dropped or never answered.
        return code is None or code.startswith(UNAVAILABLE_SQLSTATES)
    return database.connection is None  # SQLite: the database file could not be opened
