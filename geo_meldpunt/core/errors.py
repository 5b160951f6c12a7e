"""Errors that services raise and interfaces turn into clear messages."""


class ApplicationError(Exception):
    """A request that cannot be honoured, with a message for the user.

    `field` names the input the message belongs to, so the API can put it next to that field.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class OutsideTerritory(ApplicationError):
    pass
