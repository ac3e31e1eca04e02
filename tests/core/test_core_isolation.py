"""The programming model never imports Airflow."""

import subprocess
import sys
import textwrap


def test_core_and_examples_run_with_airflow_blocked():
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "airflow" or name.startswith("airflow."):
                    raise ImportError("airflow is blocked in this test")

        sys.meta_path.insert(0, Block())
        sys.path.insert(0, "dags")
        import count_characters
        assert count_characters.wf(s1="Pear", s2="Earth") == 3
        assert not any(m == "airflow" or m.startswith("airflow.") for m in sys.modules)
        print("isolated")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "isolated"


def test_seed_example_prints_three():
    out = subprocess.run(
        [sys.executable, "dags/count_characters.py"], capture_output=True, text=True, check=True
    )
    assert out.stdout == "3\n"
