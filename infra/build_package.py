"""Build the Lambda deployment package, reproducibly: `make package` → dist/lambda.zip.

Contents: `lambda_function.py` at the root, the `skill` package (Python sources and its
JSON data), and the runtime dependencies pinned in pyproject.toml (versions fixed by
constraints.txt) as wheels for the Lambda platform: Python 3.13 on arm64 (manylinux2014
aarch64). boto3/botocore are not bundled: the Lambda runtime provides them, and they are
imported only when TABLE_NAME is set.

Same sources + same pins → byte-identical zip: entries sorted, timestamps fixed, file
modes normalised, no bytecode.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = "manylinux2014_aarch64"
PYTHON_VERSION = "3.13"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
SKIP_DIRS = {"__pycache__", "bin"}  # bin/: console scripts pip writes; useless in Lambda
SKIP_SUFFIXES = {".pyc", ".pyo"}
# Parts of the skill package Lambda never imports: the terminal console and the
# self-hosted web endpoint (tests prove the packaged handler runs without them).
NOT_FOR_LAMBDA = ("skill/console", "skill/web")
# Never shipped even if something pulls them in: the runtime has its own boto3.
EXCLUDED_DISTS = ("boto3", "botocore", "s3transfer", "jmespath")


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The `[project] dependencies` list: what the Lambda package ships."""
    with pyproject.open("rb") as fh:
        return list(tomllib.load(fh)["project"]["dependencies"])


def install_dependencies(target: Path, requirements: list[str], constraints: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--target",
        str(target),
        "-c",
        str(constraints),
        *requirements,
    ]
    subprocess.run(cmd, check=True)


def copy_sources(build: Path) -> None:
    shutil.copy2(ROOT / "lambda" / "lambda_function.py", build / "lambda_function.py")
    for path in sorted((ROOT / "skill").rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".json"}:
            continue
        rel = path.relative_to(ROOT)
        if "__pycache__" in path.parts or rel.as_posix().startswith(NOT_FOR_LAMBDA):
            continue
        dest = build / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)


def _files(build: Path) -> Iterator[Path]:
    for path in build.rglob("*"):
        rel = path.relative_to(build)
        if not path.is_file() or SKIP_DIRS.intersection(rel.parts[:-1]):
            continue
        if path.suffix in SKIP_SUFFIXES:
            continue
        if rel.parts[0].split("-")[0].lower() in EXCLUDED_DISTS:
            continue
        yield path


def write_zip(build: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(path.relative_to(build).as_posix() for path in _files(build))
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is honoured
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, (build / name).read_bytes(), compresslevel=9)
    os.replace(tmp, out)


def build(out: Path, build_dir: Path, constraints: Path = ROOT / "constraints.txt") -> Path:
    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    install_dependencies(build_dir, runtime_requirements(), constraints)
    copy_sources(build_dir)
    write_zip(build_dir, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "lambda.zip")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "lambda")
    args = parser.parse_args(argv)
    out = build(args.out, args.build_dir)
    print(
        f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
        f"{out.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
