"""The deployment's signer: ``[dynflow] signing_key``, else a key derived from a secret the
deployment already shares, else a failure naming the setting to add."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.airflow.signing import deployment_signer
from airflow_dynflow.core.signing import Signer

SETTINGS = {
    "signing_key": "AIRFLOW__DYNFLOW__SIGNING_KEY",
    "fernet_key": "AIRFLOW__CORE__FERNET_KEY",
    "jwt_secret": "AIRFLOW__API_AUTH__JWT_SECRET",
}


@pytest.fixture(autouse=True)
def fresh_signer():
    """``deployment_signer`` is cached per process: every test starts and ends without a cached one."""
    deployment_signer.cache_clear()
    yield
    deployment_signer.cache_clear()


def configure(monkeypatch, **values: str) -> Signer:
    """Set the three settings (unset ones empty) and return the signer the deployment now uses."""
    for name, variable in SETTINGS.items():
        monkeypatch.setenv(variable, values.get(name, ""))
    deployment_signer.cache_clear()
    return deployment_signer()


def same_key(a: Signer, b: Signer) -> bool:
    return b.verify(a.sign("probe", "x"), "probe", "x") and a.verify(b.sign("probe", "x"), "probe", "x")


def test_the_configured_signing_key_is_used(monkeypatch):
    signer = configure(monkeypatch, signing_key="k1", fernet_key="f1", jwt_secret="j1")
    assert signer.sign("probe", "x") == Signer([b"k1"]).sign("probe", "x")


def test_of_several_configured_keys_the_first_signs_and_every_one_verifies(monkeypatch):
    signer = configure(monkeypatch, signing_key=" k1 , k2,,k3 ")
    assert signer.sign("probe", "x") == Signer([b"k1"]).sign("probe", "x")
    for old in (b"k1", b"k2", b"k3"):
        assert signer.verify(Signer([old]).sign("probe", "x"), "probe", "x")


def test_without_a_signing_key_the_key_is_derived_from_the_fernet_key(monkeypatch):
    signer = configure(monkeypatch, fernet_key="f1", jwt_secret="j1")
    assert same_key(signer, configure(monkeypatch, fernet_key="f1"))
    assert not same_key(signer, configure(monkeypatch, jwt_secret="j1"))


def test_the_derived_key_is_stable_for_the_same_fernet_key(monkeypatch):
    first = configure(monkeypatch, fernet_key="f1")
    assert configure(monkeypatch, fernet_key="f1") is not first
    assert same_key(first, configure(monkeypatch, fernet_key="f1"))


def test_another_fernet_key_derives_another_key(monkeypatch):
    assert not same_key(configure(monkeypatch, fernet_key="f1"), configure(monkeypatch, fernet_key="f2"))


def test_the_derived_key_is_not_the_fernet_key_itself(monkeypatch):
    assert not same_key(configure(monkeypatch, fernet_key="f1"), Signer([b"f1"]))


def test_without_a_signing_key_or_fernet_key_the_key_is_derived_from_the_jwt_secret(monkeypatch):
    signer = configure(monkeypatch, jwt_secret="j1")
    assert same_key(signer, configure(monkeypatch, jwt_secret="j1"))
    assert not same_key(signer, configure(monkeypatch, jwt_secret="j2"))


def test_without_any_secret_the_task_fails_naming_the_setting_to_add(monkeypatch):
    with pytest.raises(RuntimeError, match=r"set \[dynflow\] signing_key \(AIRFLOW__DYNFLOW__SIGNING_KEY\)"):
        configure(monkeypatch)


def test_the_signer_is_made_once_per_process(monkeypatch):
    first = configure(monkeypatch, signing_key="k1")
    monkeypatch.setenv("AIRFLOW__DYNFLOW__SIGNING_KEY", "k2")
    assert deployment_signer() is first


def test_an_unset_fernet_key_s_template_placeholder_is_not_taken_for_a_secret(monkeypatch):
    for variable in SETTINGS.values():
        monkeypatch.delenv(variable, raising=False)
    if conf.get("core", "fernet_key", fallback="") != "{FERNET_KEY}":
        pytest.skip("this Airflow config has a fernet_key of its own")
    placeholder = Signer(
        [hmac.new(b"{FERNET_KEY}", b"airflow-dynflow signing key v1", hashlib.sha256).digest()]
    )
    try:
        signer = deployment_signer()
    except RuntimeError:
        return
    assert not same_key(signer, placeholder)
