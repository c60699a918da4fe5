"""Errors a use case raises, carrying a Japanese message for the user."""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """Nothing has the id asked for; the web shows its 404 page with the message."""


class Conflict(ServiceError):
    pass


class TooManyAttempts(ServiceError):
    pass


def too_long(label: str, limit: int) -> str:
    """The message for text over its limit, said the same way by use cases and forms."""
    return f"{label}は{limit}文字以内で入力してください。"


class Forbidden(Exception):
    """The staff member's department or role does not allow this; the web shows 403.

    Not a ServiceError on purpose: a view that shows a ServiceError beside a field must
    never turn a refusal into a form message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
