"""The API describes itself (OpenAPI 3, docs with no CDN), and the migrations match the models."""

import json
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

FOUNDATION_PATHS = {
    "/api/v1/auth/token/": {"post", "delete"},
    "/api/v1/me/": {"get"},
    "/api/v1/places/{postcode}/": {"get"},
    "/api/v1/standards/": {"get"},
    "/api/v1/standards/{lars_code}/": {"get"},
    "/api/v1/employers/": {"get", "post"},
    "/api/v1/employers/{id}/": {"get", "patch"},
    "/api/v1/providers/": {"get", "post"},
    "/api/v1/providers/{id}/": {"get", "patch"},
    "/api/v1/users/": {"get", "post"},
    "/api/v1/users/{id}/": {"get", "patch"},
}


class AssetSources(HTMLParser):
    """Collects where a page loads scripts, styles and icons from."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.sources.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.sources.append(attributes["href"])


def openapi_document(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_the_migrations_match_the_models() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"


def test_the_schema_is_an_openapi_3_document_anyone_can_read(client) -> None:
    document = openapi_document(client)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "LCR Skills Match API"
    assert document["info"]["version"] == "1.0.0"


def test_the_schema_describes_every_foundation_endpoint_and_method(client) -> None:
    paths = openapi_document(client)["paths"]
    for path, methods in FOUNDATION_PATHS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        assert not ({"put", "delete"} - methods) & set(paths[path]), f"{path} offers a method the API refuses"


def test_the_schema_says_how_to_authenticate(client) -> None:
    schemes = openapi_document(client)["components"]["securitySchemes"]
    assert schemes["knoxApiToken"]["type"] == "apiKey"
    assert schemes["knoxApiToken"]["in"] == "header"
    assert schemes["knoxApiToken"]["name"] == "Authorization"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_the_schema_never_shows_a_password_in_a_response(client) -> None:
    components = openapi_document(client)["components"]["schemas"]
    assert "password" in components["UserRequest"]["properties"]
    assert "password" not in components["User"]["properties"]


def test_the_default_yaml_schema_is_served_too(client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_the_interactive_docs_load_only_local_assets(client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    parser = AssetSources()
    parser.feed(page)
    assert any(source.endswith("swagger-ui-bundle.js") for source in parser.sources)
    # The page's own start-up script is served by the docs view itself, so that no script is inline (CSP).
    for source in parser.sources:
        assert source.startswith("/static/") or source == "/api/v1/docs/?script=", source
    script = client.get("/api/v1/docs/?script=").content.decode()
    for text in (page, script):
        assert "//cdn" not in text
        assert "unpkg.com" not in text
        assert "jsdelivr" not in text
    assert "/api/v1/schema/" in script
