"""The deployment's signing key: ``[dynflow] signing_key``, or one derived from a secret the
deployment already shares.

Every Airflow component that runs our tasks must sign and check with the same key. When
``signing_key`` is empty, the key is derived (HMAC-SHA256) from ``[core] fernet_key``, which every
component of a deployment already shares, or else from ``[api_auth] jwt_secret``. With none of them
set there is nothing safe to sign with, and the task fails saying which setting to add.

A configured key must be at least ``MIN_KEY_BYTES`` long: an HMAC is only as strong as its key, and
a short one can be guessed offline from any signed XCom. A value that is set but holds no key
(``" , "``) is refused rather than read as empty, which would silently switch to the derived key.

Each process logs once which source it used and the fingerprint of the key it signs with
(``core.signing.fingerprint``); the plugin builds the signer when a component loads it
(``DynflowPlugin.on_load``), so a bad key fails at start and two components with different keys
show two fingerprints in their logs.

``signing_key`` may hold several comma-separated keys: the first signs, any verifies, so a key is
rotated by putting the new one first and dropping the old one once no run needs it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.core.signing import Signer

__all__ = ["MIN_KEY_BYTES", "deployment_signer"]

log = logging.getLogger("airflow_dynflow")

MIN_KEY_BYTES = 32
_DERIVATION_LABEL = b"airflow-dynflow signing key v1"
_SHARED_SECRETS = (("core", "fernet_key"), ("api_auth", "jwt_secret"))
# Unset, these read back as the config template's placeholder ("{FERNET_KEY}"), which is public.
_PLACEHOLDER = re.compile(r"\{[A-Z_]+\}")


@functools.cache
def deployment_signer() -> Signer:
    signer, source = _configured_signer()
    log.info(
        "airflow-dynflow signs plans and payloads with key %s (%s)%s",
        signer.fingerprint,
        source,
        f"; verifies with {', '.join(signer.fingerprints)}" if len(signer.fingerprints) > 1 else "",
    )
    return signer


def _configured_signer() -> tuple[Signer, str]:
    """The signer and where its key came from."""
    raw = conf.get("dynflow", "signing_key", fallback="")
    if raw.strip():
        keys = [k.strip().encode() for k in raw.split(",") if k.strip()]
        if not keys:
            raise errors.blank_signing_key()
        for position, key in enumerate(keys, 1):
            if len(key) < MIN_KEY_BYTES:
                raise errors.weak_signing_key(position, len(keys), len(key), MIN_KEY_BYTES)
        return Signer(keys), "[dynflow] signing_key"
    for section, option in _SHARED_SECRETS:
        secret = conf.get(section, option, fallback="")
        if secret and not _PLACEHOLDER.fullmatch(secret):
            derived = hmac.new(secret.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()
            return Signer(
                [derived]
            ), f"derived from [{section}] {option}; set [dynflow] signing_key to choose one"
    raise errors.no_signing_key()
