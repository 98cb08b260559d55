"""The one API shape of a rate (docs/architecture.md#figures), shared by every endpoint that
returns one, so the OpenAPI document has a single `RateOut`."""

from ninja import Field, Schema


class RateOut(Schema):
    numerator: int
    denominator: int
    percent: str | None = Field(description="2 decimals, rounded half up; null when 0/0.")

    @staticmethod
    def resolve_percent(obj) -> str | None:
        percent = obj["percent"] if isinstance(obj, dict) else obj.percent
        return None if percent is None else str(percent)
