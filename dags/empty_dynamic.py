"""A dynamic whose graph, for these inputs, has no node at all."""

import typing

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def shout(word: str) -> str:
    return word.upper()


@dynamic
def shout_all(words: typing.List[str]) -> typing.List[str]:
    return [shout(word=w) for w in words]


@workflow
def empty_dynamic(words: typing.List[str] = []) -> typing.List[str]:  # noqa: B006 - a JSON default
    """Shouts every word; with no words the dynamic generates nothing and returns []."""
    return shout_all(words=words)


if __name__ == "__main__":
    print(empty_dynamic(words=[]))
