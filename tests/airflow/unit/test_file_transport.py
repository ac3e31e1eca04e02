"""Files and folders in output envelopes: uploaded under the producer's place, named by store key, and
checked (signature, store confinement, content digest) before a byte reaches the local disk.

The attacks aim at a marker file outside the download folder: a refusal that leaves no marker, and
an empty download folder, proves that nothing was written before the check that refused it.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import typing

import pytest

from airflow_dynflow import FlyteDirectory, FlyteFile, HashMethod, task
from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store import file_transport
from airflow_dynflow.airflow.store.blob_cache import BlobCache
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.file_transport import BlobFiles
from airflow_dynflow.airflow.store.payloads import Payloads, canonical_json, location
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.output_cache import decode_outputs, encode_outputs
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"test-key"])
FILE = converter_for(FlyteFile)
FOLDER = converter_for(FlyteDirectory)
WHERE = location("wf", "r", "t") + "/o0"


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}/store")


@pytest.fixture
def downloads(tmp_path, monkeypatch) -> str:
    """Where this test's downloads go, so that a test can see that nothing was written."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    monkeypatch.setattr(file_transport, "local_folder", lambda prefix: str(folder))
    return str(folder)


@pytest.fixture
def marker(tmp_path) -> str:
    return str(tmp_path / "marker")


@pytest.fixture
def note(tmp_path) -> FlyteFile:
    path = tmp_path / "work" / "data.csv"
    path.parent.mkdir()
    path.write_text("a,b\n1,2\n")
    return FlyteFile(str(path))


@pytest.fixture
def tree(tmp_path) -> FlyteDirectory:
    root = tmp_path / "work" / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("A")
    (root / "sub" / "b.txt").write_text("B")
    return FlyteDirectory(str(root))


def payloads_of(store: BlobStore) -> Payloads:
    return Payloads(store, SIGNER, max_bytes=1000)


def signed(value: object, where: str = WHERE) -> dict:
    """An inline envelope as a holder of the key would write it."""
    return {"v": value, "sig": SIGNER.sign("value", where, canonical_json(value))}


def refused(check: str):
    return pytest.raises(IntegrityError, match=rf"^integrity check failed \({check}\)")


def test_an_output_file_is_uploaded_under_the_producer_and_named_by_its_key(store, note, downloads):
    envelope = payloads_of(store).encode(FILE, note, store.run_path("wf", "r", "t", "-1", "o0"), WHERE)
    sha = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert envelope == signed({"blob": f"runs/wf/r/t/-1/files/{sha}/data.csv", "sha256": sha})
    copy = payloads_of(store).decode(FILE, envelope, WHERE)
    assert copy.path == os.path.join(downloads, "data.csv") != note.path
    with open(copy) as handle:
        assert handle.read() == "a,b\n1,2\n"
    assert copy.remote_source == f"runs/wf/r/t/-1/files/{sha}/data.csv"


def test_a_folder_travels_whole_and_comes_back_as_the_same_tree(store, tree, downloads):
    envelope = payloads_of(store).encode(FOLDER, tree, store.run_path("wf", "r", "t", "-1", "o0"), WHERE)
    assert envelope["v"]["blob"].endswith("/tree")
    copy = payloads_of(store).decode(FOLDER, envelope, WHERE)
    assert copy.path == os.path.join(downloads, "tree")
    assert sorted(os.listdir(copy)) == ["a.txt", "sub"]
    with open(os.path.join(copy, "sub", "b.txt")) as handle:
        assert handle.read() == "B"


def test_a_value_with_a_stored_copy_is_not_uploaded_again(store, note, downloads):
    payloads = payloads_of(store)
    first = payloads.encode(FILE, note, store.run_path("wf", "r", "a", "-1", "o0"), WHERE)
    copy = payloads.decode(FILE, first, WHERE)
    where_b = location("wf", "r", "b") + "/o0"
    again = payloads.encode(FILE, copy, store.run_path("wf", "r", "b", "-1", "o0"), where_b)
    assert again["v"] == first["v"]
    assert not store.root.joinpath("runs", "wf", "r", "b").exists()


def test_files_inside_a_list_each_get_a_key(store, note, tree, downloads):
    converter = converter_for(typing.List[FlyteFile])
    other = FlyteFile(os.path.join(tree.path, "a.txt"))
    envelope = payloads_of(store).encode(
        converter, [note, other], store.run_path("wf", "r", "t", "-1", "o0"), WHERE
    )
    assert [ref["blob"].rsplit("/", 1)[-1] for ref in envelope["v"]] == ["data.csv", "a.txt"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda marker: "../" * 12 + marker.lstrip("/"),  # up and out of the store
        lambda marker: "runs/" + "../" * 12 + marker.lstrip("/"),
        lambda marker: marker,  # an absolute path
        lambda marker: "file://" + marker,  # a URL
        lambda marker: "runs/wf/r/t/-1/files/x/..",
    ],
    ids=["parent", "parent-inside", "absolute", "url", "dot-dot-last"],
)
def test_a_signed_key_that_leaves_the_store_is_refused_and_nothing_is_written(
    store, downloads, marker, forge
):
    """Even with the key's signature (a bug of ours, or a leaked key), a key cannot leave the store."""
    envelope = signed({"blob": forge(marker), "sha256": "0" * 64})
    with refused("store confinement"):
        payloads_of(store).decode(FILE, envelope, WHERE)
    assert not os.path.exists(marker)
    assert os.listdir(downloads) == []


def test_another_runs_file_cannot_be_swapped_in(store, note, downloads):
    """A valid key of another run, put into this run's envelope by someone who may edit XComs."""
    payloads = payloads_of(store)
    other_where = location("wf", "other", "t") + "/o0"
    theirs = payloads.encode(FILE, note, store.run_path("wf", "other", "t", "-1", "o0"), other_where)
    ours = payloads.encode(FILE, FlyteFile(note.path), store.run_path("wf", "r", "t", "-1", "o0"), WHERE)
    with refused("signature"):
        payloads.decode(FILE, {"v": theirs["v"], "sig": ours["sig"]}, WHERE)
    with refused("signature"):
        payloads.decode(FILE, theirs, WHERE)  # replayed whole, at this run's place
    assert os.listdir(downloads) == []


def test_a_changed_file_blob_is_refused_before_anything_is_written(store, note, downloads):
    envelope = payloads_of(store).encode(FILE, note, store.run_path("wf", "r", "t", "-1", "o0"), WHERE)
    store.path_of(envelope["v"]["blob"]).write_bytes(b"planted")
    with refused("content digest"):
        payloads_of(store).decode(FILE, envelope, WHERE)
    assert os.listdir(downloads) == []


def test_a_signed_folder_whose_tar_climbs_out_writes_nothing_outside(store, downloads, marker):
    """The digest and signature match (a key holder made it), yet extraction stays in its folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(os.path.relpath(marker, os.path.join(downloads, "tree")))
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    key = store.write_bytes(store.run_path("wf", "r", "t", "-1", "files", sha, "tree"), data)
    with pytest.raises(tarfile.TarError):
        payloads_of(store).decode(FOLDER, signed({"blob": key, "sha256": sha}), WHERE)
    assert not os.path.exists(marker)
    assert os.listdir(downloads) == []


def test_an_operator_that_only_passes_values_on_downloads_nothing(store, note, downloads):
    envelope = payloads_of(store).encode(FILE, note, store.run_path("wf", "r", "t", "-1", "o0"), WHERE)
    forwarding = Payloads(store, SIGNER, max_bytes=1000, download=False)
    value = forwarding.decode(FILE, envelope, WHERE)
    assert value.remote_source == envelope["v"]["blob"]
    assert os.listdir(downloads) == []
    where_b = location("wf", "r", "b") + "/o0"
    assert (
        forwarding.encode(FILE, value, store.run_path("wf", "r", "b", "-1", "o0"), where_b)["v"]
        == envelope["v"]
    )


def test_a_file_from_the_spec_keeps_the_authors_path(store, note, downloads):
    """The spec's constants are the DAG author's (and signed); their paths are used as given."""
    assert payloads_of(store).materialize(FILE, note, WHERE) == note
    assert os.listdir(downloads) == []


def test_a_hash_travels_signed_in_the_envelope(store):
    @task
    def produce() -> typing.Annotated[int, HashMethod(lambda v: f"h{v % 2}")]:
        return 3

    payloads = payloads_of(store)
    base = store.run_path("wf", "r", "t", "-1")
    envelope = payloads.encode_outputs(produce.interface, {"o0": 3}, base, location("wf", "r", "t"))
    stored = envelope["o0"]
    assert stored["hash"] == "h1"
    assert payloads.decode(produce.interface.outputs["o0"].converter, stored, WHERE) == 3
    assert payloads.hash_of(stored) == "h1"
    with refused("signature"):
        payloads.decode(produce.interface.outputs["o0"].converter, {**stored, "hash": "h0"}, WHERE)
    without = {k: v for k, v in stored.items() if k != "hash"}
    with refused("signature"):
        payloads.decode(produce.interface.outputs["o0"].converter, without, WHERE)


def test_a_cached_file_is_kept_under_the_cache_for_later_runs(store, note):
    @task(cache=True)
    def produce() -> FlyteFile:
        return note

    cache = BlobCache(store, SIGNER)
    text = encode_outputs(produce.interface, {"o0": note}, cache.files)
    (value,) = decode_outputs(produce.interface, text).values()
    assert value.remote_source is not None and value.remote_source.startswith("cache/files/")
    assert isinstance(cache.files, BlobFiles)
