"""Node options: what a decorator or with_overrides accepts, and how a call's overrides merge in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from airflow_dynflow.core.options import NO_OPTIONS, Options, checked_options, seconds


def test_an_override_replaces_only_the_options_it_sets():
    declared = Options(retries=2, timeout=60.0, queue="fast")
    merged = declared.merged(Options(timeout=5.0, name="quick"))
    assert merged == Options(retries=2, timeout=5.0, queue="fast", name="quick")


def test_an_override_setting_zero_retries_replaces_the_declared_retries():
    assert Options(retries=3).merged(Options(retries=0)).retries == 0


def test_merging_no_options_changes_nothing():
    declared = Options(retries=2, pool="gpu")
    assert declared.merged(NO_OPTIONS) == declared


def test_to_dict_holds_only_the_options_that_are_set():
    assert Options(retries=0, name="n").to_dict() == {"retries": 0, "name": "n"}


def test_unset_values_stay_unset():
    assert checked_options("double", {"retries": None, "timeout": None}) == NO_OPTIONS


def test_unknown_option_names_are_refused_naming_the_owner_and_the_names():
    with pytest.raises(TypeError, match=r"^@task\(double\) got unexpected option\(s\): colour, size$"):
        checked_options("@task(double)", {"size": 1, "colour": "red", "retries": 1})


@pytest.mark.parametrize("retries", [-1, 1.5, "2", True])
def test_retries_must_be_a_non_negative_int(retries):
    with pytest.raises(TypeError, match=rf"^double: retries must be a non-negative int, got {retries!r}$"):
        checked_options("double", {"retries": retries})


def test_zero_retries_are_allowed():
    assert checked_options("double", {"retries": 0}).retries == 0


@pytest.mark.parametrize("timeout", [0, -1.0, timedelta(0)])
def test_a_timeout_must_be_positive(timeout):
    with pytest.raises(ValueError, match=r"^double: timeout must be positive, got "):
        checked_options("double", {"timeout": timeout})


def test_timeouts_and_delays_are_kept_as_float_seconds_from_numbers_or_timedeltas():
    options = checked_options("double", {"timeout": timedelta(minutes=2), "retry_delay": 3})
    assert (options.timeout, options.retry_delay) == (120.0, 3.0)
    assert isinstance(options.retry_delay, float)


def test_seconds_of_nothing_is_nothing():
    assert seconds(None) is None
