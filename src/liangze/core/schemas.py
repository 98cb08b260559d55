from typing import Any, Literal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


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
