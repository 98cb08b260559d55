from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Beyond this the offset overflows SQLite's integer and nobody pages that far anyway.
MAX_PAGE = 1_000_000


class Pagination(PageNumberPagination):
    """Page-number pagination for every API list, with bounded inputs."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=500)
