"""Ranges in ``pyproject.toml``, exact pins in the locks, and the extras install together and import.

What users install declares ranges (``tests/test_packaging.py`` installs it into an Airflow that is
already there); every lock (``requirements.lock`` for Airflow 3.3, ``requirements/airflow-3.X.lock``
for the older minors) pins versions those ranges admit, and pins its minor's latest patch.
``pip install --dry-run`` resolves this project with every extra against the lock as constraints and
reports what it would install: every package must be pinned in the lock at that version (nothing
downloaded beyond it) and every pin must be used (the lock is exactly that resolution). Since the pins
are fixed, each extra alone resolves too: its requirements are a subset of the whole. Each extra is
also imported (``make`` installs them all), providers included, the way the executor, the metadata DB
and the store load them.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

EXTRAS = ("celery", "postgres", "s3", "gcs", "kubernetes")
# What each extra must make importable: the provider modules Airflow loads for it, and the drivers.
IMPORTS = {
    "celery": ["airflow.providers.celery.executors.celery_executor", "celery", "redis"],
    "postgres": ["airflow.providers.postgres.hooks.postgres", "asyncpg", "psycopg2"],
    "s3": ["airflow.providers.amazon.aws.fs.s3", "airflow.providers.amazon.aws.hooks.s3", "s3fs"],
    "gcs": ["gcsfs"],
    "kubernetes": ["airflow.providers.cncf.kubernetes.executors.kubernetes_executor"],
}


# Each supported minor, the patch its lock pins, and the lock.
LOCKS = {
    "3.1": ("3.1.8", REPO / "requirements" / "airflow-3.1.lock"),
    "3.2": ("3.2.2", REPO / "requirements" / "airflow-3.2.lock"),
    "3.3": ("3.3.2", REPO / "requirements.lock"),
}


def _lock(path: Path = REPO / "requirements.lock") -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _extras() -> dict[str, list[Requirement]]:
    return {name: [Requirement(r) for r in reqs] for name, reqs in PROJECT["optional-dependencies"].items()}


def _declared() -> list[Requirement]:
    """Every requirement users or developers install: the dependencies and every extra, dev included."""
    return [Requirement(r) for r in PROJECT["dependencies"]] + [
        r for reqs in _extras().values() for r in reqs
    ]


def test_every_dependency_and_extra_is_a_range_with_a_floor():
    assert set(EXTRAS) <= set(_extras())
    for requirement in _declared():
        operators = {spec.operator for spec in requirement.specifier}
        assert "==" not in operators and "===" not in operators, f"{requirement} is a pin, not a range"
        assert ">=" in operators, f"{requirement} has no lower bound"


def test_airflow_is_declared_from_3_1_and_below_4():
    (airflow,) = [r for r in _declared() if r.name == "apache-airflow"]
    assert str(airflow.specifier) == "<4,>=3.1.0"


@pytest.mark.parametrize("minor", LOCKS)
def test_each_lock_pins_its_minors_latest_patch_inside_every_declared_range(minor):
    patch, path = LOCKS[minor]
    lock = _lock(path)
    assert lock["apache-airflow"] == patch
    for requirement in _declared():
        if requirement.marker is None or requirement.marker.evaluate():
            pinned = lock.get(canonicalize_name(requirement.name))
            assert pinned is not None, f"{path.name} does not pin {requirement.name}"
            assert requirement.specifier.contains(pinned, prereleases=True), (path.name, requirement, pinned)


def test_python_dateutil_is_pinned_below_3_for_botocore():
    assert int(_lock()["python-dateutil"].split(".")[0]) < 3


@pytest.fixture(scope="module")
def resolution() -> dict[str, str]:
    """What pip would install for ``.[dev,<every extra>]`` with the lock as constraints (network: PyPI)."""
    extras = ",".join(("dev", *EXTRAS))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--report", "-", "-c", str(REPO / "requirements.lock"), f"{REPO}[{extras}]"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    return {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in report["install"]
        if canonicalize_name(item["metadata"]["name"]) != "airflow-dynflow"
    }


def test_all_extras_resolve_together_inside_the_lock(resolution):
    lock = _lock()
    outside = {name: found for name, found in resolution.items() if lock.get(name) != found}
    assert not outside, f"resolved outside requirements.lock: {outside}"
    unused = set(lock) - set(resolution)
    assert not unused, f"pinned in requirements.lock but not needed: {sorted(unused)}"
    assert resolution["apache-airflow"] == "3.3.2"


@pytest.mark.parametrize("extra", EXTRAS)
def test_an_installed_extra_imports_at_its_locked_versions(extra):
    lock = _lock()
    for requirement in _extras()[extra]:
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            pytest.skip(f"[{extra}] is not installed in this environment (make venv EXTRAS=dev,{extra})")
        assert installed == lock[canonicalize_name(requirement.name)], requirement
    for module in IMPORTS[extra]:
        importlib.import_module(module)
