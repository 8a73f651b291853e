"""A read-only browser of the code lists: what each code means in Tajik, Russian, English."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from himoya.access import policy, roles
from himoya.core.text import search_fold
from himoya.vocab import registry
from himoya.vocab.titles import title

SEARCH_LIMIT = 100


def _depth(name: str, code: registry.Code) -> int:
    depth, seen = 0, {code.code}
    while code.parent and code.parent not in seen:
        parent = registry.get(name, code.parent)
        if parent is None:
            break
        depth, code = depth + 1, parent
        seen.add(code.code)
    return depth


@login_required
def codelist_list(request):
    """Every code list with its size; `q` finds codes by label in any language."""
    policy.require(request.user, roles.VIEW_ORGANISATION, request=request)
    query = request.GET.get("q", "").strip()
    hits = []
    if query:
        folded = search_fold(query)
        for name in registry.names():
            for code in registry.codelist(name):
                texts = [code.code, *code.labels.values(), *code.extra.get("aliases", [])]
                if any(folded in search_fold(str(t)) for t in texts):
                    hits.append((name, title(name), code))
        hits = hits[:SEARCH_LIMIT]
    lists = sorted(
        ((name, title(name), len(registry.codes(name))) for name in registry.names()),
        key=lambda row: search_fold(row[1]),
    )
    return render(
        request,
        "vocab/codelist_list.html",
        {"lists": lists, "query": query, "hits": hits, "limit": SEARCH_LIMIT},
    )


@login_required
def codelist_detail(request, name):
    """The codes of one list, sub-levels indented under their parents."""
    policy.require(request.user, roles.VIEW_ORGANISATION, request=request)
    if name not in registry.names():
        raise Http404
    rows = [(code, _depth(name, code)) for code in registry.codelist(name)]
    return render(
        request,
        "vocab/codelist_detail.html",
        {"name": name, "title": title(name), "rows": rows},
    )
