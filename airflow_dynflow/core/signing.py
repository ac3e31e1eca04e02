"""HMAC-SHA256 signatures under a deployment's keys, bound to what is signed and where it belongs.

Everything the runtime writes and later reads back (futures specs, output envelopes and blobs,
stored outputs, cache entries, child-run requests) is signed, and the signature is checked before a
byte of it is decoded, unpickled or imported. A signature covers a *purpose* (``"spec"``,
``"value"`` ...) and the parts that place the object (run, task, output), so a valid signature
cannot be moved to another kind of object or another place.

Several keys allow rotation: the first key signs, any of them verifies.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from airflow_dynflow.core import errors

__all__ = ["SIGNATURE_PREFIX", "Signer", "digest"]

SIGNATURE_PREFIX = "hmac-sha256:"


def digest(data: bytes) -> str:
    """An unkeyed content digest (``sha256:...``), for specs compiled without a key (local runs)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Signer:
    __slots__ = ("_keys",)

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys or not all(keys):
            raise errors.no_keys()
        self._keys = tuple(keys)

    def sign(self, purpose: str, *parts: str | bytes) -> str:
        return SIGNATURE_PREFIX + self._mac(self._keys[0], purpose, parts)

    def verify(self, signature: object, purpose: str, *parts: str | bytes) -> bool:
        if not isinstance(signature, str) or not signature.startswith(SIGNATURE_PREFIX):
            return False
        given = signature[len(SIGNATURE_PREFIX) :]
        return any(hmac.compare_digest(self._mac(key, purpose, parts), given) for key in self._keys)

    @staticmethod
    def _mac(key: bytes, purpose: str, parts: Sequence[str | bytes]) -> str:
        """Each part is length-prefixed, so no choice of parts can collide with another."""
        mac = hmac.new(key, digestmod=hashlib.sha256)
        for part in (purpose, *parts):
            data = part.encode() if isinstance(part, str) else part
            mac.update(len(data).to_bytes(8, "big"))
            mac.update(data)
        return mac.hexdigest()
