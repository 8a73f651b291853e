"""The national linkage officer's review of candidate pairs (compared fields, no names)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.access import policy, roles
from himoya.cases.models import Person
from himoya.linkage import actions, candidates
from himoya.linkage.models import LinkageModel


def _registered_year(person: Person) -> int | None:
    dates = [c.registered_on for c in person.cases.all()]
    return min(dates).year if dates else None


def _side(person: Person) -> dict:
    return {
        "person": person,
        "kind": person.organisation.get_kind_display(),
        "year": _registered_year(person),
    }


@login_required
def queue(request):
    """List the candidate pairs: organisation kinds and registration years only."""
    policy.require(request.user, roles.LINK_PERSONS, request=request)
    page, total = 1, None
    if LinkageModel.current() is not None:
        # The model's queue can hold thousands of pairs: a page at a time.
        raw = request.GET.get("page", "1")
        page = min(int(raw), 10**6) if raw.isdigit() and int(raw) > 0 else 1
        pairs, total = candidates.scored_pairs(page)
    else:
        pairs = candidates.candidate_pairs()
    rows = [{"pair": p, "first": _side(p.first), "second": _side(p.second)} for p in pairs]
    linked = [
        {"first": _side(a), "second": _side(b), "ids": (a.pk, b.pk)}
        for a, b in candidates.linked_pairs()
    ]
    pages = -(-total // candidates.PAGE_SIZE) if total else 1
    return render(
        request,
        "linkage/queue.html",
        {"rows": rows, "linked": linked, "page": page, "pages": pages, "total": total},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair(request, first: int, second: int):
    """Compare two records side by side; reveal names (audited), confirm, reject or unlink."""
    policy.require(request.user, roles.LINK_PERSONS, request=request)
    persons = Person.objects.select_related("organisation").in_bulk([first, second])
    if first >= second or len(persons) != 2:
        raise Http404
    a, b = persons[first], persons[second]
    found = candidates.queued_pair(a, b)
    linked = candidates.linked_together(a, b)
    if found is None and not linked:
        raise Http404
    names = None
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "reveal":
                actions.do_reveal_pair_names(a, b, acting_user=request.user, request=request)
                names = (a.full_name(), b.full_name())
            elif step == "confirm" and not linked:
                actions.do_confirm_pair(a, b, acting_user=request.user, request=request)
                messages.success(request, _("The two records are now linked as one person."))
                return redirect("linkage_queue")
            elif step == "reject" and not linked:
                actions.do_reject_pair(a, b, acting_user=request.user, request=request)
                messages.success(request, _("The pair is marked as two different people."))
                return redirect("linkage_queue")
            elif step == "unlink" and linked:
                actions.do_unlink_person(b, acting_user=request.user, request=request)
                messages.success(request, _("The link was undone."))
                return redirect("linkage_queue")
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    shared = candidates.shared_name_count(a, b)
    return render(
        request,
        "linkage/pair.html",
        {
            "first": _side(a),
            "second": _side(b),
            "shared": shared,
            "linked": linked,
            "names": names,
            "birth_same_date": a.date_of_birth is not None,
        },
    )


@login_required
@require_POST
def dismiss_duplicate(request, case_id: int, duplicate_id: int):
    """Dismiss a 'may be a person you already registered' notice of a case."""
    from himoya.access.cases import cases_visible_to
    from himoya.linkage.registration import notices_for

    case = cases_visible_to(request.user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    notice = next((n for n, _c in notices_for(request.user, case) if n.pk == duplicate_id), None)
    if notice is None:
        raise Http404
    policy.require(request.user, roles.CHANGE_CASE, case.organisation, request=request)
    try:
        actions.do_dismiss_possible_duplicate(notice, acting_user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The notice is dismissed: two different people."))
    return redirect("case_detail", case.pk)
