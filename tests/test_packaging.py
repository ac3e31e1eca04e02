"""What users install: a wheel and an sdist that build, pass ``twine check``, declare ranges (not pins)
and the provider's entry points, and a wheel that goes into an Airflow already installed without
changing any package there.

The install test stands for a user's deployment: a venv holding only the running minor's Airflow,
installed from that minor's lock (``requirements/airflow-3.1.lock``; 3.3's is ``requirements.lock``),
then ``pip install <wheel>`` the way a user types it, with no constraints. What pip lists before and
after must agree on every package that was there; Airflow must list the provider with its version,
and the seed example must run through ``airflow dags test`` on the installed copy (run from a folder
outside the repository, so nothing is imported from the work tree). ``make test-compat AIRFLOW=3.1``
runs it on 3.1, ``make test`` on 3.3.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

pytestmark = pytest.mark.install

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
SEED = {"s1": "Pear", "s2": "Earth"}


def _run(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, timeout=900, **kwargs
    )
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build``: the sdist, and the wheel built from it (as PyPI's users get both)."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, REPO)
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("airflow_dynflow-*.whl")
    return wheel


def _wheel_text(dist: Path, suffix: str) -> str:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(f".dist-info/{suffix}")]
        return wheel.read(name).decode()


def test_the_wheel_and_the_sdist_build_and_pass_twine_check(dist):
    assert len(list(dist.glob("airflow_dynflow-*.tar.gz"))) == 1
    _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))


def test_the_wheel_declares_ranges_with_the_supported_airflow(dist):
    metadata = _wheel_text(dist, "METADATA")
    headers = [line.partition(": ") for line in metadata.splitlines() if ": " in line]
    fields = {key: value for key, _, value in headers}
    assert (fields["Name"], fields["Version"]) == ("airflow-dynflow", PROJECT["version"])
    requires = [Requirement(value) for key, _, value in headers if key == "Requires-Dist"]
    by_name = {r.name: r for r in requires}
    assert by_name["apache-airflow"].specifier.contains("3.1.8")
    assert not by_name["apache-airflow"].specifier.contains("4.0.0")
    pinned = [str(r) for r in requires if any(spec.operator == "==" for spec in r.specifier)]
    assert not pinned, f"users would get these exact versions: {pinned}"


def test_the_wheel_carries_the_provider_and_plugin_entry_points(dist):
    entry_points = _wheel_text(dist, "entry_points.txt")
    assert "[apache_airflow_provider]" in entry_points
    assert "provider_info = airflow_dynflow.airflow.provider:get_provider_info" in entry_points
    assert "dynflow = airflow_dynflow.airflow.plugins.plugin:DynflowPlugin" in entry_points


def test_the_wheel_carries_the_graph_pages_script_and_style(dist):
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = set(wheel.namelist())
    for asset in ("graph.js", "viewport.js", "graph.css"):
        assert f"airflow_dynflow/airflow/plugins/static/{asset}" in names


def _lock_of_running_airflow() -> tuple[str, Path]:
    running = version("apache-airflow")
    minor = ".".join(running.split(".")[:2])
    return running, REPO / "requirements" / f"airflow-{minor}.lock"


def _freeze(python: Path) -> dict[str, str]:
    """Every installed distribution and its version (``pip list``: ``pip freeze`` spells the wheel as
    a file URL)."""
    out = _run(python, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check").stdout
    return {canonicalize_name(item["name"]): item["version"] for item in json.loads(out)}


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict, dict]]:
    """A venv with only the running minor's Airflow (from its lock), then the wheel: (bin, before, after)."""
    running, lock = _lock_of_running_airflow()
    home = tmp_path_factory.mktemp("deployment")
    venv = home / "venv"
    uv = Path(sys.executable).with_name("uv")
    _run(uv, "venv", "--quiet", "--seed", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(uv, "pip", "install", "--quiet", "--python", python, "-c", lock, f"apache-airflow=={running}")
    before = _freeze(python)
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", _wheel(dist))
    yield venv / "bin", before, _freeze(python)
    shutil.rmtree(venv, ignore_errors=True)


def test_installing_the_wheel_changes_no_package_airflow_brought(installed):
    _, before, after = installed
    changed = {
        name: (pinned, after.get(name)) for name, pinned in before.items() if after.get(name) != pinned
    }
    assert not changed, f"pip install moved packages that were there: {changed}"
    assert after["airflow-dynflow"] == PROJECT["version"]


def _deployment_env(home: Path) -> dict[str, str]:
    dags = home / "dags"
    dags.mkdir(exist_ok=True)
    shutil.copy(REPO / "dags" / "count_characters.py", dags)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PYTHONPATH"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(dags),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE="airflow_dynflow.airflow.discovery.might_contain_dag",
        AIRFLOW__DYNFLOW__SIGNING_KEY=secrets.token_urlsafe(32),
        AIRFLOW__DYNFLOW__STORE_URL=f"file://{home}/store",
    )
    return env


def test_airflow_lists_the_installed_provider_with_its_version(installed, tmp_path):
    bin_dir, _, _ = installed
    out = _run(
        bin_dir / "airflow", "providers", "list", "-o", "json", cwd=tmp_path, env=_deployment_env(tmp_path)
    )
    providers = {p["package_name"]: p["version"] for p in json.loads(out.stdout[out.stdout.index("[") :])}
    assert providers.get("airflow-dynflow") == PROJECT["version"]


def test_the_seed_example_runs_on_the_installed_wheel(installed, tmp_path):
    bin_dir, _, _ = installed
    env = _deployment_env(tmp_path)
    where = _run(
        bin_dir / "python", "-c", "import airflow_dynflow; print(airflow_dynflow.__file__)", cwd=tmp_path
    )
    assert "site-packages" in where.stdout
    _run(bin_dir / "airflow", "db", "migrate", cwd=tmp_path, env=env)
    _run(bin_dir / "airflow", "dags", "test", "wf", "-c", json.dumps(SEED), cwd=tmp_path, env=env)
    # scripts/show_run.py reads the run back through harness.xcom: both copied beside the DB, so the
    # installed package (not the work tree) decodes the result.
    shutil.copytree(REPO / "harness", tmp_path / "harness")
    shutil.copy(REPO / "scripts" / "show_run.py", tmp_path)
    shown = _run(bin_dir / "python", "show_run.py", "wf", cwd=tmp_path, env=env).stdout
    assert ": success, outputs = 3" in shown, shown
