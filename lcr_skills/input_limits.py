"""Limits on what a request may hold, checked before the work of reading it is done.

* JSON bodies: no deeper than REQUEST_JSON_MAX_DEPTH levels, found by a linear scan of the raw bytes
  before any parser recurses (1,000 levels made Python's parser raise RecursionError: a 500).
* Uploaded files: at most FILE_UPLOAD_MAX_BYTES in all, refused by the request's Content-Length
  before a byte is read, or as soon as the stream passes the limit (a 196 MB upload used to be
  read whole, to disk, before the CSV import said it was too large).
* A NUL in the path or the query string: refused with 400 (PostgreSQL can't hold or compare one).
"""

import re
from collections.abc import Callable
from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from lcr_skills.text import text_problem

# --- JSON nesting -----------------------------------------------------------------------------

# A JSON string, or an unterminated one running to the end: every quote starts a match that
# consumes its string whole (possessive, no backtracking), so the scan stays linear.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPENING = frozenset(b"[{")


def json_too_deep(body: bytes, *, limit: int) -> bool:
    """Whether arrays and objects in this JSON text nest more than `limit` deep (brackets in strings don't count)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if sum(map(brackets.count, (b"[", b"{"))) <= limit:
        return False  # the usual body: too few brackets to be that deep
    depth = 0
    for byte in brackets:
        depth += 1 if byte in _OPENING else -1
        if depth > limit:
            return True
    return False


def json_too_deep_message() -> str:
    return f"The JSON is nested too deeply: use at most {settings.REQUEST_JSON_MAX_DEPTH} levels of arrays and objects."


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing a body over the size limit (413) or nested too deeply (400) before parsing."""

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201 - DRF's signature
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        if json_too_deep(body, limit=settings.REQUEST_JSON_MAX_DEPTH):
            raise ParseError(json_too_deep_message())
        return super().parse(BytesIO(body), media_type, parser_context)


# --- Uploaded files -------------------------------------------------------------------------

# Room for a multipart body's own lines (boundaries, each part's headers) beside its fields and files.
MULTIPART_ENVELOPE_BYTES = 256 * 1024


class UploadTooLarge(RequestDataTooBig):
    """Uploaded files over FILE_UPLOAD_MAX_BYTES: answered 413 with `upload_too_large_message()`."""


def upload_too_large_message(limit: int | None = None) -> str:
    """The same words wherever a file is refused for its size (the CSV import's help text says "up to 1,024 KB")."""
    limit = settings.FILE_UPLOAD_MAX_BYTES if limit is None else limit
    return f"The file is larger than {limit // 1024:,} KB, the most you can upload."


class SizeLimitedUploadHandler(FileUploadHandler):
    """Keep uploaded files in memory; refuse a request whose files pass FILE_UPLOAD_MAX_BYTES, reading no further.

    A Content-Length larger than any acceptable request (the files, the other fields, the
    multipart lines) is refused before the body is read; a smaller one that turns out to carry too
    much file data is refused as soon as it passes the limit.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:  # noqa: ANN001, N803
        most = settings.FILE_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_ENVELOPE_BYTES
        if content_length is not None and content_length > most:
            raise UploadTooLarge(upload_too_large_message())
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().new_file(*args, **kwargs)
        self.file = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)  # every file of the request together
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            raise UploadTooLarge(upload_too_large_message())
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


# --- NUL in the address ---------------------------------------------------------------------


class NullCharacterMiddleware:
    """Answer 400 to a NUL in the path or a query parameter, naming where, before any view sends it to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = ["the address"] if "\x00" in request.path else []
        where += [
            name.replace("\x00", "")
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        ]
        if not where:
            return self.get_response(request)
        message = text_problem("\x00")
        if request.path.startswith("/api/"):
            # Field messages for the query parameters, as a serializer would give them.
            body = {name: [message] for name in where if name != "the address"}
            if "the address" in where:
                body["detail"] = "The address has a null character (U+0000) in it."
            return JsonResponse(body, status=400)
        said = ", ".join(f"“{name}”" if name != "the address" else name for name in where)
        return render(request, "400.html", {"message": f"Remove the null character (U+0000) from {said}."}, status=400)
