from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Cursor pages: stable while records are added, and no count of a million rows."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering: str | tuple[str, ...] = "-id"


class CasesNewestFirst(NewestFirst):
    ordering = ("-registered_on", "-id")  # as the case list on the page
