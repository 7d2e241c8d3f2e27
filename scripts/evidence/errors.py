"""One error type for everything a user can get wrong; its message is what the user reads."""


class EvidenceError(Exception):
    """A problem with the project's inputs, reported as one clear message and a non-zero exit."""

    def __init__(self, message: str, *, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
