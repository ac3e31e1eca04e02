"""Provider metadata: the ``apache_airflow_provider`` entry point Airflow reads at start-up.

Declaring the ``[dynflow]`` section here is what makes ``airflow config list`` show our options with
their defaults, and ``conf.get("dynflow", ...)`` resolve them without a fallback in our code.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow import __version__


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-dynflow",
        "name": "Dynflow",
        "description": "Flyte-style typed, dynamic workflows (@task, @workflow, @dynamic, map_task).",
        "versions": [__version__],
        # No "plugins" here: Airflow 3.3.2 loads a provider's plugins only with
        # [core] lazy_discover_providers = False (not the default). The "Dynamic graph" plugin is
        # registered through the "airflow.plugins" entry point instead (pyproject.toml), which every
        # component loads; declaring it here too would load it twice where discovery is eager.
        "config": {
            "dynflow": {
                "description": "Where airflow-dynflow keeps futures specs, large outputs and cached results.",
                "options": {
                    "store_url": {
                        "description": (
                            "Blob store for futures specs, large or pickled outputs and the task cache, as "
                            "an ObjectStoragePath URL (file://, s3://conn_id@bucket/path, gs://...). "
                            "Empty means a folder 'dynflow-store' under $AIRFLOW_HOME."
                        ),
                        "version_added": "0.1.0",
                        "type": "string",
                        "example": "s3://aws_default@my-bucket/dynflow",
                        "default": "",
                    },
                    "store_call_timeout": {
                        "description": (
                            "Seconds one call to a remote blob store (s3://, gs://) may take, its "
                            "client's own retries included, before it counts as the store not answering."
                        ),
                        "version_added": "0.2.0",
                        "type": "float",
                        "example": "60",
                        "default": "60",
                    },
                    "store_outage_seconds": {
                        "description": (
                            "How long a task waits out a remote blob store that cannot be reached "
                            "(pauses of 1, 2, 4 ... 30 s, each logged) before its try fails."
                        ),
                        "version_added": "0.2.0",
                        "type": "float",
                        "example": "300",
                        "default": "300",
                    },
                    "signing_key": {
                        "description": (
                            "Secret key(s) for the HMAC-SHA256 signatures on futures specs, output "
                            "envelopes and blobs, stored outputs, cache entries and child-run requests; "
                            "every component must have the same value. Comma-separated: the first signs, "
                            "any verifies (rotation). Empty means a key derived from [core] fernet_key, "
                            "else from [api_auth] jwt_secret. See docs/security.md."
                        ),
                        "version_added": "0.2.0",
                        "type": "string",
                        "sensitive": True,
                        "example": "(python -c 'import secrets; print(secrets.token_urlsafe(32))')",
                        "default": "",
                    },
                    "max_spec_bytes": {
                        "description": (
                            "Largest futures spec a dynamic may compile, in bytes. A bigger one fails the "
                            "compile task with the size and what to do instead (pass large data as a task "
                            "output, which goes to the blob store, not as a constant)."
                        ),
                        "version_added": "0.2.0",
                        "type": "integer",
                        "example": "33554432",
                        "default": "33554432",
                    },
                    "tasks_test_reuses_outputs": {
                        "description": (
                            "Whether `airflow tasks test` on a generated node pushes the outputs an earlier "
                            "try stored instead of running the node's function. Off: a test runs the "
                            "function and says that stored outputs were not used."
                        ),
                        "version_added": "0.3.0",
                        "type": "boolean",
                        "example": "True",
                        "default": "False",
                    },
                    "max_nodes_per_dynamic": {
                        "description": (
                            "Most nodes one dynamic's body may generate. Compiling stops at the first "
                            "node past it and fails the compile task once, naming this setting: a run's "
                            "inputs (a count, a list) decide how many a body generates."
                        ),
                        "version_added": "0.2.0",
                        "type": "integer",
                        "example": "100000",
                        "default": "100000",
                    },
                    "max_compile_seconds": {
                        "description": (
                            "Most seconds a dynamic's body may take to compile, checked as it adds "
                            "nodes. Past it the compile task fails once, naming this setting."
                        ),
                        "version_added": "0.2.0",
                        "type": "float",
                        "example": "300",
                        "default": "300",
                    },
                    "xcom_max_bytes": {
                        "description": (
                            "Outputs whose JSON is larger than this go to the blob store, with only a "
                            "reference in XCom."
                        ),
                        "version_added": "0.1.0",
                        "type": "integer",
                        "example": "65536",
                        "default": "65536",
                    },
                    "poll_interval": {
                        "description": "Seconds between checks of a waiting generated node's dependencies.",
                        "version_added": "0.1.0",
                        "type": "float",
                        "example": "0.25",
                        "default": "0.25",
                    },
                    "wait_inline_seconds": {
                        "description": (
                            "How long a generated node waits for its dependencies in its worker before "
                            "deferring (a chain's next node is usually ready within a second)."
                        ),
                        "version_added": "0.1.0",
                        "type": "float",
                        "example": "1.5",
                        "default": "1.5",
                    },
                    "node_retries": {
                        "description": (
                            "Spare tries of a dynamic's compile, generated-node and result tasks, for "
                            "faults that are not theirs (a worker lost, a slow execution API, Airflow's "
                            "defer/requeue race). A body or node itself gets only the retries it asked for."
                        ),
                        "version_added": "0.1.0",
                        "type": "integer",
                        "example": "3",
                        "default": "3",
                    },
                    "node_retry_delay": {
                        "description": (
                            "Seconds between tries of a generated node, and of a task that sets no "
                            "retry_delay itself (Flyte retries at once; Airflow's own default is 300 s)."
                        ),
                        "version_added": "0.1.0",
                        "type": "float",
                        "example": "1.0",
                        "default": "1.0",
                    },
                    "max_retry_delay": {
                        "description": (
                            "Longest wait between those spare tries, which double from node_retry_delay "
                            "so that an outage of a broker or the API server is outlasted."
                        ),
                        "version_added": "0.2.0",
                        "type": "float",
                        "example": "60",
                        "default": "60",
                    },
                    "max_active_nodes": {
                        "description": (
                            "Most generated-node instances of one dynamic running or waiting at once in a "
                            "run (deferred instances count here but not in pools)."
                        ),
                        "version_added": "0.1.0",
                        "type": "integer",
                        "example": "32",
                        "default": "32",
                    },
                },
            }
        },
    }
