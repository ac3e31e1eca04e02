"""Which runtime errors fail a task for good: every integrity and configuration failure, because a
retry reads the same bytes and the same settings again (airflow_dynflow/airflow/errors/); what a
generated node whose dependency ended badly becomes, so that Airflow's repairs reach it; and that every
runtime error is a ``DynflowError``, under the same ``__all__`` policy as the core's."""

from __future__ import annotations

import typing

import pytest

from airflow_dynflow.airflow import errors, log_notes
from airflow_dynflow.airflow.compat import AirflowFailException, AirflowSkipException
from airflow_dynflow.airflow.errors import DependencyFailedError, dependency_dead
from airflow_dynflow.core.errors import DynflowError, too_many_nodes
from airflow_dynflow.core.signing import KeyMismatch
from tests.core.test_errors import factories, public_names, returned_class

FOR_GOOD = {
    "no signing key": errors.no_signing_key(),
    "blank signing key": errors.blank_signing_key(),
    "weak signing key": errors.weak_signing_key(1, 1, 8, 32),
    "unknown conf keys": errors.unknown_conf_keys("wf", ["typo"], ["n"]),
    "spec too large": errors.spec_too_large("d", 10, 5),
    "compile limit": errors.compile_limit(too_many_nodes("d", 10)),
    "map too long": errors.map_too_long("m", 2000, 1024),
    "child request not a dynamic": errors.child_request_not_a_dynamic("wf__dynflow", "mod:thing"),
    "child request with unknown inputs": errors.child_request_unknown_inputs("wf__dynflow", "d"),
    "no futures spec": errors.no_futures_spec("d.compile"),
    "nothing to collect": errors.nothing_to_collect("m", "m.split"),
    "forged value": errors.forged_value("wf/r/t/-1/o0"),
    "forged spec": errors.forged_futures_spec("runs/wf/r/c/spec.json"),
}


@pytest.mark.parametrize("name", FOR_GOOD)
def test_integrity_and_configuration_failures_spend_no_retries(name):
    assert isinstance(FOR_GOOD[name], AirflowFailException)


def test_a_bad_conf_is_still_a_value_error_for_code_that_catches_one():
    assert isinstance(errors.unknown_conf_keys("wf", ["typo"], ["n"]), ValueError)


def test_a_signature_under_another_key_names_both_fingerprints_and_the_setting():
    message = str(errors.forged_value("wf/r/t/-1/o0", KeyMismatch("aaaa1111", ("bbbb2222", "cccc3333"))))
    assert "integrity check failed (signature) for the value of wf/r/t/-1/o0" in message
    assert "signed with another key (fingerprint aaaa1111)" in message
    assert "this process holds (bbbb2222, cccc3333)" in message
    assert "the same [dynflow] signing_key" in message


def test_a_compile_limit_names_the_setting_to_change():
    message = str(errors.compile_limit(too_many_nodes("d", 1000)))
    assert "d: compiling stopped at node 1,001" in message
    assert "[dynflow] max_nodes_per_dynamic = 1000" in message
    assert "AIRFLOW__DYNFLOW__MAX_NODES_PER_DYNAMIC" in message


@pytest.mark.parametrize("state", ["failed", "upstream_failed", "removed"])
def test_a_node_whose_dependency_failed_fails_for_good_so_clear_failed_reaches_it(state):
    end = dependency_dead("n12 total", "n7 b", state)
    assert isinstance(end, DependencyFailedError) and isinstance(end, AirflowFailException)
    assert str(end).startswith("n12 total: not run: its dependency n7 b ")
    assert '"Clear failed" on this run runs both again' in str(end)


def test_a_node_whose_dependency_was_skipped_skips_as_a_static_branch_does():
    end = dependency_dead("n4 after", "n3 sort_locally", "skipped")
    assert isinstance(end, AirflowSkipException)
    assert str(end) == "n4 after: not run: its dependency n3 sort_locally was skipped"


@pytest.mark.parametrize("module", [*errors._SECTIONS, log_notes], ids=lambda m: m.__name__)
def test_each_runtime_error_and_message_module_lists_every_public_name_it_defines(module):
    assert module.__all__ == public_names(module)


def test_the_runtime_errors_package_reexports_every_section_name():
    assert errors.__all__ == sorted(n for s in errors._SECTIONS for n in s.__all__)


@pytest.mark.parametrize("section", errors._SECTIONS, ids=lambda m: m.__name__)
def test_every_runtime_factory_returns_a_dynflow_error_or_a_skip(section):
    returned = {name: returned_class(section, factory) for name, factory in factories(section).items()}
    not_ours = {
        name: cls
        for name, cls in returned.items()
        if not all(issubclass(c, (DynflowError, AirflowSkipException)) for c in typing.get_args(cls) or [cls])
    }
    assert not_ours == {}


def test_every_runtime_exception_is_a_dynflow_error_that_fails_for_good():
    classes = [
        v
        for v in vars(errors.task_failures).values()
        if isinstance(v, type) and v.__module__ == errors.task_failures.__name__
    ]
    assert classes and all(
        issubclass(c, DynflowError) and issubclass(c, AirflowFailException) for c in classes
    )
