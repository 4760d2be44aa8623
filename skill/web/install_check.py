"""Is the installed `oscrypto` module elements-oscrypto's? `python -m skill.web.install_check`

flask-ask-sdk → ask-sdk-webservice-support → certvalidator requires the distribution
`oscrypto`, whose last release (1.3.0) fails at import on OpenSSL ≥ 3.0.10. The
distribution elements-oscrypto installs the same module from oscrypto's upstream main,
where that is fixed (reviewed: docs/web-verification.md). Both write the files of
site-packages/oscrypto/, so whichever pip installed last wins; the Makefile installs
elements-oscrypto last and runs this check before it marks the venv as built, and .ci/run
runs it again. Both distributions say `__version__ = '1.3.0'`, so the check compares the
files on disk with the hashes elements-oscrypto's RECORD lists, then imports the adapter.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import sys
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "elements-oscrypto"
MODULE = "oscrypto/"
FIX = f".venv/bin/pip install --no-deps --force-reinstall -c constraints.txt {DISTRIBUTION}"


# sha256 over the sorted "path mode=hash" lines of the oscrypto/ files in elements-oscrypto
# 1.4.0b1's RECORD: the files reviewed (docs/web-verification.md: identical to oscrypto's
# upstream main). Another upload with other files fails the check even at this version.
REVIEWED = "b78d68f71f2ee3601a10f781b3cda3fc598ffd1cae963609e3f9563154af231b"


class BrokenInstall(ImportError):
    """flask-ask-sdk could not be imported; the message says what to run."""


def oscrypto_problems(
    dist: metadata.Distribution | None = None, reviewed: str = REVIEWED
) -> list[str]:
    """What is wrong with the installed oscrypto module; empty when every file of it is
    the one `dist` (elements-oscrypto by default) installed, and those are the reviewed."""
    if dist is None:
        try:
            dist = metadata.distribution(DISTRIBUTION)
        except metadata.PackageNotFoundError:
            return [f"{DISTRIBUTION} is not installed"]
    files = [f for f in recorded(dist) if str(f).startswith(MODULE) and f.hash is not None]
    if not files:
        return [f"{DISTRIBUTION}'s RECORD lists no {MODULE} files"]
    problems = []
    if record_digest(files) != reviewed:
        problems.append(f"{DISTRIBUTION}'s files are not the ones reviewed")
    for file in files:
        try:
            data = Path(file.locate()).read_bytes()
        except OSError:
            problems.append(f"{file} is missing")
            continue
        expected = file.hash
        if expected is None:  # kept out above; narrowed again for the type checker
            continue
        digest = hashlib.new(expected.mode, data).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != expected.value:
            problems.append(f"{file} is not {DISTRIBUTION}'s (another oscrypto overwrote it)")
    return problems


def recorded(dist: metadata.Distribution) -> list[metadata.PackagePath]:
    """Every file the distribution's RECORD lists. Not `dist.files`: from Python 3.12 on
    that leaves out the files that are missing, which are the ones to report."""
    text = dist.read_text("RECORD")
    if text is None:
        return list(dist.files or ())
    files = []
    for row in csv.reader(text.splitlines()):
        if not row:
            continue
        path = metadata.PackagePath(row[0])
        path.hash = metadata.FileHash(row[1]) if len(row) > 1 and row[1] else None
        path.size = int(row[2]) if len(row) > 2 and row[2] else None
        path.dist = dist
        files.append(path)
    return files


def record_digest(files: list[metadata.PackagePath]) -> str:
    lines = sorted(f"{f} {f.hash.mode}={f.hash.value}" for f in files if f.hash is not None)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def main() -> int:
    problems = oscrypto_problems()
    if not problems:
        try:
            import flask_ask_sdk.skill_adapter  # noqa: F401 - the import is the check
        except Exception as exc:  # noqa: BLE001 - reported, whatever it is
            problems.append(f"import flask_ask_sdk.skill_adapter: {type(exc).__name__}: {exc}")
    if problems:
        for problem in problems:
            print(f"install check: {problem}", file=sys.stderr)
        print(f"install check: fix with `make` or {FIX}", file=sys.stderr)
        return 1
    version = metadata.version(DISTRIBUTION)
    print(f"install check: oscrypto is {DISTRIBUTION} {version}'s; flask-ask-sdk imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
