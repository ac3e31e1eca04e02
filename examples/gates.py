"""Gates (after flytesnacks' waiting_for_external_inputs.py): a workflow that sleeps, asks a person
for a value, and has a person approve a result before it is used; and two dynamics whose number of
gates the data decides (a sleep after each computation, an approval of each value).

Run as plain Python, as flytekit's local execution does, ``sleep`` passes at once and the other two
read their answers from standard input (this program's test pipes them in). On Airflow they are the
human-in-the-loop operators of the UI's "Required Actions" page, and the sleep a deferral.
"""

import typing
from datetime import timedelta

from airflow_dynflow import approve, dynamic, sleep, task, wait_for_input, workflow


@task
def long_running_computation(num: int) -> int:
    """A stand-in for a long computation."""
    return num


@workflow
def sleep_wf(num: int) -> int:
    result = long_running_computation(num=num)
    sleeping = sleep(timedelta(seconds=2))
    result >> sleeping
    return result


@task
def create_report(data: typing.List[float]) -> typing.Dict[str, float]:
    return {"mean": sum(data) / len(data), "max": max(data)}


@task
def finalize_report(report: typing.Dict[str, float], title: str) -> str:
    return f"{title}: mean {report['mean']:.2f}, max {report['max']:.2f}"


@workflow
def reporting_wf(data: typing.List[float]) -> str:
    report = create_report(data=data)
    title = wait_for_input("title", timeout=timedelta(hours=1), expected_type=str)
    return finalize_report(report=report, title=title)


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@workflow
def approval_wf(x: int) -> int:
    factor = wait_for_input("factor", timeout=timedelta(hours=1), expected_type=int)
    scaled = scale(x=x, factor=factor)
    return approve(scaled, "approve-scaled", timeout=timedelta(hours=2))


@dynamic
def sleep_after_each(nums: typing.List[int]) -> typing.List[int]:
    results = [long_running_computation(num=num) for num in nums]
    for result in results:
        result >> sleep(timedelta(seconds=1))
    return results


@workflow
def sleep_after_each_wf(nums: typing.List[int]) -> typing.List[int]:
    return sleep_after_each(nums=nums)


@dynamic
def approve_each(xs: typing.List[int]) -> typing.List[int]:
    """One approval per value, each its own request in Airflow's "Required Actions"."""
    return [approve(scale(x=x, factor=10), f"approve-{x}", timeout=timedelta(hours=1)) for x in xs]


@workflow
def approve_each_wf(xs: typing.List[int]) -> typing.List[int]:
    return approve_each(xs=xs)


if __name__ == "__main__":
    import contextlib
    import io

    # The prompts go to a buffer, so that what this prints is the results alone.
    with contextlib.redirect_stdout(io.StringIO()):
        results = [
            sleep_wf(num=7),
            reporting_wf(data=[1.0, 2.0, 6.0]),
            approval_wf(x=4),
            sleep_after_each_wf(nums=[1, 2]),
            approve_each_wf(xs=[1, 2]),
        ]
    for result in results:
        print(result)
