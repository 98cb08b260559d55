"""The one API shape of a rate (docs/architecture.md#figures), shared by every endpoint that
returns one, so the OpenAPI document has a single `RateOut`."""

from ninja import Field
from pydantic import field_validator

from liangze.core.schemas import DictOut


class RateOut(DictOut):
    numerator: int
    denominator: int
    percent: str | None = Field(description="2 decimals, rounded half up; null when 0/0.")

    @field_validator("percent", mode="before")
    @classmethod
    def _percent_text(cls, percent) -> str | None:
        """A rate's Decimal percent, from an object or a dict, as its text ("98.57")."""
        return None if percent is None else str(percent)
