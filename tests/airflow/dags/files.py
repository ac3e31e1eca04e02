"""Test-only workflows: files and folders between tasks (static and in a dynamic), and HashMethod."""

import os
import typing
from typing import Annotated

from airflow_dynflow import (  # airflow dag
    FlyteDirectory,
    FlyteFile,
    HashMethod,
    current_context,
    dynamic,
    map_task,
    task,
    workflow,
)


@task
def write_both(text: str) -> typing.Tuple[FlyteFile, FlyteDirectory, str]:
    """A file and a folder (with a sub-folder) in the working directory; and where they were written."""
    folder = current_context().working_directory
    path = os.path.join(folder, "note.txt")
    with open(path, "w") as handle:
        handle.write(text)
    tree = os.path.join(folder, "tree")
    os.makedirs(os.path.join(tree, "sub"))
    for name, body in (("a.txt", text.upper()), (os.path.join("sub", "b.txt"), text[::-1])):
        with open(os.path.join(tree, name), "w") as handle:
            handle.write(body)
    return FlyteFile(path), FlyteDirectory(tree), folder


@task
def read_both(f: FlyteFile, d: FlyteDirectory, written_in: str) -> str:
    """What the producer wrote, read from the local copies this task got (never the producer's paths)."""
    assert not f.path.startswith(written_in) and not d.path.startswith(written_in)
    assert f.download() == os.fspath(f) == f.path and os.path.isfile(f.path)
    with open(f) as handle:
        note = handle.read()
    with open(os.path.join(d, "a.txt")) as a, open(os.path.join(d.path, "sub", "b.txt")) as b:
        return f"{note}|{a.read()}|{b.read()}"


@task
def write_plain(text: str) -> FlyteFile:
    """A plain str where a FlyteFile is declared."""
    path = os.path.join(current_context().working_directory, "plain.txt")
    with open(path, "w") as handle:
        handle.write(text)
    return path


@task
def read_file(f: FlyteFile) -> str:
    with open(f) as handle:
        return handle.read()


@workflow
def files_between_tasks(text: str = "hello") -> typing.Tuple[str, str]:
    f, d, written_in = write_both(text=text)
    return read_both(f=f, d=d, written_in=written_in), read_file(f=write_plain(text=text))


@dynamic
def files_in_dynamic(text: str, given: FlyteFile) -> typing.Tuple[str, str]:
    """Generated nodes pass files as outputs; ``given`` is a real (downloaded) value here, so it
    reaches ``read_file`` as a constant of the futures spec."""
    f, d, written_in = write_both(text=text)
    return read_both(f=f, d=d, written_in=written_in), read_file(f=given)


@workflow
def files_in_a_dynamic(text: str = "dyn") -> typing.Tuple[str, str]:
    return files_in_dynamic(text=text, given=write_plain(text="given"))


def same_for_all(values: typing.List[int]) -> str:
    return "same"


@task
def produce(n: int) -> Annotated[typing.List[int], HashMethod(same_for_all)]:
    return [n]


@task(cache=True, cache_version="1")
def consume(values: typing.List[int]) -> int:
    return sum(values)


@workflow
def hashed_cache(n: int) -> int:
    """Every run's ``produce`` output hashes to "same", so ``consume`` hits the first run's entry."""
    return consume(values=produce(n=n))


@task
def size_of(f: FlyteFile) -> int:
    return os.path.getsize(f)


THIS_FILE = FlyteFile(__file__)


@workflow
def file_input(f: FlyteFile = THIS_FILE) -> int:
    """A file input can only be its default: a run's conf cannot name a path on the worker."""
    return size_of(f=f)


@task
def write_many(texts: typing.List[str]) -> typing.List[FlyteFile]:
    folder = current_context().working_directory
    paths = []
    for i, text in enumerate(texts):
        paths.append(os.path.join(folder, f"{i}.txt"))
        with open(paths[-1], "w") as handle:
            handle.write(text)
    return [FlyteFile(p) for p in paths]


@workflow
def files_through_a_map(texts: typing.List[str]) -> typing.List[str]:
    """Each mapped instance downloads only its own element's file."""
    return map_task(read_file)(f=write_many(texts=texts))


@workflow
def file_as_result(text: str = "out") -> FlyteFile:
    """A workflow whose result is a file: its XCom is the file's store key and digest."""
    return write_plain(text=text)


@dynamic
def hashed_in_dynamic(n: int) -> int:
    return consume_in_dynamic(values=produce(n=n))


@task(cache=True, cache_version="1")
def consume_in_dynamic(values: typing.List[int]) -> int:
    return sum(values)


@workflow
def hashed_cache_in_dynamic(n: int) -> int:
    return hashed_in_dynamic(n=n)
