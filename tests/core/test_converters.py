"""The type engine: strict validation, no silent coercion, lossless JSON, cloudpickle fallback."""

import dataclasses
import datetime
import enum
import typing

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_dynflow import TypeMismatchError, task
from airflow_dynflow.core.conversion.converters import JsonConverter, PickleConverter, converter_for
from tests import entities as ex


def test_int_is_accepted_for_float_and_arrives_as_float():
    @task
    def kind(x: float) -> str:
        return type(x).__name__

    assert kind(x=3) == "float"


@pytest.mark.parametrize(
    ("declared", "value"),
    [(int, "1"), (int, 1.0), (int, True), (str, 1), (float, "1.5"), (bool, 1), (bool, "true"), (float, True)],
)
def test_no_silent_coercion_between_scalars(declared, value):
    @task
    def f(x: declared) -> None:  # type: ignore[valid-type]
        return None

    with pytest.raises(TypeMismatchError):
        f(x=value)


def test_mismatch_names_task_input_expected_and_actual():
    with pytest.raises(TypeMismatchError, match=r"add: input 'a' expects int, got str \('1'\)"):
        ex.add(a="1", b=2)


def test_wrong_output_type_names_the_output():
    @task
    def lies(x: int) -> int:
        return str(x)  # type: ignore[return-value]

    with pytest.raises(TypeMismatchError, match=r"lies: output 'o0' expects int, got str \('1'\)"):
        lies(x=1)


def test_list_element_of_wrong_type_is_refused():
    with pytest.raises(TypeMismatchError, match=r"total: input 'values' expects List\[int\]"):
        ex.total(values=[1, "2"])


def test_dates_enums_and_timedeltas_are_typed_values():
    assert ex.describe(
        when=datetime.date(2024, 1, 2), color=ex.Color.RED, span=datetime.timedelta(seconds=90)
    ) == ("2024-01-02 red 90")


def test_enum_value_is_not_silently_converted_from_str():
    with pytest.raises(TypeMismatchError):
        ex.describe(when=datetime.date(2024, 1, 2), color="red", span=datetime.timedelta(0))


def test_unknown_class_falls_back_to_cloudpickle():
    assert isinstance(converter_for(ex.Opaque), PickleConverter)
    assert ex.opaque_roundtrip(n=4) == 4


def test_pickled_type_is_flagged_in_the_schema():
    assert converter_for(ex.Opaque).schema() == {"x-dynflow-pickle": "tests.entities.Opaque"}


def test_pickled_input_checks_the_instance_type():
    with pytest.raises(TypeMismatchError, match="not an instance of Opaque"):
        ex.unwrap(o=5)


def test_dataclass_round_trips_through_json():
    c = converter_for(ex.Point)
    assert isinstance(c, JsonConverter)
    assert c.from_jsonable(c.to_jsonable(ex.Point(1, 2))) == ex.Point(1, 2)


def test_pydantic_model_round_trips_through_json():
    class M(pydantic.BaseModel):
        name: str
        tags: list[str]

    c = converter_for(M)
    assert c.from_jsonable(c.to_jsonable(M(name="a", tags=["x"]))) == M(name="a", tags=["x"])


def test_json_schema_comes_from_the_type():
    assert converter_for(typing.List[int]).schema() == {"items": {"type": "integer"}, "type": "array"}


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclasses.dataclass
class Record:
    when: datetime.datetime
    level: Level
    blob: bytes
    span: datetime.timedelta
    tags: typing.Dict[str, typing.Optional[float]]


_ROUND_TRIP_CASES = [
    (int, st.integers()),
    (float, st.floats(allow_nan=False)),
    (str, st.text()),
    (bool, st.booleans()),
    (bytes, st.binary()),
    (datetime.date, st.dates()),
    (datetime.datetime, st.datetimes()),
    (datetime.timedelta, st.timedeltas()),
    (typing.List[typing.Optional[int]], st.lists(st.one_of(st.none(), st.integers()))),
    (typing.Dict[str, typing.List[str]], st.dictionaries(st.text(), st.lists(st.text()))),
    (typing.Union[int, str], st.one_of(st.integers(), st.text())),
    (typing.Tuple[int, str], st.tuples(st.integers(), st.text())),
]


@pytest.mark.parametrize(("tp", "strategy"), _ROUND_TRIP_CASES, ids=lambda v: str(v)[:30])
def test_json_round_trip_is_lossless(tp, strategy):
    c = converter_for(tp)

    @given(strategy)
    def check(value):
        import json

        data = json.loads(json.dumps(c.to_jsonable(value)))
        assert c.from_jsonable(data) == value

    check()


def test_nested_dataclass_with_bytes_and_enums_round_trips():
    c = converter_for(Record)
    value = Record(
        datetime.datetime(2024, 5, 1, 12), Level.HIGH, b"\xff\x00", datetime.timedelta(hours=1), {"a": None}
    )
    assert c.from_jsonable(c.to_jsonable(value)) == value


@pytest.mark.parametrize(
    "tp", [int, str, list[int], dict[str, list[float]], int | None, typing.Optional[str]]
)
def test_a_plain_type_has_one_converter_per_process(tp):
    assert converter_for(tp) is converter_for(tp)


@pytest.mark.parametrize(
    ("tp", "value"),
    [(typing.Annotated[int, {"unit": "s"}], 1), (list[typing.Annotated[int, {"unit": "s"}]], [1])],
)
def test_an_annotation_that_cannot_be_hashed_still_gets_its_converter(tp, value):
    assert converter_for(tp).validate(value) == value


class _Late(pydantic.BaseModel):
    inner: "_DefinedLater"  # noqa: F821  (defined inside the test below, after the first look)


def test_a_class_gets_a_fresh_converter_so_a_later_definition_is_seen():
    assert isinstance(converter_for(_Late), PickleConverter)

    class _DefinedLater(pydantic.BaseModel):
        x: int

    _Late.model_rebuild(_types_namespace={"_DefinedLater": _DefinedLater})
    assert isinstance(converter_for(_Late), JsonConverter)
