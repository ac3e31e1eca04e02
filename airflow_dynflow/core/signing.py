"""HMAC-SHA256 signatures under a deployment's keys, bound to what is signed and where it belongs.

Everything the runtime writes and later reads back (futures specs, output envelopes and blobs,
stored outputs, cache entries, child-run requests) is signed, and the signature is checked before a
byte of it is decoded, unpickled or imported. A signature covers a *purpose* (``"spec"``,
``"value"`` ...) and the parts that place the object (run, task, output), so a valid signature
cannot be moved to another kind of object or another place.

Several keys allow rotation: the first key signs, any of them verifies.

A signature reads ``hmac-sha256@<fingerprint>:<mac>``: the fingerprint names the key that signed
(``fingerprint``), so a component that holds another key can say which two keys differ instead of
only "signed with another key". It is a hint, not part of what the MAC covers: a signature that
verifies proves its key whatever it names, and one that does not proves nothing. Signatures
written before the fingerprint was added (``hmac-sha256:<mac>``) still verify.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from airflow_dynflow.core import errors

__all__ = ["SIGNATURE_PREFIX", "KeyMismatch", "Signer", "digest", "fingerprint"]

SIGNATURE_PREFIX = "hmac-sha256"
_SIGNATURE = re.compile(r"hmac-sha256(?:@([0-9a-f]{8}))?:([0-9a-f]{64})")
_FINGERPRINT_LABEL = b"airflow-dynflow key fingerprint v1"


def digest(data: bytes) -> str:
    """An unkeyed content digest (``sha256:...``), for specs compiled without a key (local runs)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fingerprint(key: bytes) -> str:
    """Eight hex digits that name ``key`` in logs and errors without revealing it: an HMAC of a
    fixed label under the key, so it cannot be reversed and needs the key to be computed."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class KeyMismatch:
    """A signature that names a key this process does not hold: the two sides of a key mismatch."""

    signed_with: str
    held: tuple[str, ...]


class Signer:
    __slots__ = ("_keys", "fingerprints")

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys or not all(keys):
            raise errors.no_keys()
        self._keys = tuple(keys)
        self.fingerprints = tuple(fingerprint(key) for key in self._keys)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the key that signs."""
        return self.fingerprints[0]

    def sign(self, purpose: str, *parts: str | bytes) -> str:
        return f"{SIGNATURE_PREFIX}@{self.fingerprint}:{self._mac(self._keys[0], purpose, parts)}"

    def keyed_digest(self, purpose: str, *parts: str | bytes) -> str:
        """The bare MAC under the signing key, in hex: a name nobody without the key can predict
        (a child run's id), not a signature to check."""
        return self._mac(self._keys[0], purpose, parts)

    def verify(self, signature: object, purpose: str, *parts: str | bytes) -> bool:
        found = _SIGNATURE.fullmatch(signature) if isinstance(signature, str) else None
        if found is None:
            return False
        given = found.group(2)
        return any(hmac.compare_digest(self._mac(key, purpose, parts), given) for key in self._keys)

    def mismatch(self, signature: object) -> KeyMismatch | None:
        """When a signature that failed to verify names a key this process does not hold, which
        key it names and which ones are held; None when it names one of ours (it was changed) or
        none at all."""
        found = _SIGNATURE.fullmatch(signature) if isinstance(signature, str) else None
        if found is None or found.group(1) is None or found.group(1) in self.fingerprints:
            return None
        return KeyMismatch(found.group(1), self.fingerprints)

    @staticmethod
    def _mac(key: bytes, purpose: str, parts: Sequence[str | bytes]) -> str:
        """Each part is length-prefixed, so no choice of parts can collide with another."""
        mac = hmac.new(key, digestmod=hashlib.sha256)
        for part in (purpose, *parts):
            data = part.encode() if isinstance(part, str) else part
            mac.update(len(data).to_bytes(8, "big"))
            mac.update(data)
        return mac.hexdigest()
