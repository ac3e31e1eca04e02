"""HMAC signatures bound to a purpose and the parts that place what is signed; several keys rotate."""

from __future__ import annotations

import pytest

from airflow_dynflow.core.signing import SIGNATURE_PREFIX, Signer

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
