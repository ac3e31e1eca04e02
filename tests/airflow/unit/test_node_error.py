"""The record a node leaves when its call raised: class and first line, signed for its place."""

from __future__ import annotations

from airflow_dynflow.airflow.runtime.node_error import FIRST_LINE_LIMIT, error_record, verified_error
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"k" * 32])
PLACE = ("wf", "r1", "fan.nodes", 12)


def _record(exc: BaseException) -> dict[str, str]:
    return error_record(SIGNER, *PLACE, "n12", exc)


def test_a_record_names_the_node_the_exception_class_and_its_first_line():
    record = _record(ValueError("step refuses 3\nsecond line"))
    assert verified_error(SIGNER, record, *PLACE) == ("n12", "ValueError", "step refuses 3")


def test_a_long_first_line_is_cut_to_the_limit():
    (_, _, line) = verified_error(SIGNER, _record(RuntimeError("x" * 5000)), *PLACE) or ("", "", "")
    assert len(line) == FIRST_LINE_LIMIT and line.endswith("…")


def test_an_exception_without_a_message_has_an_empty_line():
    assert verified_error(SIGNER, _record(KeyError()), *PLACE) == ("n12", "KeyError", "")


def test_a_record_moved_to_another_instance_is_ignored():
    assert verified_error(SIGNER, _record(ValueError("a")), "wf", "r1", "fan.nodes", 11) is None


def test_an_edited_line_is_ignored():
    record = _record(ValueError("a")) | {"line": "<script>alert(1)</script>"}
    assert verified_error(SIGNER, record, *PLACE) is None


def test_a_record_signed_under_another_key_is_ignored():
    record = error_record(Signer([b"z" * 32]), *PLACE, "n12", ValueError("a"))
    assert verified_error(SIGNER, record, *PLACE) is None


def test_a_record_of_another_shape_is_ignored():
    assert verified_error(SIGNER, {"node": "n12", "type": "E", "line": 1, "sig": "x"}, *PLACE) is None
    assert verified_error(SIGNER, ["n12", "E", "l"], *PLACE) is None
