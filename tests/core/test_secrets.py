"""Secrets locally: flytekit's lookup (environment variable, then file), granted by the request."""

import typing

import pytest

from airflow_dynflow import Secret, current_context, dynamic, task, workflow
from airflow_dynflow.core.context.secrets import LocalSecrets, Secrets
from airflow_dynflow.core.wire.spec_write import dump_spec


@task(secret_requests=[Secret(group="db", key="password")])
def password_length() -> int:
    return len(current_context().secrets.get("db", "password"))


@task(secret_requests=[Secret(group="db", key="password")])
def by_attribute() -> str:
    return current_context().secrets.db.password


@task(secret_requests=[Secret(group="db", key="password")])
def reads_another() -> str:
    return current_context().secrets.get(group="db", key="login")


@task
def requests_nothing() -> str:
    return current_context().secrets.get("db", "password")


@dynamic
def lengths(n: int) -> typing.List[int]:
    return [password_length() for _ in range(n)]


def test_a_requested_secret_comes_from_its_flytekit_environment_variable(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2")
    assert password_length() == 7


def test_a_secret_reads_as_group_and_key_attributes(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2")
    assert by_attribute() == "hunter2"


def test_a_secret_without_its_variable_comes_from_the_file_in_the_secrets_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("_FSEC_DB_PASSWORD", raising=False)
    monkeypatch.setenv("FLYTE_SECRETS_DEFAULT_DIR", str(tmp_path))
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "password").write_text("from-a-file\n")
    assert password_length() == len("from-a-file")


def test_a_missing_secret_is_a_value_error_naming_how_to_provide_it(monkeypatch, tmp_path):
    monkeypatch.delenv("_FSEC_DB_PASSWORD", raising=False)
    monkeypatch.setenv("FLYTE_SECRETS_DEFAULT_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="environment variable _FSEC_DB_PASSWORD or the file .*db/password"):
        password_length()


def test_reading_an_unrequested_secret_names_the_task_group_and_key(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2")
    with pytest.raises(
        ValueError, match=r"requests_nothing: secret \(group='db', key='password'\) was not requested"
    ):
        requests_nothing()


def test_requesting_one_key_of_a_group_does_not_grant_another(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_LOGIN", "admin")
    with pytest.raises(
        ValueError, match=r"reads_another: secret \(group='db', key='login'\) was not requested"
    ):
        reads_another()


def test_generated_nodes_of_a_dynamic_read_their_tasks_requests(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2")
    assert lengths(n=2) == [7, 7]


def test_a_dynamic_spec_carries_no_secret_value(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2-in-the-env")
    assert "hunter2-in-the-env" not in dump_spec(lengths.compile(n=2))


def test_secrets_inside_a_workflow_resolve_per_call(monkeypatch):
    @workflow
    def wf() -> int:
        return password_length()

    monkeypatch.setenv("_FSEC_DB_PASSWORD", "abc")
    assert wf() == 3


def test_secret_requests_must_be_secrets_naming_the_task():
    with pytest.raises(TypeError, match="wrong: secret_requests takes a list of Secret"):

        @task(secret_requests=["db.password"])
        def wrong() -> int:
            return 1


def test_a_secret_needs_a_group_or_a_key():
    with pytest.raises(ValueError, match="a secret needs a group or a key"):
        Secret()


def test_the_environment_variable_and_file_follow_flytekits_names(monkeypatch):
    monkeypatch.delenv("FLYTE_SECRETS_DEFAULT_DIR", raising=False)
    source = LocalSecrets()
    secret = Secret(group="My-Group", key="Token", group_version="v2")
    assert source.env_var(secret) == "_FSEC_MY-GROUP_V2_TOKEN"
    assert source.file(secret) == "/etc/secrets/my-group/v2/token"


def test_outside_any_task_no_secret_is_granted(monkeypatch):
    monkeypatch.setenv("_FSEC_DB_PASSWORD", "hunter2")
    with pytest.raises(ValueError, match=r"outside any task: secret \(group='db', key='password'\) was not"):
        current_context().secrets.get("db", "password")


def test_a_source_is_asked_only_for_a_requested_secret():
    asked = []

    class Recording:
        def find(self, secret, encode_mode):
            asked.append(secret)
            return "v"

        def where(self, secret):
            return "nowhere"

    secrets = Secrets("t", [Secret(group="g", key="k")], Recording())
    with pytest.raises(ValueError):
        secrets.get("g", "other")
    assert asked == []
    assert secrets.get("g", "k") == "v"
