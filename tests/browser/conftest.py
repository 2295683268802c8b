"""Real-browser tests: Debian's Chromium driven by Playwright against a live server.

They need /usr/bin/chromium and axe-core (`npm ci` installs it into node_modules/). Where
either is missing they are skipped with a message saying so, except in CI (REQUIRE_BROWSER=1),
where a missing browser is an error. Screenshots of each journey's last page go to
test-artifacts/screenshots/.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# axe-core rule tags for WCAG 2.2 AA (and the A/AA levels before it).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing() -> str:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        problems.append(f"no axe-core at {AXE.relative_to(ROOT)} (npm ci)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        problems.append("no playwright package (pip install -r requirements-dev.txt)")
    return "; ".join(problems)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing()
    if not missing:
        return
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    if browser_items and os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but the browser tests can't run: {missing}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {missing}"))


@pytest.fixture(scope="package")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls
    # are still plain synchronous code, so tell Django not to refuse them — for this package only
    # (a deployment check elsewhere in the suite would rightly fail with it set).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_sync_orm_beside_playwright: None) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    """A fresh browser context (no cookies) on the live server; fails on a page that errors."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def open_page(browser: object, live_server: object) -> Iterator[object]:
    """`open_page()` opens another fresh browser context (someone else at their own computer)."""
    contexts = []

    def new_page() -> object:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield new_page
    for context in contexts:
        context.close()


def sign_in(page: object, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page: object, *, context: str = "") -> None:
    """Run axe-core in the page; fail on any serious or critical WCAG 2.2 AA violation."""
    # Evaluated rather than added as a <script>: the site's CSP rightly refuses inline scripts,
    # and the tests must not switch that policy off.
    page.wait_for_load_state()
    page.evaluate(AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in serious
        ],
        indent=2,
    )
    assert not serious, f"axe-core found serious or critical WCAG 2.2 AA violations on {page.url} {context}:\n{details}"


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
