"""Build the Lambda deployment package, reproducibly: `make package` → dist/lambda.zip.

Contents: the two functions' entries at the root (`lambda_function.py`, the skill;
`alert_sender.py`, AlertSenderFunction), the `skill` package (Python sources and its
JSON data), and the runtime dependencies pinned in pyproject.toml (versions fixed by
constraints.txt) as wheels for the function's platform, read from infra/template.yaml
(Runtime python3.13, Architectures arm64 → manylinux2014 aarch64). boto3/botocore are not
bundled: the Lambda runtime provides botocore, imported only when AWS is used.

Bytecode for the runtime's Python is shipped beside the sources (`__pycache__/*.cpython-
313.pyc`): Lambda's /var/task is read-only, so without it every cold start compiles
every module it imports (and prints the libraries' SyntaxWarnings). It is compiled by a
Python of the runtime's version (LAMBDA_PYTHON, else python3.13 on PATH, else a pyenv
3.13), with --invalidation-mode unchecked-hash (no timestamps: reproducible; the sources
in the zip never change) and file names as Lambda sees them (/var/task/...). Without such
an interpreter the zip is built without bytecode, and the build says so.

Same sources + same pins → byte-identical zip: entries sorted, timestamps fixed, file
modes normalised.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
TASK_ROOT = "/var/task"  # where Lambda unpacks the zip
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
SKIP_DIRS = {"bin"}  # bin/: console scripts pip writes; useless in Lambda
# Not used by the function at run time: type stubs, the dependencies' own tests.
SKIP_SUFFIXES = {".pyo", ".pyi"}
# Parts of the skill package Lambda never imports: the terminal console and the
# self-hosted web endpoint (tests prove the packaged handler runs without them).
NOT_FOR_LAMBDA = ("skill/console", "skill/web")
# Never shipped even if something pulls them in: the runtime has its own boto3; requests
# (and what only it needs) comes with ask-sdk-core for a DefaultApiClient the skill never
# imports (skill.alexa.api_client uses urllib3 and certifi).
EXCLUDED_DISTS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "requests",
    "charset_normalizer",
    "idna",
)


def function_target(template: Path = TEMPLATE) -> tuple[str, str]:
    """(Python version, pip platform) of the function in the SAM template: "python3.13"
    and ["arm64"] → ("3.13", "manylinux2014_aarch64")."""
    text = template.read_text()
    runtime = re.search(r"^\s+Runtime:\s*python(\d+\.\d+)\s*$", text, re.M)
    arch = re.search(r"^\s+Architectures:\s*\n\s+-\s*(\w+)\s*$", text, re.M)
    if runtime is None or arch is None:
        raise SystemExit(f"{template}: no python Runtime or Architectures for the function")
    return runtime.group(1), PLATFORMS[arch.group(1)]


def bytecode_python(version: str) -> str | None:
    """An interpreter of the runtime's Python version, or None."""
    candidates = [os.environ.get("LAMBDA_PYTHON") or "", shutil.which(f"python{version}") or ""]
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(str(home / "versions" / f"{version}.*" / "bin" / "python3")))
    for candidate in candidates:
        if not candidate:
            continue
        out = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if out.returncode == 0 and out.stdout.strip() == version:
            return candidate
    return None


def compile_bytecode(build: Path, python: str) -> None:
    """Every .py as __pycache__/<name>.cpython-3XX.pyc, checked-free and path-stable."""
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "1", "--invalidation-mode", "unchecked-hash",
         "-s", str(build), "-p", TASK_ROOT, str(build)],
        check=False,  # a dependency's file that does not compile stays source-only
        capture_output=True,
    )


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The `[project] dependencies` list: what the Lambda package ships."""
    with pyproject.open("rb") as fh:
        return list(tomllib.load(fh)["project"]["dependencies"])


def install_dependencies(
    target: Path, requirements: list[str], constraints: Path, version: str, platform: str
) -> None:
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
        platform,
        "--python-version",
        version,
        "--implementation",
        "cp",
        "--target",
        str(target),
        "-c",
        str(constraints),
        *requirements,
    ]
    subprocess.run(cmd, check=True)


ENTRIES = ("lambda_function.py", "alert_sender.py")


def copy_sources(build: Path) -> None:
    for entry in ENTRIES:  # one package for both functions: each names its own handler
        shutil.copy2(ROOT / "lambda" / entry, build / entry)
    for path in sorted((ROOT / "skill").rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".json"}:
            continue
        rel = path.relative_to(ROOT)
        if "__pycache__" in path.parts or rel.as_posix().startswith(NOT_FOR_LAMBDA):
            continue
        dest = build / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)


def _files(build: Path, tag: str | None) -> Iterator[Path]:
    for path in build.rglob("*"):
        rel = path.relative_to(build)
        if not path.is_file() or SKIP_DIRS.intersection(rel.parts[:-1]):
            continue
        if path.suffix in SKIP_SUFFIXES:
            continue
        if path.suffix == ".pyc" and (tag is None or not path.name.endswith(f".{tag}.pyc")):
            continue  # only the runtime's own bytecode
        if rel.parts[0].split("-")[0].lower() in EXCLUDED_DISTS:
            continue
        yield path


def write_zip(build: Path, out: Path, tag: str | None = None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(path.relative_to(build).as_posix() for path in _files(build, tag))
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
    version, platform = function_target()
    install_dependencies(build_dir, runtime_requirements(), constraints, version, platform)
    copy_sources(build_dir)
    python = bytecode_python(version)
    tag = None
    if python is None:
        print(
            f"warning: no Python {version} found (LAMBDA_PYTHON, python{version}, pyenv): "
            "the package has no bytecode, and every cold start will compile its modules",
            file=sys.stderr,
        )
    else:
        compile_bytecode(build_dir, python)
        tag = "cpython-" + version.replace(".", "")
    write_zip(build_dir, out, tag)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "lambda.zip")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "lambda")
    parser.add_argument(
        "--runtime-python",
        action="store_true",
        help="print an interpreter of the function's Python version (exit 1 if none) and stop",
    )
    args = parser.parse_args(argv)
    if args.runtime_python:  # the Makefile builds the venv with it (tests on the runtime's)
        python = bytecode_python(function_target()[0])
        if python is None:
            return 1
        print(python)
        return 0
    out = build(args.out, args.build_dir)
    print(
        f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
        f"{out.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
