"""``FlyteFile`` and ``FlyteDirectory``: a file or a folder that one task writes and the next reads.

A task returns a local path (a ``FlyteFile(path)``, or a plain ``str``/``os.PathLike`` where the
declared type is a file type); the next task gets a value whose ``.path`` is a local copy. Files and
folders are one mechanism: a file value's *content* is bytes (the file itself, or a deterministic tar
of the folder), named by its SHA-256.

The core never moves bytes between machines. A value is in one of two places, or both:

* a local path (``{"path": ...}`` as JSON): what a task returned, or a constant of the workflow code;
* a stored copy (``{"blob": <store key>, "sha256": ...}``): what a runtime uploaded.

A runtime plugs a ``FileTransport`` into the converters (``to_jsonable(value, files)`` /
``from_jsonable(data, files)``): the Airflow runtime's uploads a value when its outputs are written
and downloads it when a consumer reads them (``airflow/store/file_transport.py``), as
``core.conversion.output_cache`` lets it plug its blob cache in. Without a transport the path passes through
unchanged, which is what a local run needs (flytekit's local runs do the same: no upload, the next
task sees the same path).
"""

from __future__ import annotations

import abc
import hashlib
import io
import os
import shutil
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, ClassVar, Protocol, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from airflow_dynflow.core import errors
from airflow_dynflow.core.context.execution_context import current_context, local_folder

__all__ = [
    "DIGESTS",
    "FILE_SCHEMA_KEY",
    "NO_FILES",
    "FileTransport",
    "FlyteDirectory",
    "FlyteFile",
    "PathValue",
    "StoredRef",
    "pack",
    "unpack",
]

FILE_SCHEMA_KEY = "x-dynflow-file"


@dataclass(frozen=True, slots=True)
class StoredRef:
    """Where a runtime keeps a value's content: a store-relative key and the content's SHA-256."""

    key: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"blob": self.key, "sha256": self.sha256}


class FileTransport(Protocol):
    """What a runtime plugs into the converters to move file values between machines."""

    def dump(self, value: PathValue) -> dict[str, str]:
        """The JSON form of ``value`` (uploading its content if it has no stored copy yet)."""

    def load(self, cls: type[PathValue], data: object) -> PathValue:
        """A value of ``cls`` from its JSON form (downloading a stored copy to a local folder)."""


class _FormatBlind(abc.ABCMeta):
    """``FlyteFile["csv"]`` is a subclass that keeps the format's name; for checks it is the same
    type as ``FlyteFile``, in both directions, as Flyte treats a blob whose format is unset."""

    def __subclasscheck__(cls, sub: type) -> bool:
        family = getattr(cls, "_family", None)
        if family is None:
            return super().__subclasscheck__(sub)
        return isinstance(sub, type) and family in sub.__mro__

    def __instancecheck__(cls, instance: object) -> bool:
        return cls.__subclasscheck__(type(instance))


class PathValue(os.PathLike[str], metaclass=_FormatBlind):
    """A local file or folder, a stored copy of one, or both; see the module docstring."""

    __slots__ = ("_path", "_stored")
    kind: ClassVar[str]
    _family: ClassVar[type[PathValue] | None] = None
    _format: ClassVar[str] = ""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path: str | None = os.fspath(path)
        self._stored: StoredRef | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            cls._family = cls

    def __class_getitem__(cls, fmt: Any) -> type[PathValue]:
        """``FlyteFile[typing.TypeVar("csv")]`` and ``FlyteFile["csv"]``: the format is kept as a name
        (``extension()``) and otherwise ignored."""
        name = fmt.__name__ if isinstance(fmt, TypeVar) else str(fmt)
        namespace = {"__slots__": (), "_format": name, "__qualname__": f"{cls.__qualname__}[{name}]"}
        return type(cls.__name__, (cls,), {**namespace, "__module__": cls.__module__})

    @classmethod
    def extension(cls) -> str:
        return cls._format

    @classmethod
    def from_store(cls, ref: StoredRef, path: str | None) -> PathValue:
        value = cls.__new__(cls)
        value._path = path
        value._stored = ref
        return value

    @property
    def path(self) -> str:
        """The local path; a value read back from a cache hit that was never downloaded has none."""
        if self._path is None:
            raise errors.file_not_local(type(self).__name__, self._stored.key if self._stored else "")
        return self._path

    @property
    def remote_source(self) -> str | None:
        """flytekit's name: where the content is stored (a key of the runtime's store), if anywhere."""
        return self._stored.key if self._stored else None

    @property
    def stored(self) -> StoredRef | None:
        return self._stored

    def download(self) -> str:
        """flytekit's ``download()``: the local path. Values are downloaded when a task's inputs are
        read, before its function runs, so this only returns the path."""
        return self.path

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return self._path or f"<{self.kind} {self.remote_source}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PathValue) or other.kind != self.kind:
            return NotImplemented
        return (self._path, self._stored) == (other._path, other._stored)

    def __hash__(self) -> int:
        return hash((self.kind, self._path, self._stored))

    def digest(self) -> str:
        """SHA-256 of the content: the stored copy's, or computed from the local path."""
        if self._stored is not None:
            return self._stored.sha256
        return hashlib.sha256(pack(self)).hexdigest()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any, info: core_schema.ValidationInfo) -> PathValue:
            if info.mode == "json":
                files = (info.context or {}).get("files")
                return files.load(cls, value) if files is not None else load_default(cls, value)
            return cls._checked(value)

        def serialize(value: PathValue, info: core_schema.SerializationInfo) -> dict[str, str]:
            files = (info.context or {}).get("files")
            return files.dump(value) if files is not None else dump_default(value)

        return core_schema.with_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                serialize, info_arg=True, when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "object", "title": cls.__qualname__, FILE_SCHEMA_KEY: cls.kind}

    @classmethod
    def _checked(cls, value: Any) -> PathValue:
        """A value of this family as it is, or a local path turned into one (it must exist)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, PathValue):
            raise errors.not_a_path_value(cls.__name__, cls.kind, type(value).__name__)
        if not isinstance(value, (str, os.PathLike)):
            raise errors.not_a_path_value(cls.__name__, cls.kind, type(value).__qualname__)
        path = os.fspath(value)
        if not (os.path.isdir(path) if cls.kind == "directory" else os.path.isfile(path)):
            raise errors.no_such_path(cls.kind, str(path))
        return cls(path)

    def content_name(self) -> str:
        """The name a copy keeps: the file's or folder's own."""
        return os.path.basename(os.path.normpath(self.path)) or self.kind


class FlyteFile(PathValue):
    """flytekit's ``FlyteFile``: ``open(ff)``, ``ff.path``, ``ff.download()``, ``ff.open(mode)``."""

    __slots__ = ()
    kind: ClassVar[str] = "file"

    @classmethod
    def new_remote_file(cls, name: str | None = None) -> FlyteFile:
        """A new, empty file to write (``ff.open("w")``) and return. flytekit gives it a remote path
        at once; here it is a path in the task's working directory, uploaded when the task returns it."""
        folder = current_context().working_directory
        path = os.path.join(folder, name or os.urandom(8).hex())
        open(path, "ab").close()
        return cls(path)

    def open(self, mode: str = "rb", **kwargs: Any) -> IO[Any]:
        return open(self.path, mode, **kwargs)


class FlyteDirectory(PathValue):
    """flytekit's ``FlyteDirectory``: a folder, travelling whole (a tar of its files) between tasks."""

    __slots__ = ()
    kind: ClassVar[str] = "directory"

    @classmethod
    def new_remote(cls) -> FlyteDirectory:
        """A new, empty folder in the task's working directory, uploaded when the task returns it."""
        return cls(local_folder("dir-", current_context().working_directory))

    def listdir(self) -> list[str]:
        return sorted(os.listdir(self.path))


def dump_default(value: PathValue) -> dict[str, str]:
    """Without a transport: the stored copy if there is one, else the local path, unchanged."""
    if value.stored is not None:
        return value.stored.to_json()
    return {"path": value.path}


def load_default(cls: type[PathValue], data: object) -> PathValue:
    """Without a transport (a local run, the spec's constants, a cache entry): as written."""
    ref = stored_ref(data)
    if ref is not None:
        return cls.from_store(ref, None)
    return cls(local_path(data))


def stored_ref(data: object) -> StoredRef | None:
    """The stored copy a JSON form names, None for a local path, ValueError for anything else."""
    if isinstance(data, Mapping) and set(data) == {"blob", "sha256"}:
        key, sha = data["blob"], data["sha256"]
        if isinstance(key, str) and isinstance(sha, str):
            return StoredRef(key, sha)
    if isinstance(data, Mapping) and set(data) == {"path"} and isinstance(data["path"], str):
        return None
    raise errors.bad_file_json(data)


def local_path(data: object) -> str:
    if isinstance(data, Mapping) and isinstance(data.get("path"), str):
        return str(data["path"])
    raise errors.bad_file_json(data)


class _Digests:
    """For cache keys: a file value is its content's digest, wherever it lives (a path differs per
    run and a store key per upload, so neither would ever hit)."""

    def dump(self, value: PathValue) -> dict[str, str]:
        return {"sha256": value.digest()}

    def load(self, cls: type[PathValue], data: object) -> PathValue:
        raise errors.bad_file_json(data)


class _NoFiles:
    """For values from outside the runtime (a DAG run's conf): no file may come from there, neither
    a path on a worker nor a key of the store."""

    def dump(self, value: PathValue) -> dict[str, str]:
        raise errors.file_from_outside()

    def load(self, cls: type[PathValue], data: object) -> PathValue:
        raise errors.file_from_outside()


DIGESTS: FileTransport = _Digests()
NO_FILES: FileTransport = _NoFiles()


def pack(value: PathValue) -> bytes:
    """The content of a value as bytes: the file, or a tar of the folder that is the same for the
    same files (sorted, no times, owners or modes beyond the executable bit)."""
    if value.kind == "file":
        with open(value.path, "rb") as handle:
            return handle.read()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT, dereference=True) as tar:
        for full, arcname in _tree(value.path):
            info = tar.gettarinfo(full, arcname)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            info.mode = 0o755 if info.isdir() or info.mode & 0o100 else 0o644
            if info.isfile():
                with open(full, "rb") as handle:
                    tar.addfile(info, handle)
            else:
                tar.addfile(info)
    return buffer.getvalue()


def _tree(root: str) -> Iterator[tuple[str, str]]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + names):
            full = os.path.join(folder, name)
            yield full, os.path.relpath(full, root)


def unpack(kind: str, data: bytes, folder: str, name: str) -> str:
    """Write content (already checked against its digest) as ``folder/name``; returns that path.

    A folder's tar is extracted with the ``data`` filter: no absolute or ``..`` member names, no
    links out of the folder, no devices, so even a tar we did not write stays inside ``folder``.
    """
    target = os.path.join(folder, name)
    if kind == "file":
        with open(target, "wb") as handle:
            handle.write(data)
        return target
    os.makedirs(target)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError):
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target
