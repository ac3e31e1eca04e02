"""Resources (after flytesnacks' customizing_resources.py): requests and limits are recorded, and
on Airflow's KubernetesExecutor they become the task pod's resources."""

import typing

from airflow_dynflow import Resources, task, workflow


@task(requests=Resources(cpu="1", mem="100Mi"), limits=Resources(cpu="2", mem="150Mi"))
def count_unique_numbers(x: typing.List[int]) -> int:
    return len(set(x))


@task
def square(x: int) -> int:
    return x * x


@workflow
def resources_wf(x: typing.List[int] = [1, 1, 2, 3, 3]) -> int:
    unique = count_unique_numbers(x=x).with_overrides(limits=Resources(cpu="3", mem="200Mi"))
    return square(x=unique)


if __name__ == "__main__":
    print(resources_wf(x=[1, 1, 2, 3, 3]))
