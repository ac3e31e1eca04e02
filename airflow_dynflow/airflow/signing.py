"""The deployment's signing key: ``[dynflow] signing_key``, or one derived from a secret the
deployment already shares.

Every Airflow component that runs our tasks must sign and check with the same key. When
``signing_key`` is empty, the key is derived (HMAC-SHA256) from ``[core] fernet_key``, which every
component of a deployment already shares, or else from ``[api_auth] jwt_secret``. With none of them
set there is nothing safe to sign with, and the task fails saying which setting to add. Which
source was used is logged once per process.

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

__all__ = ["deployment_signer"]

log = logging.getLogger("airflow_dynflow")

_DERIVATION_LABEL = b"airflow-dynflow signing key v1"
_SHARED_SECRETS = (("core", "fernet_key"), ("api_auth", "jwt_secret"))
# Unset, these read back as the config template's placeholder ("{FERNET_KEY}"), which is public.
_PLACEHOLDER = re.compile(r"\{[A-Z_]+\}")


@functools.cache
def deployment_signer() -> Signer:
    configured = [k.strip() for k in conf.get("dynflow", "signing_key", fallback="").split(",") if k.strip()]
    if configured:
        log.info(
            "airflow-dynflow signs plans and payloads with [dynflow] signing_key (%d key(s))", len(configured)
        )
        return Signer([k.encode() for k in configured])
    for section, option in _SHARED_SECRETS:
        secret = conf.get(section, option, fallback="")
        if secret and not _PLACEHOLDER.fullmatch(secret):
            log.info(
                "airflow-dynflow signs plans and payloads with a key derived from [%s] %s; "
                "set [dynflow] signing_key to choose one",
                section,
                option,
            )
            return Signer([hmac.new(secret.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()])
    raise errors.no_signing_key()
