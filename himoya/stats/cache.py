"""Look-ups that the figures of one page or report share while they are counted."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_shared: ContextVar[dict | None] = ContextVar("himoya_stats_shared", default=None)


@contextmanager
def shared_scans() -> Iterator[None]:
    """Let every indicator counted inside share the look-ups that do not depend on it."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared_cache() -> dict | None:
    """What the figures counted inside `shared_scans()` share (None outside it)."""
    return _shared.get()
