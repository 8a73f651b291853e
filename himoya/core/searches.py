"""Searches kept out of URLs: a form posts its terms, the server keeps them (encrypted, in
the user's session) under an opaque id, and the result page's URL carries only that id.

Names and criminal case numbers typed into a search would otherwise land in web-server
access logs, browser history and Referer headers.
"""

import json
import secrets

from django.http import QueryDict

from himoya.crypto import keys

_SESSION_KEY = "saved_searches"
_KEEP = 20  # searches kept per user session; older ones are forgotten


def save(request, kind: str, data: QueryDict) -> str:
    """Keep a posted search of `kind` for this session; return its opaque id."""
    search_id = secrets.token_urlsafe(12)
    stored = dict(request.session.get(_SESSION_KEY) or {})
    payload = json.dumps({k: data.getlist(k) for k in data if k != "csrfmiddlewaretoken"})
    stored[search_id] = [kind, keys.encrypt(payload, f"search.{kind}")]
    request.session[_SESSION_KEY] = dict(list(stored.items())[-_KEEP:])
    return search_id


def load(request, kind: str, search_id: str) -> QueryDict | None:
    """Return the saved search's terms, or None if it is unknown, expired or of another kind."""
    entry = (request.session.get(_SESSION_KEY) or {}).get(search_id or "")
    if not entry or entry[0] != kind:
        return None
    try:
        values = json.loads(keys.decrypt(entry[1], f"search.{kind}"))
    except (keys.DecryptionError, ValueError):
        return None
    data = QueryDict(mutable=True)
    for k, vs in values.items():
        data.setlist(k, vs)
    return data
