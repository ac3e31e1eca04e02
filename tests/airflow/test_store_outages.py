"""A remote blob store that stops answering is waited out inside the call, with a log line, up to
``[dynflow] store_outage_seconds``; a missing object is an answer. Against a real S3 server (moto's),
stopped with SIGSTOP as a hung store would be."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Iterator

import pytest

from airflow_dynflow.airflow.store.blob_store import BlobStore
from harness.services import S3Server
from harness.stack import free_port

_LOGGER = "airflow_dynflow.airflow.store.outages"


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with S3Server(tmp_path_factory.mktemp("s3"), free_port()) as server:
        yield server


@pytest.fixture
def store(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> BlobStore:
    monkeypatch.setenv("AIRFLOW_CONN_OUTAGE_S3", json.dumps(s3.connection()))
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_CALL_TIMEOUT", "1")
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_OUTAGE_SECONDS", "60")
    return BlobStore(f"s3://outage_s3@{s3.bucket}/store")


def _hang(server: S3Server, seconds: float) -> threading.Timer:
    """Stop the server's process group now, and let it go on after ``seconds``."""
    assert server.pid is not None
    os.killpg(server.pid, signal.SIGSTOP)
    resume = threading.Timer(seconds, os.killpg, (server.pid, signal.SIGCONT))
    resume.start()
    return resume


def test_a_read_waits_out_a_hung_store_and_says_what_it_waits_for(
    s3: S3Server, store: BlobStore, caplog: pytest.LogCaptureFixture
) -> None:
    key = store.write_bytes(store.root / "runs" / "a.json", b"payload")
    _hang(s3, 3.0)
    with caplog.at_level(logging.WARNING, logger=_LOGGER):
        assert store.read_bytes(key) == b"payload"
    waits = [r.getMessage() for r in caplog.records if r.name == _LOGGER]
    assert waits, "the outage went unlogged"
    assert f"not reachable while reading {key}" in waits[0]
    assert "store_outage_seconds" in waits[0]


def test_a_write_waits_out_a_hung_store_and_lands_whole(
    s3: S3Server, store: BlobStore, caplog: pytest.LogCaptureFixture
) -> None:
    path = store.root / "runs" / "b.json"
    _hang(s3, 3.0)
    with caplog.at_level(logging.WARNING, logger=_LOGGER):
        key = store.write_bytes(path, b"x" * 100_000)
    assert any(f"while writing {key}" in r.getMessage() for r in caplog.records)
    assert store.read_bytes(key) == b"x" * 100_000


def test_a_missing_object_is_an_answer_and_not_waited_for(
    store: BlobStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=_LOGGER):
        assert store.read_if_present(store.root / "runs" / "never-written.json") is None
    assert not [r for r in caplog.records if r.name == _LOGGER]


def test_a_store_down_longer_than_the_outage_limit_fails_the_call(
    s3: S3Server, store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_OUTAGE_SECONDS", "2")
    impatient = BlobStore(str(store.root))
    key = impatient.write_bytes(store.root / "runs" / "c.json", b"late")
    resume = _hang(s3, 60.0)
    try:
        with pytest.raises(TimeoutError):
            impatient.read_bytes(key)
    finally:
        resume.cancel()
        assert s3.pid is not None
        os.killpg(s3.pid, signal.SIGCONT)
