"""What every app's API routes share: bounded paging and the capability check."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination

from praja.base.access import has_capability

MAX_PAGE = 1000
MAX_OFFSET = 10_000_000


class BoundedPagination(LimitOffsetPagination):
    """limit/offset paging whose numbers stay within what every database accepts (else 422, never 500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def require(request: HttpRequest, capability: str) -> None:
    """403 unless the signed-in person holds `capability`."""
    if not has_capability(request, capability):
        raise HttpError(403, f"missing capability {capability}")
