"""Errors a use case raises, carrying a Japanese message for the user."""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """Nothing has the id asked for; the web shows its 404 page with the message, the CLI
    prints it and exits non-zero.

    Not a ServiceError on purpose (as Forbidden): a view that shows a ServiceError beside a
    field or as a flashed message lets a missing row through to the one 404 handler without
    a guard. A choice a user made on a form that is no longer there is a ServiceError with
    its field, not a NotFound."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
