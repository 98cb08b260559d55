"""Domain errors: a stable English `code` for programs and a translated `message` for people.

Views and the API map each class to one HTTP status (see liangze/api.py and core/views.py).
"""


class DomainError(Exception):
    status = 400

    def __init__(self, *, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = {name: str(text) for name, text in (fields or {}).items()}


class NotAuthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    """Visible to the viewer but not changeable by them."""

    status = 403


class NotFound(DomainError):
    """Missing, or outside the viewer's jurisdiction: the two are never told apart."""

    status = 404


class Conflict(DomainError):
    """The state moved under the caller (a double submit, a race)."""

    status = 409


class Throttled(DomainError):
    """Too many attempts: refused for a while, whatever the input."""

    status = 429


class Invalid(DomainError):
    """Input that breaks a rule; `fields` maps each input to its message."""

    status = 422
