"""One page of a list, or the whole list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    limit: int = DEFAULT_PAGE_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


@dataclass(frozen=True)
class PageMetadata:
    total_items: int
    total_pages: int
    current_page: int
    limit: int


@dataclass(frozen=True)
class Page(Generic[Item]):
    """Items of a list; ``metadata`` is None when the whole list was requested."""

    items: list[Item]
    metadata: PageMetadata | None

    @classmethod
    def everything(cls, items: list[Item]) -> Page[Item]:
        return cls(items=items, metadata=None)

    @classmethod
    def of(cls, items: list[Item], total: int, request: PageRequest) -> Page[Item]:
        total_pages = -(-total // request.limit)
        metadata = PageMetadata(total_items=total, total_pages=total_pages,
                                current_page=request.page, limit=request.limit)
        return cls(items=items, metadata=metadata)


def read_page(request: PageRequest | None, count: Callable[[], int],
              fetch: Callable[[int, int | None], list[Item]]) -> Page[Item]:
    """Read the whole list, or the requested page with its metadata.

    ``fetch(offset, limit)`` reads items, where a limit of None means all of them. A page
    past the end skips the item query, so that a huge page number never reaches SQL.
    """
    if request is None:
        return Page.everything(fetch(0, None))
    total = count()
    items = fetch(request.offset, request.limit) if request.offset < total else []
    return Page.of(items, total, request)
