"""One page of a list, or the whole list."""

from __future__ import annotations

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
