"""Which failures of a store call are an outage to wait out, and which are answers."""

from __future__ import annotations

import botocore.exceptions
import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.outages import Patience, is_outage


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError("refused"),
        TimeoutError(),
        OSError(5, "SlowDown"),
        botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ],
    ids=["refused", "timeout", "s3fs-5xx", "botocore-endpoint"],
)
def test_a_network_failure_is_an_outage(exc: BaseException) -> None:
    assert is_outage(exc)


@pytest.mark.parametrize(
    "exc",
    [FileNotFoundError("k"), PermissionError("k"), ValueError("bad"), IntegrityError("forged")],
    ids=["missing", "forbidden", "value", "integrity"],
)
def test_an_answer_is_not_an_outage(exc: BaseException) -> None:
    assert not is_outage(exc)


def test_an_answer_is_raised_at_once_without_a_second_attempt() -> None:
    attempts: list[int] = []

    def missing() -> bytes:
        attempts.append(1)
        raise FileNotFoundError("runs/x.json")

    with pytest.raises(FileNotFoundError):
        Patience(call_timeout=1, outage_seconds=60).call(missing, "reading runs/x.json", "s3://b")
    assert attempts == [1]


def test_an_outage_is_tried_again_until_it_ends() -> None:
    answers = iter([ConnectionResetError("reset"), b"payload"])

    def flaky() -> bytes:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert Patience(call_timeout=1, outage_seconds=60).call(flaky, "reading k", "s3://b") == b"payload"
