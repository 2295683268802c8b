"""The code imports one way only (issue 13; docs/architecture.md).

`lcr_skills` <- `apprenticeships` <- `matching`, and inside `matching`:
`ml` (no Django) <- models <- enqueue <- selectors / services <- tasks / api / views / dashboard.

Every import in every module is read with `ast`, those inside functions included (a lazy import
is still a dependency), and each must point to the importer's own layer or one below it. The
project's wiring (settings, URLconf, Celery app, WSGI/ASGI) sits above everything.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lcr_skills", "apprenticeships", "matching")

# The project's wiring: it names every app, so it sits on top. (The Celery app, lcr_skills.celery,
# names none: it is part of the bottom layer, and matching.enqueue queues through it.)
WIRING = {"lcr_skills.settings", "lcr_skills.test_settings", "lcr_skills.urls", "lcr_skills.wsgi", "lcr_skills.asgi"}

# Layers from the bottom; a module belongs to the first prefix it matches (the longest first).
LAYERS: list[tuple[str, list[str]]] = [
    ("lcr_skills", ["lcr_skills"]),
    ("apprenticeships", ["apprenticeships"]),
    ("matching.ml", ["matching.ml"]),
    ("matching.models", ["matching.models"]),
    ("matching.enqueue", ["matching.enqueue"]),
    ("matching.services", ["matching.selectors", "matching.services", "matching.permissions"]),
    ("matching (top)", ["matching"]),
]
# The plain modules `matching.ml` may use besides the scientific stack: no Django, no models.
ML_MAY_IMPORT = {"lcr_skills.geo"}
ML_FORBIDDEN_THIRD_PARTY = ("django", "rest_framework", "celery")


def layer_of(module: str) -> int | None:
    """The index of a project module's layer in LAYERS, or None for wiring and third-party code."""
    if module in WIRING or module.split(".")[0] not in PACKAGES:
        return None
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(
    module: str, source: str, *, is_package: bool = False, known: set[str] | None = None
) -> list[tuple[int, str]]:
    """(line, module imported) for every import in the source, relative ones resolved.

    `from package import name` imports the submodule `package.name` when there is one (`known`,
    the project's modules), else something the package itself defines.
    """
    known = project_module_names() if known is None else known
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((node.lineno, submodule if submodule in known else target))
    return found


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """What in one module's source breaks the stack, as readable sentences."""
    mine = layer_of(module)
    if mine is None:
        return []
    problems = []
    for line, target in imports_of(module, source, is_package=is_package):
        if is_package and target.startswith(module + "."):
            continue  # a package's __init__ naming its own submodules
        where = f"{module} (line {line}) imports {target}"
        if module.startswith("matching.ml"):
            if target.split(".")[0] in ML_FORBIDDEN_THIRD_PARTY:
                problems.append(f"{where}: matching.ml is plain numpy / scipy / scikit-learn, without Django")
                continue
            in_ml = target == "matching.ml" or target.startswith("matching.ml.")
            if target.split(".")[0] in PACKAGES and not in_ml and target not in ML_MAY_IMPORT:
                problems.append(f"{where}: matching.ml uses no project code but {sorted(ML_MAY_IMPORT)}")
            continue
        theirs = layer_of(target)
        if target in WIRING:
            problems.append(f"{where}: the project's wiring sits above every app")
        elif theirs is not None and theirs > mine:
            problems.append(f"{where}: {LAYERS[theirs][0]} is above {LAYERS[mine][0]}")
    return problems


def project_modules() -> list[tuple[str, Path]]:
    paths = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted((module_name(path), path) for path in paths)


@cache
def project_module_names() -> frozenset[str]:
    return frozenset(module for module, _ in project_modules())


def test_every_module_imports_only_its_own_layer_or_those_below():
    problems = []
    for module, path in project_modules():
        problems += violations(module, path.read_text(), is_package=path.name == "__init__.py")
    assert not problems, "Imports that break the stack (docs/architecture.md):\n" + "\n".join(problems)


def test_the_walk_reads_every_app():
    modules = [module for module, _ in project_modules()]
    assert {"apprenticeships.models", "matching.models", "matching.tasks", "lcr_skills.text"} <= set(modules)
    assert len(modules) > 100


@pytest.mark.parametrize(
    ("module", "source", "why"),
    [
        ("apprenticeships.services.vacancies", "from matching.services import rematch_after_commit", "above"),
        ("apprenticeships.permissions", "def f():\n    from matching.models import Suggestion\n", "above"),
        ("matching.services.runs", "def f():\n    from matching.tasks import rematch_task\n", "above"),
        ("matching.services.decisions", "from ..tasks import introduction_send_task", "above"),
        ("matching.enqueue", "from matching.services.runs import rematch_standards", "above"),
        ("matching.models", "from matching import selectors", "above"),
        ("matching.services.runs", "from matching import tasks", "above"),
        ("matching.ml.scoring", "from matching import models", "no project code"),
        ("matching.ml.scoring", "from lcr_skills import text", "no project code"),
        ("matching.ml.scoring", "from django.db import models", "without Django"),
        ("matching.ml.scoring", "from apprenticeships.models import Vacancy", "no project code"),
        ("lcr_skills.text", "from apprenticeships.models import Vacancy", "above"),
        ("apprenticeships.views.public", "from lcr_skills.urls import urlpatterns", "wiring"),
    ],
)
def test_an_upward_import_is_caught(module, source, why):
    found = violations(module, source, is_package=False)
    assert found and why in found[0]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("matching.services.runs", "from apprenticeships.models import Standard\nfrom matching.models import MatchRun"),
        ("matching.tasks", "from matching import services\nfrom matching.enqueue import rematch_after_commit"),
        ("matching.services.decisions", "from matching.enqueue import after_commit"),
        ("matching.services.runs", "from matching import enqueue, models"),
        ("matching.enqueue", "from lcr_skills.celery import app"),
        (
            "matching.ml.allocation",
            "import numpy as np\nfrom scipy import sparse\nfrom lcr_skills.geo import haversine_km",
        ),
        ("matching.ml.scoring", "from lcr_skills import geo\nfrom .geo import distances"),
        ("apprenticeships.places", "from lcr_skills.geo import haversine_km"),
    ],
)
def test_a_downward_import_is_allowed(module, source):
    assert violations(module, source, is_package=False) == []
