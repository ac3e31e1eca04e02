"""Secrets (after flytesnacks' use_secrets.py): a task reads only the secrets it requested.

Locally a secret comes from the environment variable ``_FSEC_<GROUP>_<KEY>`` (or the file
``/etc/secrets/<group>/<key>``), as in flytekit; on Airflow from the connection ``<group>`` (a field,
or a key of its extra) or the variable ``<group>.<key>`` (docs/airflow.md). The tasks sign messages
with the secret and return only the signatures: the secret itself never leaves the task.
"""

import hashlib
import hmac
import os
import typing

from airflow_dynflow import Secret, current_context, dynamic, task, workflow

SECRET_GROUP = "user_info"
SECRET_NAME = "user_secret"


@task(secret_requests=[Secret(group=SECRET_GROUP, key=SECRET_NAME)])
def sign(message: str) -> str:
    secret = current_context().secrets.get(SECRET_GROUP, SECRET_NAME)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:12]


@task
def unrequested() -> str:
    return current_context().secrets.get(SECRET_GROUP, SECRET_NAME)


@dynamic
def sign_all(messages: typing.List[str]) -> typing.List[str]:
    return [sign(message=m) for m in messages]


@workflow
def secrets_wf(
    first: str = "hello", rest: typing.List[str] = ["flyte", "airflow"]
) -> typing.Tuple[str, typing.List[str]]:
    return sign(message=first), sign_all(messages=rest)


if __name__ == "__main__":
    # Stands in for a secret a deployment provides.
    os.environ["_FSEC_USER_INFO_USER_SECRET"] = "not-a-real-secret"
    print(secrets_wf())
    try:
        unrequested()
    except ValueError as e:
        print(e)
