"""Flyte programs from flytesnacks, rewritten with only their import line changed, print what
flytekit prints when run as plain Python (examples/, docs/flytekit.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PRINTED = {
    "map_tasks.py": "345\n[42.0, 84.0, 126.0]\n",
    "subworkflows.py": (
        "DefaultNamedTupleOutput(o0=42, o1='world', o2='world')\n"
        "DefaultNamedTupleOutput(o0=32, o1='world', o2='world', o3='world')\n"
    ),
    "named_outputs.py": (
        "OP2(greet1='hello world', greet2='hello world')\nDefaultNamedTupleOutput(o0='Lovelace', o1='Ada')\n"
    ),
    "dataclasses_io.py": "Datum(x=30, y='1020', z={10: '10', 20: '20'})\n",
    "attribute_access.py": "['a', 'b', 'banana']\n",
    "chain_entities.py": "a,b,c\n",
    "customizing_resources.py": "9\n",
    "task_cache.py": "32\n",
    "dynamic_workflows.py": "DefaultNamedTupleOutput(o0=3, o1=30)\n[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n",
    "conditions.py": (
        "1.0 9.0\n9.0\nValueError: The input must be between 0 and 10\n32.0\n0 -1\n0.36 25.0 40.0\n"
        "[1.0, 10.0, 4.0]\n"
    ),
    "launch_plans.py": "3.0\n3.0\n-9.25\n-1.0\n2026-11-29 07:30\nYou're awesome, Flyte\n",
    "files_and_hashes.py": (
        "Age\n0.593\n0.815\n-1.408\n"
        "['Age\\n38.333', 'Height (in)\\n71.000']\n"
        "[{'column_1': 2}, {'column_1': 4}, {'column_1': 6}]\n"
    ),
    "gates.py": "7\nWeekly: mean 3.00, max 6.00\n12\n[1, 2]\n[10, 20]\n",
    "secrets.py": (
        "DefaultNamedTupleOutput(o0='1140d57f4828', o1=['9fe9be248643', '648d6f6eb44c'])\n"
        "unrequested: secret (group='user_info', key='user_secret') was not requested; add "
        "secret_requests=[Secret(group='user_info', key='user_secret')] to its @task: requesting is "
        "what grants\n"
    ),
    "decks.py": "DefaultNamedTupleOutput(o0=11, o1=['DECK', 'OF', 'CARDS'], o2=['DECK', 'OF', 'CARDS'])\n",
    "reference.py": (
        "DefaultNamedTupleOutput(o0=[0.25, 0.5, 1.0], o1=0.75)\n"
        "reference_task(name='shared_tasks.normalize'): the decorated function's interface differs: "
        "input values declared List[int], is List[float]\n"
    ),
    # A library of tasks that reference.py refers to; it prints nothing.
    "shared_tasks.py": "",
}
# What a person types at the examples' gates (flytekit's local runs read them from stdin).
ANSWERS = {"gates.py": "Weekly\n3\ny\ny\ny\n"}


def test_every_example_has_an_expected_output():
    assert sorted(PRINTED) == sorted(p.name for p in EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_example_prints_what_flytekit_prints(name):
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        input=ANSWERS.get(name, ""),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout == PRINTED[name]
