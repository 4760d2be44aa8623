"""The project's documentation stands on its own: nothing in the repository points to
files outside it, and the documents the code cites are in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the project's working notes lived before they were brought into docs/.
OUTSIDE = re.compile(r"\.\./" r"shared|/" r"work/|seed/" r"leg-pain")


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [ROOT / name for name in out.splitlines() if (ROOT / name).is_file()]


def test_nothing_points_outside_the_repository():
    offenders = []
    for path in tracked_files():
        if path.suffix in {".py", ".md", ".json", ".yaml", ".jsonl", ".txt", ""}:
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in OUTSIDE.findall(text)]
    assert not offenders, offenders


def test_the_documents_the_code_cites_are_in_the_repository():
    for name in ("docs/ARCHITECTURE.md", "docs/clinical.md", "docs/alexa-platform.md",
                 "DEVELOPERS.md", "README.md"):
        assert (ROOT / name).is_file(), name
    cited = set(re.findall(r"docs/[\w.-]+\.md", (ROOT / "DEVELOPERS.md").read_text()))
    cited |= set(re.findall(r"docs/[\w.-]+\.md", (ROOT / "README.md").read_text()))
    for name in cited:
        assert (ROOT / name).is_file(), name
