import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import cases as access
from himoya.access import policy, roles
from himoya.audit.actions import Action, record
from himoya.cases import actions, codes, queries
from himoya.cases.forms import (
    CaseFilterForm,
    CloseForm,
    DecisionForm,
    PersonForm,
    RejectForm,
    SituationForm,
    StatusForm,
)
from himoya.cases.models import Case, CaseCode, Person, StatusDecision
from himoya.core import searches, sections
from himoya.crypto import keys

STEPS = ("person", "situation", "status")
_DRAFT = "cases_draft"
_DRAFT_CONTEXT = "cases.registration-draft"


def _case_or_404(request, case_id) -> Case:
    """Look the case up in the user's scope: 404 outside, 403 for members without access."""
    try:
        return (
            access.cases_visible_to(request.user)
            .select_related("organisation", "person", "situation")
            .get(pk=case_id)
        )
    except Case.DoesNotExist:
        org_id = Case.objects.filter(pk=case_id).values_list("organisation_id", flat=True).first()
        if org_id is not None and org_id in policy.in_scope(request.user):
            policy.require(request.user, roles.VIEW_CASE, org_id, request=request)
        raise Http404 from None


def _require_any(request, *perms) -> None:
    if not any(policy.has_perm(request.user, p) for p in perms):
        policy.require(request.user, perms[0], request=request)


def _name_search_scope(request, cases, form):
    """Searching by name finds out who is registered: it needs the right to see identities
    in the cases' organisation, and each search is audited (without the name searched)."""
    org_ids = policy.org_ids_with(request.user, roles.VIEW_IDENTITY)
    if not org_ids:
        form.add_error("q", _("Searching by name needs the right to see identities."))
        return cases.none()
    record(
        Action.VIEW_IDENTITY,
        actor=request.user,
        organisation=policy.first_org_with(request.user, roles.VIEW_IDENTITY),
        object_type="cases.person",
        detail="name search",
        request=request,
    )
    return cases.filter(organisation_id__in=org_ids)


@login_required
def case_list(request):
    """List the cases the user may open, with filters and search by name or case number.

    The search form is posted and kept server-side under an opaque id (himoya.core.searches)
    so that names and case numbers never appear in a URL; plain GET filters still work for
    links that carry no identifying term.
    """
    _require_any(request, roles.VIEW_CASE, roles.VIEW_OWN_CASE, roles.VIEW_REPRESENTED_CASE)
    if request.method == "POST":
        search_id = searches.save(request, "cases", request.POST)
        return redirect(f"{reverse('case_list')}?{urlencode({'search': search_id})}")
    search_id = request.GET.get("search", "")
    if search_id:
        data = searches.load(request, "cases", search_id)
        if data is None:
            messages.info(request, _("That search is no longer kept; please search again."))
            return redirect("case_list")
        pager = urlencode({"search": search_id})
    else:
        data = request.GET.copy()
        for name in ("q", "page", "search"):  # a name never comes from a URL
            data.pop(name, None)
        pager = data.urlencode()
        data = data or None
    organisations = access.case_list_organisations(request.user)
    form = CaseFilterForm(data, organisations=organisations)
    cases = access.cases_visible_to(request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    if data and not form.is_valid():
        cases = cases.none()
    if filters.get("q") and not queries.case_reference_in(filters["q"]):
        cases = _name_search_scope(request, cases, form)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), queries.MAX_PAGE)
    found = queries.filter_cases(cases, filters)
    if filters.get("q") and not queries.case_reference_in(filters["q"]):
        rows, has_next, total = queries.small_set_page(found, page)
    else:
        rows, has_next = queries.case_page(found, page)
        total = found.count()
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "cases": rows,
            "total": total,
            "page": page,
            "has_next": has_next,
            "query": pager,
            "show_organisation": len(organisations) > 1,
            "can_register": policy.has_perm(request.user, roles.CREATE_CASE),
        },
    )


# --- registration in steps -----------------------------------------------------------


def _load_draft(request) -> dict:
    stored = request.session.get(_DRAFT)
    if not stored:
        return {}
    try:
        return json.loads(keys.decrypt(stored, _DRAFT_CONTEXT))
    except (keys.DecryptionError, ValueError):
        return {}


def _save_draft(request, draft: dict) -> None:
    # Identity typed into step 1 waits in the session encrypted, never in plain text.
    request.session[_DRAFT] = keys.encrypt(json.dumps(draft), _DRAFT_CONTEXT)


def _as_querydict(data: dict | None) -> QueryDict | None:
    if data is None:
        return None
    qd = QueryDict(mutable=True)
    for key, values in data.items():
        qd.setlist(key, values)
    return qd


def _forms(request, draft: dict, organisations) -> dict:
    return {
        "person": PersonForm(_as_querydict(draft.get("person")), organisations=organisations),
        "situation": SituationForm(_as_querydict(draft.get("situation"))),
        "status": StatusForm(_as_querydict(draft.get("status"))),
    }


@login_required
def case_register(request, step="person"):
    """Register a case in three steps: person, trafficking situation, status."""
    _require_any(request, roles.CREATE_CASE)
    if step not in STEPS:
        raise Http404
    organisations = access.organisations_for_registering(request.user)
    if request.GET.get("new") is not None:
        request.session.pop(_DRAFT, None)
    draft = _load_draft(request)
    index = STEPS.index(step)
    if request.method == "POST":
        draft[step] = {k: request.POST.getlist(k) for k in request.POST}
        draft[step].pop("csrfmiddlewaretoken", None)
        draft[step].pop("back", None)
        _save_draft(request, draft)
        if request.POST.get("back") and index > 0:
            return redirect("case_register_step", STEPS[index - 1])
        form = _forms(request, draft, organisations)[step]
        if form.is_valid():
            if step != STEPS[-1]:
                return redirect("case_register_step", STEPS[index + 1])
            case = _register_from_draft(request, draft, organisations)
            if case is not None:
                return redirect("case_detail", case.pk)
            forms = _forms(request, draft, organisations)
            bad = next((n for n in STEPS if not forms[n].is_valid()), step)
            if bad != step:
                return redirect("case_register_step", bad)
            form = forms[step]
    else:
        form = _forms(request, draft, organisations)[step]
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "step": step,
            "step_number": index + 1,
            "steps": len(STEPS),
            "is_last": step == STEPS[-1],
        },
    )


def _register_from_draft(request, draft, organisations) -> Case | None:
    """Validate every step again and register; send the user to the first bad step."""
    forms = _forms(request, draft, organisations)
    for name in STEPS:
        if not forms[name].is_valid():
            messages.error(request, _("Please check this step."))
            return None
    person_form, situation, status = forms["person"], forms["situation"], forms["status"]
    organisation = next(
        o for o in organisations if o.pk == person_form.cleaned_data["organisation"]
    )
    policy.require(request.user, roles.CREATE_CASE, organisation, request=request)
    identified_on = status.cleaned_data.get("identified_on") or timezone.localdate()
    try:
        case = actions.do_register_case(
            organisation,
            acting_user=request.user,
            person=person_form.person_data(identified_on),
            case={**situation.case_data(), "identified_on": status.cleaned_data["identified_on"]},
            situation=situation.situation_data(),
            multi=situation.multi_data(),
            status=status.status_data(),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    request.session.pop(_DRAFT, None)
    messages.success(request, _("Case %(ref)s registered.") % {"ref": case.reference})
    return case


# --- one case ------------------------------------------------------------------------


def case_sections(request, case) -> list:
    """Collect the panels other apps add to a case page (`case_section` on AppConfig)."""
    return sections.collect("case_section", request, case)


def _detail_context(request, case, identity=False) -> dict:
    situation = getattr(case, "situation", None)
    case_codes = list(case.codes.all())
    multi = []
    for field in CaseCode.Field:
        values = [c.code for c in case_codes if c.field == field]
        if values:
            list_name = CaseCode.LISTS[field]
            multi.append((field.label, [codes.label(list_name, v) for v in values]))
    user = request.user
    return {
        "sections": case_sections(request, case),
        "case": case,
        "person": case.person,
        "situation": situation,
        "multi": multi,
        "events": case.events.select_related("actor"),
        "pending": case.status_decisions.filter(state=StatusDecision.State.PENDING).first(),
        "identity": identity,
        "labels": {
            "sex": codes.label(codes.SEX, case.sex),
            "citizenship": codes.label(codes.COUNTRY, case.citizenship),
            "region": codes.label(codes.REGION, case.region_of_origin),
            "country": codes.label(codes.COUNTRY, situation.exploitation_country)
            if situation
            else "",
            "decided_by": codes.label(codes.DECIDING_ORG, case.status_decided_by),
            "closure_reason": codes.label(codes.CLOSURE_REASON, case.closure_reason),
        },
        "can_view_identity": access.may_view_identity(user, case),
        "can_change": access.may_change(user, case),
        "can_approve": access.may_approve_status(user, case),
    }


@login_required
def case_detail(request, case_id):
    """The story of a case at a glance; identity stays hidden until asked for."""
    case = _case_or_404(request, case_id)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_identity(request, case_id):
    """Reveal the person's identity fields (audited) and show the case with them."""
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.VIEW_IDENTITY, case.organisation, request=request)
    actions.do_reveal_identity(case.person, acting_user=request.user, case=case, request=request)
    return render(request, "cases/case_detail.html", _detail_context(request, case, True))


DECISIONS = {
    "identify": (DecisionForm, actions.do_identify_victim),
    "not-victim": (DecisionForm, actions.do_decide_not_victim),
    "close": (CloseForm, actions.do_close_case),
}


@login_required
def case_decide(request, case_id, kind):
    """Identify, decide not a victim, or close: applied or sent for approval."""
    if kind not in DECISIONS:
        raise Http404
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.CHANGE_CASE, case.organisation, request=request)
    form_class, action = DECISIONS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = action(case, acting_user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if decision.state == StatusDecision.State.PENDING:
                messages.success(request, _("Sent to a supervisor for approval."))
            else:
                messages.success(request, _("Status changed."))
            return redirect("case_detail", case.pk)
    return render(request, "cases/case_decide.html", {"case": case, "form": form, "kind": kind})


@login_required
def case_person(request, case_id):
    """Correct the person's details: opening the form shows the identity, so it is audited."""
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.VIEW_IDENTITY, case.organisation, request=request)
    policy.require(request.user, roles.CHANGE_CASE, case.organisation, request=request)
    person = case.person
    initial = {name: getattr(person, name) for name in (*Person.IDENTITY_FIELDS, "sex")}
    if not person.date_of_birth and not person.approximate_age:
        initial["approximate_age"] = person.age_at_identification  # as registered
    initial.update(
        organisation=case.organisation_id,
        citizenship=person.citizenship,
        region_of_origin=person.region_of_origin,
        district_of_origin=person.district_of_origin,
    )
    form = PersonForm(request.POST or None, initial=initial, organisations=[case.organisation])
    if request.method != "POST":  # the form shows the identity
        actions.do_reveal_identity(person, acting_user=request.user, case=case, request=request)
    if request.method == "POST" and form.is_valid():
        # Age at identification: as of the person's first case, like the registration.
        first = Case.objects.filter(person=person).order_by("registered_on", "pk").first()
        data = form.person_data(first.identified_on or first.registered_on)
        if not person.approximate_age and initial["approximate_age"] is not None:
            # The age shown was the registered age, not a typed approximate age.
            if data.get("approximate_age") == str(initial["approximate_age"]):
                data.pop("approximate_age")
        saved = _correct(request, form, actions.do_correct_person, person, data=data)
        if saved:
            return redirect("case_detail", case.pk)
    return _correction_page(
        request,
        case,
        form,
        _("Correct the person's details"),
        _(
            "Opening this form showed the identity; that is recorded in the audit log. "
            "Every case of the person follows the correction."
        ),
    )


def _situation_initial(case) -> dict:
    """The situation form's values as recorded (what a correction starts from)."""
    situation = getattr(case, "situation", None)
    initial = {
        "exploitation_began": case.exploitation_began,
        "exploitation_ended": case.exploitation_ended,
    }
    if situation is not None:
        for name in actions.SITUATION_FIELDS:
            initial[name] = getattr(situation, name)
        if situation.cross_border_override is not None:
            initial["cross_border"] = (
                "cross_border" if situation.cross_border_override else "internal"
            )
    recorded = case.codes_by_field()
    for field in SituationForm.MULTI:
        initial[str(field)] = recorded.get(field, [])
    return initial


@login_required
def case_situation(request, case_id):
    """Correct the trafficking situation as more is learned; the form keeps what was typed."""
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.CHANGE_CASE, case.organisation, request=request)
    form = SituationForm(request.POST or None, initial=_situation_initial(case))
    if request.method == "POST" and form.is_valid():
        saved = _correct(
            request,
            form,
            actions.do_correct_situation,
            case,
            case_data=form.case_data(),
            situation=form.situation_data(),
            multi=form.multi_data(),
        )
        if saved:
            return redirect("case_detail", case.pk)
    return _correction_page(
        request,
        case,
        form,
        _("Correct the situation"),
        _(
            "Change what was learned since registration. The audit log and the timeline "
            "record which fields changed, not their values."
        ),
    )


def _correct(request, form, correct, obj, **values) -> bool:
    """Run a correction action; say what it did, or put its refusal on the form."""
    try:
        changed = correct(obj, acting_user=request.user, request=request, **values)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return False
    messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
    return True


def _correction_page(request, case, form, title, help_text):
    context = {"case": case, "form": form, "title": title, "help_text": help_text}
    return render(request, "cases/case_correct.html", context)


@login_required
@require_POST
def case_reopen(request, case_id):
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.CHANGE_CASE, case.organisation, request=request)
    try:
        actions.do_reopen_case(case, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Case reopened."))
    return redirect("case_detail", case.pk)


@login_required
@require_POST
def decision_review(request, case_id, decision_id, verdict):
    """Approve or reject a pending status decision."""
    if verdict not in ("approve", "reject"):
        raise Http404
    case = _case_or_404(request, case_id)
    policy.require(request.user, roles.APPROVE_STATUS, case.organisation, request=request)
    decision = policy.get_or_404(case.status_decisions.all(), pk=decision_id)
    try:
        if verdict == "approve":
            actions.do_approve_status_decision(decision, acting_user=request.user, request=request)
            messages.success(request, _("Decision approved."))
        else:
            form = RejectForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            actions.do_reject_status_decision(
                decision, acting_user=request.user, note=note, request=request
            )
            messages.success(request, _("Decision rejected."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("case_detail", case.pk)
