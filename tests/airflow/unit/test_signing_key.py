"""The deployment's signer: ``[dynflow] signing_key``, else a key derived from a secret the
deployment already shares, else a failure naming the setting to add."""

from __future__ import annotations

import hashlib
import hmac
import logging

import pytest

from airflow_dynflow.airflow.compat import AirflowFailException, conf
from airflow_dynflow.airflow.plugins.plugin import DynflowPlugin
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.core.signing import Signer, fingerprint

# Configured keys are at least 32 bytes (signing.MIN_KEY_BYTES).
K1, K2, K3 = ("k1" * 16, "k2" * 16, "k3" * 16)
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
    signer = configure(monkeypatch, signing_key=K1, fernet_key="f1", jwt_secret="j1")
    assert signer.sign("probe", "x") == Signer([K1.encode()]).sign("probe", "x")


def test_of_several_configured_keys_the_first_signs_and_every_one_verifies(monkeypatch):
    signer = configure(monkeypatch, signing_key=f" {K1} , {K2},,{K3} ")
    assert signer.sign("probe", "x") == Signer([K1.encode()]).sign("probe", "x")
    for old in (K1, K2, K3):
        assert signer.verify(Signer([old.encode()]).sign("probe", "x"), "probe", "x")


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


def test_without_any_secret_the_task_fails_for_good_naming_the_setting_to_add(monkeypatch):
    with pytest.raises(
        AirflowFailException, match=r"set \[dynflow\] signing_key \(AIRFLOW__DYNFLOW__SIGNING_KEY\)"
    ):
        configure(monkeypatch)


@pytest.mark.parametrize("value", ["x", "k" * 31, f"{K1},short"])
def test_a_configured_key_under_32_bytes_is_refused(monkeypatch, value):
    with pytest.raises(AirflowFailException, match=r"under the 32 a signing key needs"):
        configure(monkeypatch, signing_key=value, fernet_key="f1")


def test_a_short_key_in_a_list_is_named_by_its_position(monkeypatch):
    with pytest.raises(AirflowFailException, match=r"key 2 of the 2 in \[dynflow\] signing_key is 5 bytes"):
        configure(monkeypatch, signing_key=f"{K1},short")


@pytest.mark.parametrize("value", [" , ", ",", " ,, , "])
def test_a_signing_key_of_only_commas_is_refused_not_replaced_by_the_derived_key(monkeypatch, value):
    with pytest.raises(AirflowFailException, match=r"\[dynflow\] signing_key is set but holds no key"):
        configure(monkeypatch, signing_key=value, fernet_key="f1")


def test_the_signer_logs_the_fingerprint_of_the_key_it_signs_with(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="airflow_dynflow")
    signer = configure(monkeypatch, signing_key=f"{K1},{K2}")
    assert signer.fingerprint == fingerprint(K1.encode())
    assert f"with key {signer.fingerprint} ([dynflow] signing_key)" in caplog.text
    assert f"verifies with {signer.fingerprint}, {fingerprint(K2.encode())}" in caplog.text
    assert K1 not in caplog.text


def test_the_plugin_checks_the_key_when_a_component_loads_it(monkeypatch):
    for name, variable in SETTINGS.items():
        monkeypatch.setenv(variable, "short" if name == "signing_key" else "")
    with pytest.raises(AirflowFailException, match="under the 32"):
        DynflowPlugin.on_load()


def test_the_signer_is_made_once_per_process(monkeypatch):
    first = configure(monkeypatch, signing_key=K1)
    monkeypatch.setenv("AIRFLOW__DYNFLOW__SIGNING_KEY", K2)
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
    except AirflowFailException:
        return
    assert not same_key(signer, placeholder)
