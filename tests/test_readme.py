"""The README tells the truth: every file it names exists, and it lists every document in docs/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
GENERATED = ("test-artifacts/",)  # made by the test run, not kept in the repository


def test_every_file_the_readme_names_is_in_the_repository():
    named = set(re.findall(r"`([\w./-]+\.(?:py|md|json|txt|toml|csv|sh))`", README))
    named |= set(re.findall(r"(?<![\w/.-])([\w/-]+\.md)\b", README))  # documents, quoted or not
    # Folders and files under the repository's own folders (not rates such as `10/minute`).
    folders = {path.name for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")}
    named |= {path for path in re.findall(r"`([\w.-]+(?:/[\w.-]+)+/?)`", README) if path.split("/")[0] in folders}

    missing = [path for path in named if not path.startswith(GENERATED) and not (ROOT / path).exists()]
    assert sorted(missing) == []


def test_the_readme_lists_every_document_in_docs():
    docs = sorted(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))

    assert docs and [doc for doc in docs if f"`{doc}`" not in README] == []


def test_the_readme_says_how_to_serve_on_another_port():
    makefile = (ROOT / "Makefile").read_text()

    assert "make run PORT=8001" in README
    assert "runserver 127.0.0.1:$(PORT)" in makefile
