"""Files, folders and HashMethod (after flytesnacks' data_types_and_io/file.py and folder.py, and the
HashMethod part of development_lifecycle/task_cache.py).

Only the import line differs from the flytekit program, with two changes flytesnacks needs network
or pandas for: the CSV files are written by a task instead of downloaded from a URL, and the
"DataFrame" is a list of rows. Locally a file's path passes from task to task unchanged; on Airflow
each file and folder goes through the blob store and the next task reads a local copy.
"""

import csv
import hashlib
import json
import os
import typing
from collections import defaultdict
from typing import Annotated, List

from airflow_dynflow import (
    FlyteDirectory,
    FlyteFile,
    HashMethod,
    create_node,
    current_context,
    task,
    workflow,
)

CSVFile = FlyteFile[typing.TypeVar("csv")]

PEOPLE = [
    ["Name", "Sex", "Age", "Height (in)", "Weight (lbs)"],
    ["Alex", "M", "41", "74", "170"],
    ["Bert", "M", "42", "68", "166"],
    ["Carl", "M", "32", "70", "155"],
]


@task
def write_csv(rows: List[List[str]], name: str) -> CSVFile:
    """Stands in for flytesnacks' download: writes ``rows`` as a CSV in the working directory."""
    path = os.path.join(current_context().working_directory, name)
    with open(path, "w", newline="\n") as handle:
        csv.writer(handle).writerows(rows)
    return FlyteFile(path=path)


@task
def normalize_columns(
    csv_url: FlyteFile,
    column_names: List[str],
    columns_to_normalize: List[str],
) -> FlyteFile:
    # read the data from the raw csv file
    parsed_data = defaultdict(list)
    with open(csv_url, newline="\n") as input_file:
        reader = csv.DictReader(input_file, fieldnames=column_names)
        next(reader)  # Skip header
        for row in reader:
            for column in columns_to_normalize:
                parsed_data[column].append(float(row[column].strip()))

    # normalize the data
    normalized_data = defaultdict(list)
    for colname, values in parsed_data.items():
        mean = sum(values) / len(values)
        std = (sum((x - mean) ** 2 for x in values) / len(values)) ** 0.5
        normalized_data[colname] = [(x - mean) / std for x in values]

    # write to local path
    out_path = os.path.join(
        current_context().working_directory,
        f"normalized-{os.path.basename(csv_url.path).rsplit('.')[0]}.csv",
    )
    with open(out_path, mode="w") as output_file:
        writer = csv.DictWriter(output_file, fieldnames=columns_to_normalize)
        writer.writeheader()
        for row in zip(*normalized_data.values(), strict=True):
            writer.writerow({k: f"{v:.3f}" for k, v in zip(columns_to_normalize, row, strict=True)})

    return FlyteFile(path=out_path)


@task
def write_csv_folder(tables: List[List[List[str]]]) -> FlyteDirectory:
    """Stands in for flytesnacks' download_files: one CSV per table in a new folder."""
    working_dir = current_context().working_directory
    local_dir = os.path.join(working_dir, "csv_files")
    os.makedirs(local_dir, exist_ok=True)
    for idx, rows in enumerate(tables):
        with open(os.path.join(local_dir, f"{idx}.csv"), "w", newline="\n") as handle:
            csv.writer(handle).writerows(rows)
    return FlyteDirectory(path=local_dir)


@task
def normalize_all_files(
    csv_files_dir: FlyteDirectory,
    columns_metadata: List[List[str]],
    columns_to_normalize_metadata: List[List[str]],
) -> FlyteDirectory:
    out_dir = os.path.join(current_context().working_directory, "normalized")
    os.makedirs(out_dir, exist_ok=True)
    for local_csv_file, column_names, columns_to_normalize in zip(
        sorted(os.listdir(csv_files_dir)), columns_metadata, columns_to_normalize_metadata, strict=True
    ):
        with open(os.path.join(csv_files_dir, local_csv_file), newline="\n") as handle:
            rows = list(csv.DictReader(handle, fieldnames=column_names))[1:]
        with open(os.path.join(out_dir, local_csv_file), "w") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns_to_normalize)
            writer.writeheader()
            for column in columns_to_normalize:
                values = [float(r[column]) for r in rows]
                mean = sum(values) / len(values)
                writer.writerow({column: f"{mean:.3f}"})
    return FlyteDirectory(path=out_dir)


@task
def read_file(f: FlyteFile) -> str:
    with open(f) as handle:
        return handle.read().strip()


@task
def read_folder(d: FlyteDirectory) -> List[str]:
    contents = []
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name)) as handle:
            contents.append(handle.read().strip())
    return contents


@workflow
def normalize_csv_file() -> str:
    raw = write_csv(rows=PEOPLE, name="people.csv")
    normalized = normalize_columns(
        csv_url=raw,
        column_names=PEOPLE[0],
        columns_to_normalize=["Age"],
    )
    return read_file(f=normalized)


@workflow
def download_and_normalize_csv_files() -> List[str]:
    folder = write_csv_folder(tables=[PEOPLE, PEOPLE[:3]])
    normalized = normalize_all_files(
        csv_files_dir=folder,
        columns_metadata=[PEOPLE[0], PEOPLE[0]],
        columns_to_normalize_metadata=[["Age"], ["Height (in)"]],
    )
    return read_folder(d=normalized)


def hash_rows(rows: List[typing.Dict[str, int]]) -> str:
    """flytesnacks hashes a DataFrame with pandas; rows hash the same whatever their order."""
    return hashlib.sha256(json.dumps(sorted(rows, key=json.dumps)).encode()).hexdigest()


@task
def uncached_data_reading_task() -> Annotated[List[typing.Dict[str, int]], HashMethod(hash_rows)]:
    return [{"column_1": 1}, {"column_1": 2}, {"column_1": 3}]


@task(cache=True, cache_version="1.0")
def cached_data_processing_task(df: List[typing.Dict[str, int]]) -> List[typing.Dict[str, int]]:
    return [{k: v * 2 for k, v in row.items()} for row in df]


@workflow
def cached_dataframe_wf() -> List[typing.Dict[str, int]]:
    raw_data = uncached_data_reading_task()

    # Execute `cached_data_processing_task` twice, but force those two executions to happen
    # serially: the second one hits the cache.
    t1_node = create_node(cached_data_processing_task, df=raw_data)
    t2_node = create_node(cached_data_processing_task, df=raw_data)
    t1_node >> t2_node
    return t2_node.o0


if __name__ == "__main__":
    print(normalize_csv_file())
    print(download_and_normalize_csv_files())
    print(cached_dataframe_wf())
