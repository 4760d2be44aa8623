"""One lock source (issue 21, item 7): pyproject.toml says which packages and the ranges
the code is written for; constraints.txt alone fixes every version that is installed,
the Lambda package's included (infra/build_package.py installs with it)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"not an exact pin: {line!r}"
        assert _name(name) not in found, f"pinned twice: {name}"
        found[_name(name)] = version
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed += extra
    return [Requirement(r) for r in listed if not r.startswith(project["name"])]


def test_pyproject_names_ranges_and_leaves_the_versions_to_the_lock():
    for requirement in requirements():
        assert not any(s.operator == "==" for s in requirement.specifier), (
            f"{requirement}: the version belongs in constraints.txt")


def test_every_requirement_is_locked_at_a_version_its_range_allows():
    locked = pins()
    for requirement in requirements():
        version = locked.get(_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} is outside {requirement.specifier}")


def test_everything_installed_is_the_locked_version():
    locked = pins()
    for dist in metadata.distributions():
        name = _name(dist.metadata["Name"])
        if name in ("leg-pain-guide", "pip", "setuptools", "wheel"):
            continue
        assert name in locked, f"{name} {dist.version} is installed but not locked"
        assert locked[name] == dist.version, f"{name}: {dist.version}, locked {locked[name]}"
