"""Reference entities (after flytesnacks' reference_task.py): call what is defined elsewhere.

On Flyte a reference names an entity registered on the backend; here it names installed code: a
reference task is the ``@task`` at a dotted path of an importable module, a reference launch plan
the launch plan created under that name (or the launch plan or workflow at a dotted path). The
decorated function only declares the interface, and it must match, or the import fails.
"""

import typing

from airflow_dynflow import LaunchPlan, reference_launch_plan, reference_task, task, workflow


@reference_task(project="flytesnacks", domain="development", name="shared_tasks.normalize", version="v1")
def normalize(values: typing.List[float]) -> typing.List[float]: ...


@task
def spread(values: typing.List[float]) -> float:
    return max(values) - min(values)


@workflow
def spread_wf(values: typing.List[float]) -> float:
    return spread(values=normalize(values=values))


LaunchPlan.get_or_create(spread_wf, name="spread_of_normalized")


@reference_launch_plan(project="flytesnacks", domain="development", name="spread_of_normalized", version="v1")
def spread_lp(values: typing.List[float]) -> float: ...


@workflow
def reference_wf(values: typing.List[float] = [2.0, 4.0, 8.0]) -> typing.Tuple[typing.List[float], float]:
    return normalize(values=values), spread_lp(values=values)


if __name__ == "__main__":
    print(reference_wf())
    try:

        @reference_task(project="p", domain="d", name="shared_tasks.normalize", version="v1")
        def stale(values: typing.List[int]) -> typing.List[float]: ...

    except TypeError as e:
        print(e)
