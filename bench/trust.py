"""What signing costs, and how long the at-least-once window is (docs/security.md).

* Signing and checking one small output envelope, and reading back the seed's futures spec
  (2,001 nodes) with and without its HMAC check: the price of the integrity checks.
* The kill-after-return window of a generated node: from the function returning to its outputs
  being stored durably (envelopes signed and encoded, the stored-outputs file written with fsync),
  on a local-disk store. A worker killed inside this window runs the function again on its next
  try; killed after it, the next try pushes the stored outputs instead.

Runs in this process against a throw-away ``file://`` store; Airflow is imported (for
``ObjectStoragePath``) but nothing is scheduled.
"""

from __future__ import annotations

import os
import tempfile

from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec
from bench.core import SEED_FILE, load_dag_file, strings, timed


def run() -> list[tuple[str, str, str]]:
    home = tempfile.mkdtemp(prefix="dynflow-bench-trust-")
    os.environ.setdefault("AIRFLOW_HOME", home)
    from airflow_dynflow.airflow.store.blob_store import BlobStore
    from airflow_dynflow.airflow.store.payloads import Payloads
    from airflow_dynflow.airflow.store.stored_outputs import StoredOutputs
    from airflow_dynflow.core.conversion.converters import converter_for
    from airflow_dynflow.core.signing import Signer

    signer = Signer([b"bench-key"])
    store = BlobStore(url=f"file://{home}/store")
    payloads = Payloads(store, signer, max_bytes=65536)
    converter = converter_for(list[int])
    value = list(range(26))
    folder = store.run_path("wf", "run", "count.nodes", "7")
    envelope = payloads.encode(converter, value, folder / "o0", "wf/run/count.nodes/7/n7/o0")
    sign_best, sign_median = timed(lambda: payloads.encode(converter, value, folder / "o0", "w/o0"), 2000)
    check_best, check_median = timed(
        lambda: payloads.decode(converter, envelope, "wf/run/count.nodes/7/n7/o0"), 2000
    )

    seed = load_dag_file(SEED_FILE)
    s1, s2 = strings(500)
    spec = seed.count_characters.compile(s1=s1, s2=s2)
    plain, signed = dump_spec(spec), dump_spec(spec, signer)
    plain_best, _ = timed(lambda: load_spec(plain), 10)
    signed_best, signed_median = timed(lambda: load_spec(signed, signer), 10)

    outputs = StoredOutputs(
        store=store, signer=signer, path=folder / "spec.json", where="wf/run/count.nodes/7/x"
    )

    def window() -> None:
        """What a one-node instance does between its function returning and logging the output."""
        done = {
            "n7": {"o0": payloads.encode(converter, value, folder / "n7" / "o0", "w/n7/o0", signed=False)}
        }
        outputs.write(1, payloads.sign_instance(done, "wf/run/count.nodes/7"))

    window_best, window_median = timed(window, 200)
    ms = 1000.0
    return [
        (
            "sign one small output envelope / check it",
            f"{sign_best * 1e6:.0f} us / {check_best * 1e6:.0f} us",
            f"medians {sign_median * 1e6:.0f} / {check_median * 1e6:.0f} us; a 26-int list, inline",
        ),
        (
            "load the seed's futures spec (2,001 nodes), HMAC-signed vs unsigned",
            f"{signed_best * ms:.1f} ms vs {plain_best * ms:.1f} ms",
            f"median signed {signed_median * ms:.1f} ms; the HMAC is checked on the raw text first",
        ),
        (
            "kill-after-return window of a generated node (local disk)",
            f"{window_best * ms:.2f} ms",
            f"median {window_median * ms:.2f} ms: encode its outputs, sign the instance's value, write "
            "the stored-outputs file with fsync; nothing is logged and no other node runs before",
        ),
    ]
