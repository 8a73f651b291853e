from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.access import screening as access
from himoya.screening import actions, rule
from himoya.screening.forms import (
    ChecklistForm,
    CopyChecklistForm,
    DecisionForm,
    IndicatorForm,
    OpenCaseForm,
    ScreeningStartForm,
)
from himoya.screening.models import Answer, Indicator
from himoya.vocab import registry


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- screenings ----------------------------------------------------------------------


@login_required
def screening_list(request):
    if not policy.has_perm(request.user, roles.VIEW_CASE):
        policy.require(request.user, roles.SCREEN, request=request)
    screenings = (
        access.screenings_visible_to(request.user)
        .select_related("organisation", "screened_by")
        .order_by("-screened_at")[:100]
    )
    return render(
        request,
        "screening/screening_list.html",
        {"screenings": screenings, "can_screen": policy.has_perm(request.user, roles.SCREEN)},
    )


def _hotline_contact(request):
    """The hotline contact a screening starts from (`?contact=`), if the user may see it."""
    contact_id = request.GET.get("contact") or request.POST.get("contact")
    if not contact_id:
        return None
    from himoya.access.hotline import hotline_contacts_visible_to

    return policy.get_or_404(hotline_contacts_visible_to(request.user), pk=contact_id)


@login_required
def screening_start(request):
    contact = _hotline_contact(request)
    org = contact.organisation if contact else policy.first_org_with(request.user, roles.SCREEN)
    if org is None:
        policy.require(request.user, roles.SCREEN, request=request)
    policy.require(request.user, roles.SCREEN, org, request=request)
    form = ScreeningStartForm(request.POST or None, user=request.user, organisation=org)
    if contact is not None and request.method == "GET":
        form.initial["region"] = contact.region or form.fields["region"].initial
    if request.method == "POST" and form.is_valid():
        try:
            screening = actions.do_start_screening(
                org, acting_user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if contact is not None:
                from himoya.hotline.actions import do_link_screening

                do_link_screening(contact, screening, acting_user=request.user)
            return redirect("screening_answers", pk=screening.pk)
    return render(
        request,
        "screening/screening_form.html",
        {"form": form, "organisation": org, "contact": contact},
    )


def _screening(request, pk):
    screening = policy.get_or_404(
        access.screenings_visible_to(request.user).select_related(
            "checklist_version__checklist", "organisation", "screened_by"
        ),
        pk=pk,
    )
    return screening


def _sections(screening, answers):
    """Group the asked questions by section, in checklist order."""
    sections: dict[str, dict] = {}
    for indicator in screening.indicators():
        section = sections.setdefault(
            indicator.section,
            {
                "code": indicator.section,
                "label": registry.label("screening_section", indicator.section),
                "items": [],
            },
        )
        section["items"].append({"indicator": indicator, "answer": answers.get(indicator.code)})
    for section in sections.values():
        section["answered"] = sum(1 for i in section["items"] if i["answer"])
        section["open_count"] = len(section["items"]) - section["answered"]
    return list(sections.values())


@login_required
def screening_answers(request, pk):
    screening = _screening(request, pk)
    policy.require(request.user, roles.SCREEN, screening.organisation, request=request)
    if request.method == "POST":
        answers = {
            i.code: request.POST.get(f"a-{i.code}", "").strip() for i in screening.indicators()
        }
        try:
            actions.do_save_answers(screening, answers, acting_user=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if request.POST.get("stay"):
                messages.success(request, _("Answers saved."))
                return redirect("screening_answers", pk=screening.pk)
            return redirect("screening_detail", pk=screening.pk)
    return render(
        request,
        "screening/screening_answers.html",
        {
            "screening": screening,
            "sections": _sections(screening, screening.answer_map()),
            "values": Answer.Value.choices,
        },
    )


def _explain(screening):
    """Turn the stored rule result into what the page shows: labels and question texts."""
    texts = {i.code: i for i in screening.indicators()}
    result = screening.result or {}
    dims = []
    stored = result.get("dimensions") or {}
    for code in [d for d in rule.DIMENSIONS if d in stored]:
        d = stored[code]
        dims.append(
            {
                "code": code,
                "label": registry.label("screening_dimension", code),
                "state": d["state"],
                "needed": code in result.get("needed", []),
                "because": [texts[c] for c in d["because"] if c in texts],
                "open": len(d["open"]),
                "total": d["total"],
            }
        )
    missing = [texts[c] for c in result.get("missing", []) if c in texts]
    answers = screening.answer_map()
    yes = [i for i in texts.values() if answers.get(i.code) == "yes"]
    danger = [i for i in yes if i.section == "safety"]
    ilo = sorted(
        {c for i in yes for c in i.ilo_indicators}, key=registry.codes("ilo_forced_labour").index
    )
    return {"dimensions": dims, "missing": missing, "danger": danger, "ilo": ilo}


def _case_url(case) -> str:
    try:
        return reverse("case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


@login_required
def screening_detail(request, pk):
    screening = _screening(request, pk)
    form = DecisionForm(
        initial={"decision": screening.decision, "reason": screening.decision_reason}
        if screening.decision
        else None,
        suggested=screening.suggested,
    )
    return _render_detail(request, screening, form)


def _render_detail(request, screening, form, status=200):
    org = screening.organisation
    presumed = (screening.decision or screening.suggested) == rule.PRESUMED_VICTIM
    at_risk = (screening.decision or screening.suggested) == rule.AT_RISK
    contact = getattr(screening, "prevention_contact", None)
    context = {
        "screening": screening,
        "form": form,
        "explain": _explain(screening),
        "can_decide": policy.has_perm(request.user, roles.SCREEN, org),
        "can_open_case": presumed
        and screening.case_id is None
        and policy.has_perm(request.user, roles.CREATE_CASE, org),
        "can_record_prevention": at_risk
        and contact is None
        and policy.has_perm(request.user, roles.SCREEN, org),
        "prevention_contact": contact,
        "case_url": _case_url(screening.case) if screening.case_id else "",
    }
    return render(request, "screening/screening_detail.html", context, status=status)


@login_required
@require_POST
def screening_decide(request, pk):
    screening = _screening(request, pk)
    policy.require(request.user, roles.SCREEN, screening.organisation, request=request)
    form = DecisionForm(request.POST, suggested=screening.suggested)
    if form.is_valid():
        try:
            actions.do_decide(
                screening,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("screening_detail", pk=screening.pk)
    return _render_detail(request, screening, form, status=400)


@login_required
def screening_open_case(request, pk):
    screening = _screening(request, pk)
    policy.require(request.user, roles.CREATE_CASE, screening.organisation, request=request)
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_open_case(
                screening, person=form.person(), acting_user=request.user, request=request
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Case %(reference)s was opened.") % {"reference": case.reference}
            )
            return redirect(_case_url(case) or reverse("screening_detail", args=[screening.pk]))
    return render(
        request,
        "screening/screening_open_case.html",
        {"screening": screening, "form": form, "codes": actions.htcds_codes(screening)},
    )


# --- checklists ----------------------------------------------------------------------


@login_required
def checklist_list(request):
    checklists = access.checklists_visible_to(request.user).select_related("organisation")
    managed = set(access.checklists_managed_by(request.user).values_list("pk", flat=True))
    can_create = policy.has_perm(request.user, roles.MANAGE_CHECKLISTS)
    if not (can_create or policy.has_perm(request.user, roles.SCREEN)):
        policy.require(request.user, roles.MANAGE_CHECKLISTS, request=request)
    rows = [
        {"checklist": c, "version": c.current_version(), "managed": c.pk in managed}
        for c in checklists
    ]
    return render(
        request,
        "screening/checklist_list.html",
        {"rows": rows, "can_create": can_create},
    )


def _managing_org(request):
    org = policy.first_org_with(request.user, roles.MANAGE_CHECKLISTS)
    if org is None:
        policy.require(request.user, roles.MANAGE_CHECKLISTS, request=request)
    return org


@login_required
def checklist_create(request):
    org = _managing_org(request)
    form = ChecklistForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        checklist = actions.do_create_checklist(org, acting_user=request.user, **form.cleaned_data)
        return redirect("checklist_version", pk=checklist.current_version().pk)
    return render(request, "screening/checklist_form.html", {"form": form, "organisation": org})


@login_required
def checklist_copy(request, pk):
    source = policy.get_or_404(access.checklists_visible_to(request.user), pk=pk)
    org = _managing_org(request)
    form = CopyChecklistForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        checklist = actions.do_copy_checklist(
            source, org, slug=form.cleaned_data["slug"], acting_user=request.user
        )
        return redirect("checklist_version", pk=checklist.current_version().pk)
    return render(
        request,
        "screening/checklist_form.html",
        {"form": form, "organisation": org, "source": source},
    )


@login_required
@require_POST
def checklist_set_active(request, pk):
    checklist = policy.get_or_404(access.checklists_visible_to(request.user), pk=pk)
    if checklist.is_national:
        policy.require(request.user, "change_national_checklist", request=request)
    policy.require(
        request.user, roles.MANAGE_CHECKLISTS, checklist.organisation_id, request=request
    )
    actions.do_set_checklist_active(
        checklist, is_active=request.POST.get("is_active") == "1", acting_user=request.user
    )
    return redirect("checklist_list")


@login_required
def checklist_version(request, pk):
    version = policy.get_or_404(
        access.versions_visible_to(request.user).select_related("checklist"), pk=pk
    )
    checklist = version.checklist
    can_edit = not checklist.is_national and policy.has_perm(
        request.user, roles.MANAGE_CHECKLISTS, checklist.organisation_id
    )
    return render(
        request,
        "screening/checklistversion_detail.html",
        {
            "version": version,
            "checklist": checklist,
            "indicators": version.indicators.all(),
            "versions": checklist.versions.all(),
            "is_current": version.is_current(),
            "can_edit": can_edit and version.is_current(),
        },
    )


def _managed_version(request, version):
    if version.checklist.is_national:
        # The national checklist changes through a release of Himoya, not from a page.
        policy.require(request.user, "change_national_checklist", request=request)
    policy.require(
        request.user, roles.MANAGE_CHECKLISTS, version.checklist.organisation_id, request=request
    )
    if not version.is_current():
        raise Http404


@login_required
def indicator_add(request, pk):
    version = policy.get_or_404(
        access.versions_visible_to(request.user).select_related("checklist"), pk=pk
    )
    _managed_version(request, version)
    form = IndicatorForm(request.POST or None, version=version, instance=Indicator(version=version))
    if request.method == "POST" and form.is_valid():
        indicator = actions.do_save_indicator(
            version, data=form.cleaned_data, acting_user=request.user
        )
        _say_if_new_version(request, version, indicator.version)
        return redirect("checklist_version", pk=indicator.version_id)
    return render(request, "screening/indicator_form.html", {"form": form, "version": version})


@login_required
def indicator_edit(request, pk):
    indicator = policy.get_or_404(
        Indicator.objects.filter(version__in=access.versions_visible_to(request.user)), pk=pk
    )
    version = indicator.version
    _managed_version(request, version)
    form = IndicatorForm(request.POST or None, version=version, instance=indicator)
    if request.method == "POST" and form.is_valid():
        # Re-read: the form wrote the posted values onto the instance it validated.
        original = Indicator.objects.get(pk=indicator.pk)
        saved = actions.do_save_indicator(
            version, data=form.cleaned_data, indicator=original, acting_user=request.user
        )
        _say_if_new_version(request, version, saved.version)
        return redirect("checklist_version", pk=saved.version_id)
    return render(
        request,
        "screening/indicator_form.html",
        {"form": form, "version": version, "indicator": indicator},
    )


@login_required
@require_POST
def indicator_remove(request, pk):
    indicator = policy.get_or_404(
        Indicator.objects.filter(version__in=access.versions_visible_to(request.user)), pk=pk
    )
    version = indicator.version
    _managed_version(request, version)
    target = actions.do_remove_indicator(indicator, acting_user=request.user)
    _say_if_new_version(request, version, target)
    return redirect("checklist_version", pk=target.pk)


def _say_if_new_version(request, old, new):
    if old.pk != new.pk:
        messages.info(
            request,
            _("Version %(old)s is in use by screenings, so your change made version %(new)s.")
            % {"old": old.number, "new": new.number},
        )
    else:
        messages.success(request, _("The checklist was saved."))
