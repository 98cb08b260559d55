from typing import Any, Literal

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class DictOut(Schema):
    """An output schema its endpoint fills with plain dicts: a dict (nested ones included) is
    validated by pydantic directly, without ninja's getter, which costs a Python call per field
    and object (most of the time of an answer with hundreds of objects, e.g. the figures of 30
    sub-regions × 13 measures). Anything else (a model, a dataclass) goes through the getter as
    for every Schema. The OpenAPI document is the same."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if isinstance(values, dict):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


def choice_values(choices, *, blank: bool = False) -> list[str]:
    """The values of a TextChoices class (or an iterable of values, e.g. a dict's keys), ""
    first when `blank`."""
    values = [str(v) for v in (choices.values if isinstance(choices, type) else choices)]
    return ["", *values] if blank else values


def choice_field(choices, default: Any = ..., *, blank: bool = False, **kwargs) -> Any:
    """A str field of a schema whose allowed values are listed in the OpenAPI document as an enum
    (docs/architecture.md#the-api). The value is still checked by the service, which refuses
    another one with 422 and its own translated message; `blank` allows "", a None default
    allows null."""
    values: list[Any] = choice_values(choices, blank=blank)
    if default is None:
        values.append(None)
    return Field(default, json_schema_extra={"enum": values}, **kwargs)


def choice_type(choices, *, blank: bool = False) -> Any:
    """A Literal type of the allowed values, for a query parameter that no service checks (a
    filter or a sort would otherwise match nothing, or fall back silently): another value is
    refused with 422, and the OpenAPI document lists the values."""
    return Literal[tuple(choice_values(choices, blank=blank))]
