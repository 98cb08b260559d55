from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}
