"""Errors a use case raises, carrying a Japanese message for the user."""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class TooManyAttempts(ServiceError):
    pass
