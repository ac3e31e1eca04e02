"""Launch plans and schedules (after flytesnacks' launch_plan.py and lp_schedules.py): one workflow
launched with default inputs and with a fixed input, and workflows launched on a cron schedule and at
a fixed rate; on Airflow each named launch plan is a DAG of its own."""

import typing
from datetime import datetime, timedelta

from airflow_dynflow import CronSchedule, FixedRate, LaunchPlan, task, workflow


@task
def slope(x: typing.List[int], y: typing.List[int]) -> float:
    sum_xy = sum([x[i] * y[i] for i in range(len(x))])
    sum_x_squared = sum([x[i] ** 2 for i in range(len(x))])
    n = len(x)
    return (n * sum_xy - sum(x) * sum(y)) / (n * sum_x_squared - sum(x) ** 2)


@task
def intercept(x: typing.List[int], y: typing.List[int], slope: float) -> float:
    mean_x = sum(x) / len(x)
    mean_y = sum(y) / len(y)
    return mean_y - slope * mean_x


@workflow
def simple_wf(x: typing.List[int], y: typing.List[int]) -> float:
    slope_value = slope(x=x, y=y)
    return intercept(x=x, y=y, slope=slope_value)


# The workflow's own launch plan: the workflow, nothing added (on Airflow, the DAG simple_wf).
default_lp = LaunchPlan.get_or_create(workflow=simple_wf)

simple_wf_lp = LaunchPlan.get_or_create(
    name="simple_wf_lp", workflow=simple_wf, default_inputs={"x": [-3, 0, 3], "y": [7, 4, -2]}
)

simple_wf_lp_fixed_inputs = LaunchPlan.get_or_create(
    name="simple_wf_lp_fixed_inputs", workflow=simple_wf, fixed_inputs={"x": [-3, 0, 3]}
)


@task
def format_date(run_date: datetime) -> str:
    return run_date.strftime("%Y-%m-%d %H:%M")


@workflow
def date_formatter_wf(kickoff_time: datetime) -> str:
    return format_date(run_date=kickoff_time)


cron_lp = LaunchPlan.get_or_create(
    name="my_cron_scheduled_lp",
    workflow=date_formatter_wf,
    schedule=CronSchedule(schedule="*/1 * * * *", kickoff_time_input_arg="kickoff_time"),
)


@task
def be_positive(name: str) -> str:
    return f"You're awesome, {name}"


@workflow
def positive_wf(name: str) -> str:
    return be_positive(name=name)


fixed_rate_lp = LaunchPlan.get_or_create(
    name="my_fixed_rate_lp",
    workflow=positive_wf,
    default_inputs={"name": "Flyte"},
    schedule=FixedRate(duration=timedelta(minutes=10)),
)


if __name__ == "__main__":
    print(default_lp(x=[-3, 0, 3], y=[7, 4, -2]))
    print(simple_wf_lp())
    print(simple_wf_lp(x=[3, 5, 3], y=[-3, 2, -2]))
    print(simple_wf_lp_fixed_inputs(y=[-3, 2, -2]))
    print(cron_lp(kickoff_time=datetime(2026, 11, 29, 7, 30)))
    print(fixed_rate_lp())
