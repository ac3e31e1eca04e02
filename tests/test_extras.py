"""The optional extras install together with Airflow 3.3.2 from ``requirements.lock``, and import.

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
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version

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


def _lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


def _extras() -> dict[str, list[Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {name: [Requirement(r) for r in reqs] for name, reqs in project["optional-dependencies"].items()}


def test_every_extra_is_declared_and_pinned_exactly():
    extras = _extras()
    assert set(EXTRAS) <= set(extras)
    for name in EXTRAS:
        for requirement in extras[name]:
            assert re.fullmatch(r"==[\w.]+", str(requirement.specifier)), (
                f"[{name}] {requirement} is not pinned"
            )


def test_the_lock_pins_every_extra_at_its_declared_version():
    lock = _lock()
    for name in EXTRAS:
        for requirement in _extras()[name]:
            (spec,) = requirement.specifier
            assert lock.get(canonicalize_name(requirement.name)) == spec.version, (name, requirement)


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
