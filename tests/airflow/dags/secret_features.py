"""Secrets on Airflow (tests/airflow/test_secrets.py): a static task and the generated nodes of a
dynamic read a connection's password and a variable; the tasks print them, as careless code does,
and return only lengths. The values are given by the test's environment, never written here."""

from __future__ import annotations

import logging
import typing

from airflow_dynflow import Secret, current_context, dynamic, task, workflow


@task(secret_requests=[Secret(group="dynflow_db", key="password"), Secret("dynflow_vault", "token")])
def use_secrets(message: str) -> int:
    secrets = current_context().secrets
    password = secrets.get("dynflow_db", "password")
    token = secrets.dynflow_vault.token
    print(f"careless print of {password} and {token}")
    logging.getLogger("secret_features").warning("careless log line of %s and %s", password, token)
    return len(password) + len(token) + len(message)


@dynamic
def use_secrets_in_nodes(n: int) -> typing.List[int]:
    return [use_secrets(message=str(i)) for i in range(n)]


@workflow
def secret_wf(n: int = 2) -> typing.Tuple[int, typing.List[int]]:
    return use_secrets(message="static"), use_secrets_in_nodes(n=n)


@task(secret_requests=[Secret(group="dynflow_db", key="password")])
def reads_unrequested() -> int:
    return len(current_context().secrets.get("dynflow_db", "login"))


@dynamic
def unrequested_in_a_node() -> int:
    return reads_unrequested()


@workflow
def unrequested_secret_wf() -> int:
    return unrequested_in_a_node()
