"""Security headers on pages and API answers: CSP with no inline script, no framing, no sniffing."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_hardened(response) -> None:
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_page_carries_the_security_headers() -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    assert_hardened(response)


def test_an_api_answer_carries_the_security_headers() -> None:
    response = APIClient().get("/api/v1/public/vacancies/")
    assert response.status_code == 200
    assert_hardened(response)


def test_an_error_page_carries_them_too() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


def test_pages_load_scripts_only_as_files_never_inline() -> None:
    page = Client().get("/").content.decode()
    assert '<script type="module" src="/static/js/init.js"></script>' in page
    assert "<script>" not in page
    assert "<style" not in page
    assert "style=" not in page


def test_only_the_api_docs_page_may_use_inline_styles_and_never_inline_scripts() -> None:
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in csp["style-src"]
    page = response.content.decode()
    assert "<script>" not in page
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_over_https_with_production_settings_browsers_are_told_to_keep_to_https() -> None:
    response = Client().get("/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_in_development_sends_no_hsts() -> None:
    assert "Strict-Transport-Security" not in Client().get("/sign-in/")
