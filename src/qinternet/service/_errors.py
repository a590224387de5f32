"""The one exception the service layer raises: an HTTP status, a field and a message."""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """A request the service refuses: ``status`` (4xx, or 503), the offending ``field``."""

    def __init__(self, status: int, field: str | None, detail: str) -> None:
        super().__init__(status, field, detail)
        self.status = status
        self.field = field
        self.detail = detail

    def __str__(self) -> str:
        return self.detail
