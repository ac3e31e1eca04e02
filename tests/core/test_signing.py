"""HMAC signatures bound to a purpose and the parts that place what is signed; several keys rotate."""

from __future__ import annotations

import pytest

from airflow_dynflow.core.signing import SIGNATURE_PREFIX, KeyMismatch, Signer, fingerprint

KEY = Signer([b"key"])
SIG = KEY.sign("value", "wf/run/t/-1/o0", "[1,2,3]")


def test_a_signature_verifies_for_what_it_signed():
    assert SIG.startswith(SIGNATURE_PREFIX)
    assert KEY.verify(SIG, "value", "wf/run/t/-1/o0", "[1,2,3]")


def test_str_and_bytes_parts_with_the_same_bytes_sign_alike():
    assert KEY.verify(SIG, "value", b"wf/run/t/-1/o0", b"[1,2,3]")


def test_another_key_does_not_verify_it():
    assert not Signer([b"other"]).verify(SIG, "value", "wf/run/t/-1/o0", "[1,2,3]")


def test_another_purpose_does_not_verify_it():
    assert not KEY.verify(SIG, "blob", "wf/run/t/-1/o0", "[1,2,3]")


@pytest.mark.parametrize(
    "parts",
    [
        ("wf/run/t/-1/o1", "[1,2,3]"),
        ("wf/run/t/-1/o0", "[1,2,4]"),
        ("wf/run/t/-1/o0",),
        ("wf/run/t/-1/o0", "[1,2,3]", ""),
    ],
    ids=["other-where", "other-value", "part-dropped", "part-added"],
)
def test_any_other_part_does_not_verify_it(parts):
    assert not KEY.verify(SIG, "value", *parts)


def test_moving_a_boundary_between_parts_does_not_verify():
    assert not KEY.verify(KEY.sign("p", "ab", "c"), "p", "a", "bc")


def test_the_purpose_is_a_part_of_its_own_and_cannot_absorb_the_first_part():
    assert not KEY.verify(KEY.sign("p", "ab"), "pa", "b")


def test_after_rotation_the_old_key_still_verifies():
    rotated = Signer([b"new", b"key"])
    assert rotated.verify(SIG, "value", "wf/run/t/-1/o0", "[1,2,3]")


def test_after_rotation_the_new_key_signs():
    rotated = Signer([b"new", b"key"])
    signature = rotated.sign("value", "x")
    assert signature == Signer([b"new"]).sign("value", "x")
    assert not KEY.verify(signature, "value", "x")


@pytest.mark.parametrize(
    "signature",
    [None, 1, b"", ["hmac-sha256:"], SIG.encode(), SIG[len(SIGNATURE_PREFIX) :], "sha256:" + SIG[12:], ""],
    ids=["none", "int", "bytes-empty", "list", "bytes", "unprefixed", "other-prefix", "empty"],
)
def test_a_non_string_or_unprefixed_signature_is_refused(signature):
    assert not KEY.verify(signature, "value", "wf/run/t/-1/o0", "[1,2,3]")


def test_a_truncated_signature_is_refused():
    assert not KEY.verify(SIG[:-1], "value", "wf/run/t/-1/o0", "[1,2,3]")


@pytest.mark.parametrize("keys", [[], (), [b""], [b"key", b""]], ids=["list", "tuple", "empty", "one-empty"])
def test_a_signer_without_a_usable_key_is_refused(keys):
    with pytest.raises(ValueError, match="at least one non-empty key"):
        Signer(keys)


def test_a_signature_names_the_fingerprint_of_the_key_that_signed():
    assert SIG.startswith(f"hmac-sha256@{KEY.fingerprint}:")


def test_a_fingerprint_is_short_stable_and_differs_between_keys():
    assert fingerprint(b"key") == fingerprint(b"key") == KEY.fingerprint
    assert len(fingerprint(b"key")) == 8 and fingerprint(b"key") != fingerprint(b"other")
    assert b"key".hex() not in fingerprint(b"key")


def test_a_signature_under_a_key_not_held_names_both_sides():
    held = Signer([b"new", b"newer"])
    assert held.mismatch(SIG) == KeyMismatch(KEY.fingerprint, held.fingerprints)


def test_a_changed_signature_under_a_held_key_is_no_key_mismatch():
    assert KEY.mismatch(SIG[:-1] + ("0" if SIG[-1] != "0" else "1")) is None


def test_a_signature_written_before_fingerprints_still_verifies():
    old_format = "hmac-sha256:" + SIG.rsplit(":", 1)[1]
    assert KEY.verify(old_format, "value", "wf/run/t/-1/o0", "[1,2,3]")
    assert Signer([b"other"]).mismatch(old_format) is None


def test_the_named_fingerprint_is_only_a_hint_and_never_replaces_the_key():
    relabelled = SIG.replace(KEY.fingerprint, "00000000")
    assert KEY.verify(relabelled, "value", "wf/run/t/-1/o0", "[1,2,3]")
    assert not Signer([b"other"]).verify(relabelled, "value", "wf/run/t/-1/o0", "[1,2,3]")
