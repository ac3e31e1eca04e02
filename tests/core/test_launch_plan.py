"""Launch plans: a workflow with defaults, fixed inputs and a schedule, called like the workflow."""

import datetime
import warnings

import pytest

from airflow_dynflow import CronSchedule, FixedRate, LaunchPlan, TypeMismatchError, dynamic, task, workflow
from airflow_dynflow.core.spec import Const, Ref


@task
def combine(a: int, b: int, label: str) -> str:
    return f"{label}:{a + b}"


@task
def stamp(when: datetime.datetime) -> str:
    return when.isoformat()


@workflow
def combine_wf(a: int, b: int, label: str = "sum") -> str:
    return combine(a=a, b=b, label=label)


@workflow
def stamped_wf(when: datetime.datetime, a: int = 1) -> str:
    return stamp(when=when)


# ---------------------------------------------------------------- calling one as plain Python


def test_local_call_runs_the_workflow_with_the_plans_defaults():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_defaults", default_inputs={"a": 1, "b": 2})
    assert lp() == "sum:3"


def test_local_call_arguments_override_defaults():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_override_default", default_inputs={"a": 1, "b": 2})
    assert lp(b=40) == "sum:41"


def test_local_call_applies_fixed_inputs():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_fixed", fixed_inputs={"label": "fixed"})
    assert lp(a=1, b=1) == "fixed:2"


def test_local_call_that_sets_a_fixed_input_is_refused_naming_plan_and_input():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_fixed_refused", fixed_inputs={"b": 5})
    with pytest.raises(TypeError, match="launch plan 'lp_fixed_refused' fixes input\\(s\\) b"):
        lp(a=1, b=2)


def test_local_call_missing_an_input_names_the_plan():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_missing", fixed_inputs={"b": 5})
    with pytest.raises(TypeError, match="lp_missing\\(\\) missing required argument 'a'"):
        lp()


def test_local_call_takes_positional_arguments_in_the_plans_order():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_positional", fixed_inputs={"a": 100})
    assert lp(1, "p") == "p:101"


def test_local_call_of_the_wrong_type_names_the_plan():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_wrong_call_type")
    with pytest.raises(TypeMismatchError, match="lp_wrong_call_type: input 'a' expects int"):
        lp(a="1", b=2)


# ---------------------------------------------------------------- get_or_create


def test_default_launch_plan_is_named_after_the_workflow():
    lp = LaunchPlan.get_or_create(combine_wf)
    assert (lp.name, lp.is_default) == ("combine_wf", True)


def test_same_name_and_arguments_give_the_same_plan():
    first = LaunchPlan.get_or_create(combine_wf, name="lp_same", default_inputs={"a": 1})
    assert LaunchPlan.get_or_create(combine_wf, name="lp_same", default_inputs={"a": 1}) is first


def test_same_name_with_other_arguments_is_refused_naming_what_differs():
    LaunchPlan.get_or_create(combine_wf, name="lp_conflict", default_inputs={"a": 1})
    with pytest.raises(ValueError, match="'lp_conflict' already exists with a different default_inputs"):
        LaunchPlan.get_or_create(combine_wf, name="lp_conflict", default_inputs={"a": 2})


def test_settings_without_a_name_are_refused():
    with pytest.raises(ValueError, match="only a named launch plan can have default_inputs"):
        LaunchPlan.get_or_create(combine_wf, default_inputs={"a": 1})


def test_a_named_plan_may_not_take_the_workflows_own_name():
    with pytest.raises(ValueError, match="has the name of workflow combine_wf's default launch plan"):
        LaunchPlan.get_or_create(combine_wf, name="combine_wf", fixed_inputs={"a": 1})


def test_unknown_input_name_is_refused_naming_plan_and_workflow_inputs():
    with pytest.raises(
        TypeError, match="fixed_inputs names 'c', which is not an input of workflow combine_wf"
    ):
        LaunchPlan.get_or_create(combine_wf, name="lp_unknown", fixed_inputs={"c": 1})


def test_default_of_the_wrong_type_names_plan_input_and_types():
    with pytest.raises(TypeMismatchError, match="lp_bad_default: default input 'a' expects int, got str"):
        LaunchPlan.get_or_create(combine_wf, name="lp_bad_default", default_inputs={"a": "one"})


def test_fixed_input_of_the_wrong_type_names_plan_input_and_types():
    with pytest.raises(TypeMismatchError, match="lp_bad_fixed: fixed input 'label' expects str, got int"):
        LaunchPlan.get_or_create(combine_wf, name="lp_bad_fixed", fixed_inputs={"label": 3})


def test_input_both_default_and_fixed_is_refused():
    with pytest.raises(ValueError, match="input 'a' is in both default_inputs and fixed_inputs"):
        LaunchPlan.get_or_create(combine_wf, name="lp_twice", default_inputs={"a": 1}, fixed_inputs={"a": 1})


def test_flytekit_only_options_are_accepted_with_one_warning_naming_them():
    with pytest.warns(UserWarning, match="flytekit option\\(s\\) labels, max_parallelism have no effect"):
        LaunchPlan.get_or_create(combine_wf, name="lp_flyte_options", labels={"a": "b"}, max_parallelism=3)


def test_flytekit_only_options_left_unset_warn_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LaunchPlan.get_or_create(combine_wf, name="lp_no_options", notifications=None)


def test_get_or_create_refuses_a_task():
    with pytest.raises(TypeError, match="takes a @workflow"):
        LaunchPlan.get_or_create(combine, name="lp_task")  # type: ignore[arg-type]


# ---------------------------------------------------------------- schedules


def test_scheduled_plan_with_an_input_without_value_is_refused():
    with pytest.raises(ValueError, match="'lp_no_value' runs on a schedule.*give a, b"):
        LaunchPlan.get_or_create(combine_wf, name="lp_no_value", schedule=CronSchedule(schedule="@daily"))


def test_kickoff_input_must_be_a_datetime():
    schedule = FixedRate(duration=datetime.timedelta(hours=1), kickoff_time_input_arg="a")
    with pytest.raises(
        TypeMismatchError, match="kickoff_time_input_arg 'a' expects an input of type datetime"
    ):
        LaunchPlan.get_or_create(stamped_wf, name="lp_kick_int", schedule=schedule)


def test_kickoff_input_must_be_an_input():
    schedule = FixedRate(duration=datetime.timedelta(hours=1), kickoff_time_input_arg="then")
    with pytest.raises(TypeError, match="kickoff_time_input_arg names 'then', which is not an input"):
        LaunchPlan.get_or_create(stamped_wf, name="lp_kick_unknown", schedule=schedule)


def test_kickoff_input_needs_no_value_on_a_scheduled_plan():
    schedule = CronSchedule(schedule="*/5 * * * *", kickoff_time_input_arg="when")
    lp = LaunchPlan.get_or_create(stamped_wf, name="lp_kick_ok", schedule=schedule)
    assert lp.kickoff_input == "when"


def test_cron_schedule_takes_schedule_or_cron_expression():
    assert CronSchedule(schedule="*/5 * * * *") == CronSchedule(cron_expression="*/5 * * * ? *")


def test_cron_schedule_aliases_become_cron_expressions():
    assert CronSchedule(schedule="@daily").cron == "0 0 * * *"


def test_cron_schedule_refuses_aws_numeric_weekdays():
    with pytest.raises(ValueError, match="weekday names"):
        CronSchedule(cron_expression="0 10 ? * 2 *")


def test_cron_schedule_needs_exactly_one_expression():
    with pytest.raises(TypeError, match="exactly one of cron_expression= .* or schedule="):
        CronSchedule()


def test_fixed_rate_refuses_a_non_positive_duration():
    with pytest.raises(ValueError, match="must be a positive timedelta"):
        FixedRate(duration=datetime.timedelta(0))


# ---------------------------------------------------------------- inside bodies


def test_call_in_a_workflow_is_a_sub_workflow_with_the_merged_inputs():
    lp = LaunchPlan.get_or_create(
        combine_wf, name="lp_in_wf", default_inputs={"b": 2}, fixed_inputs={"label": "f"}
    )

    @workflow
    def parent(x: int) -> str:
        return lp(a=x)

    (node,) = parent.spec.nodes
    assert node.group == "combine_wf"
    assert node.inputs == {"a": Ref(None, "x"), "b": Const(2), "label": Const("f")}
    assert parent(x=5) == "f:7"


def test_call_in_a_workflow_that_sets_a_fixed_input_fails_at_decoration():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_in_wf_refused", fixed_inputs={"label": "f"})
    with pytest.raises(TypeError, match="'lp_in_wf_refused' fixes input\\(s\\) label"):

        @workflow
        def parent(x: int) -> str:
            return lp(a=x, b=x, label="mine")


def test_call_in_a_dynamic_compiles_like_a_sub_workflow_with_the_merged_inputs():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_in_dynamic", default_inputs={"b": 2})

    @dynamic
    def fan(n: int) -> str:
        return lp(a=n)

    (node,) = fan.compile(n=3).nodes
    assert (node.group, node.inputs["b"]) == ("combine_wf", Const(2))
    assert fan(n=3) == "sum:5"


# ---------------------------------------------------------------- what a runtime launches


def test_as_workflow_bakes_fixed_inputs_into_the_graph():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_baked", fixed_inputs={"b": 7})
    launched = lp.as_workflow()
    assert launched.spec.nodes[0].inputs["b"] == Const(7)
    assert list(launched.interface.inputs) == ["a", "label"]


def test_as_workflow_offers_the_plans_defaults_as_input_defaults():
    lp = LaunchPlan.get_or_create(combine_wf, name="lp_launch_defaults", default_inputs={"a": 4})
    assert lp.as_workflow().spec.inputs["a"] == {"type": "integer", "default": 4}


def test_as_workflow_runs_like_the_plan():
    lp = LaunchPlan.get_or_create(
        combine_wf, name="lp_launch_runs", default_inputs={"a": 4}, fixed_inputs={"b": 1}
    )
    assert lp.as_workflow()() == lp() == "sum:5"
