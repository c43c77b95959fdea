"""Dependencies (issue 16, item 7): minimums free of known vulnerabilities, defusedxml
among them, and one constraints file that CI and the build use, within those minimums."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _sep, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_minimums_exclude_the_known_vulnerable_versions():
    project = _project()
    requirements = {canonicalize_name(r.name): r for r in map(
        Requirement, project["project"]["dependencies"])}
    assert not requirements["cryptography"].specifier.contains("42.0.3")  # CVE-2024-26130
    assert requirements["cryptography"].specifier.contains("42.0.4")
    assert "defusedxml" in requirements
    build = {canonicalize_name(r.name): r for r in map(
        Requirement, project["build-system"]["requires"])}
    assert not build["setuptools"].specifier.contains("69.5.1")  # CVE-2024-6345
    assert not build["wheel"].specifier.contains("0.38.0")  # CVE-2022-40898


def test_the_constraints_pin_every_dependency_within_its_range():
    pins = _pins()
    project = _project()["project"]
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name]), (name, str(pins[name]))


def test_ci_and_the_build_use_the_constraints():
    assert 'PIP_CONSTRAINT="$PWD/constraints.txt"' in (ROOT / ".ci" / "run").read_text()
    assert "_check_constraints()" in (ROOT / "build.spec").read_text(encoding="utf-8")
