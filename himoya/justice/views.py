import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from himoya.access import justice as access
from himoya.access import policy, roles
from himoya.access.cases import cases_visible_to
from himoya.audit.actions import Action, record
from himoya.core import searches
from himoya.justice import actions, forms, queries
from himoya.justice.models import Proceeding, case_number_key
from himoya.organisations.models import Organisation
from himoya.stats import periods, protection
from himoya.vocab import registry


def _proceeding(request, pk) -> Proceeding:
    return policy.get_or_404(access.proceedings_visible_to(request.user), pk=pk)


def _refuse(form, exc: ValidationError) -> None:
    """Put an action's refusal on the form, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _run(form, action, *args, **kwargs):
    """Call an action; on refusal put its message on the form and return None."""
    try:
        return action(*args, **kwargs)
    except ValidationError as exc:
        _refuse(form, exc)
        return None


@login_required
def proceeding_list(request):
    """Proceedings the user may see; the case-number search is posted and kept server-side
    (himoya.core.searches) so that a criminal case number never appears in a URL."""
    if request.method == "POST":
        search_id = searches.save(request, "proceedings", request.POST)
        return redirect(f"{reverse('proceeding_list')}?{urlencode({'search': search_id})}")
    proceedings = access.proceedings_visible_to(request.user).prefetch_related("articles")
    number = ""
    if request.GET.get("search"):
        data = searches.load(request, "proceedings", request.GET["search"])
        if data is None:
            return redirect("proceeding_list")
        number = data.get("number", "").strip()[:100]
    if number:
        proceedings = proceedings.filter(case_number_index=case_number_key(number))
    can_open = _organisations_for_opening(request.user).exists()
    return render(
        request,
        "justice/proceeding_list.html",
        {"proceedings": proceedings[:200], "number": number, "can_open": can_open},
    )


def _organisations_for_opening(user):
    return Organisation.objects.filter(
        pk__in=policy.org_ids_with(user, roles.MANAGE_PROCEEDINGS), is_active=True
    )


@login_required
def proceeding_create(request):
    organisations = _organisations_for_opening(request.user)
    if not organisations.exists():
        policy.require(request.user, roles.MANAGE_PROCEEDINGS, request=request)
    form = forms.ProceedingForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proceeding = _run(
            form,
            actions.do_open_proceeding,
            data["organisation"],
            kind=data["kind"],
            case_number=data["case_number"],
            opened_on=data["opened_on"],
            articles=data["articles"],
            court=data["court"],
            acting_user=request.user,
        )
        if proceeding:
            messages.success(request, _("The proceeding was opened."))
            return redirect("proceeding_detail", pk=proceeding.pk)
    return render(request, "justice/proceeding_form.html", {"form": form})


@login_required
def proceeding_detail(request, pk):
    proceeding = _proceeding(request, pk)
    visible_cases = set(
        cases_visible_to(request.user)
        .filter(participations__proceeding=proceeding)
        .values_list("pk", flat=True)
    )
    referred_cases = set(
        access.cases_addable_to(request.user, proceeding)
        .filter(participations__proceeding=proceeding)
        .values_list("pk", flat=True)
    )
    participations = list(
        proceeding.participations.select_related("case").prefetch_related("notifications")
    )
    representations = list(proceeding.representations.select_related("lawyer", "organisation"))
    can_manage = access.can_manage(request.user, proceeding)
    represented = set(access.represented_case_ids(request.user).values_list("case_id", flat=True))
    for p in participations:
        p.visible = p.case_id in visible_cases
        p.referred = p.case_id in referred_cases
        p.lawyers = [r for r in representations if r.case_id == p.case_id]
        p.can_notify = can_manage or p.case_id in represented
    return render(
        request,
        "justice/proceeding_detail.html",
        {
            "proceeding": proceeding,
            "stage_changes": proceeding.stage_changes.all(),
            "defendants": proceeding.defendants.select_related("perpetrator"),
            "participations": participations,
            "hearings": proceeding.hearings.all(),
            "can_manage": can_manage,
            "can_work_for_victim": access.can_work_for_victim(request.user, proceeding),
            "can_reveal": policy.has_perm(
                request.user, roles.VIEW_IDENTITY, proceeding.organisation
            ),
        },
    )


@login_required
@require_POST
def proceeding_identity(request, pk):
    """Show the case number and the perpetrators' identities; each reveal is audited."""
    proceeding = _proceeding(request, pk)
    # Identities belong to the investigating agency's record: its members may see them.
    policy.require(request.user, roles.VIEW_IDENTITY, proceeding.organisation, request=request)
    defendants = list(proceeding.defendants.select_related("perpetrator"))
    record(
        Action.VIEW_IDENTITY,
        actor=request.user,
        obj=proceeding,
        fields=["case_number"],
        request=request,
    )
    for d in defendants:
        record(
            Action.VIEW_IDENTITY,
            actor=request.user,
            organisation=proceeding.organisation,
            obj=d.perpetrator,
            fields=["full_name", "birth_date", "identity_document"],
            request=request,
        )
    return render(
        request,
        "justice/proceeding_identity.html",
        {"proceeding": proceeding, "defendants": defendants},
    )


@login_required
def proceeding_articles(request, pk):
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.ArticlesForm(request.POST or None, initial={"articles": proceeding.article_codes})
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_set_articles,
            proceeding,
            articles=form.cleaned_data["articles"],
            acting_user=request.user,
        ):
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Criminal Code articles"))


STEPS = {
    "indict": (actions.do_indict, forms.StepForm),
    "trial": (actions.do_send_to_trial, forms.TrialForm),
    "appeal": (actions.do_appeal, forms.StepForm),
    "dismiss": (actions.do_dismiss, forms.StepForm),
}
STEP_TITLES = {
    "indict": gettext_lazy("Indictment"),
    "trial": gettext_lazy("Sent to court"),
    "appeal": gettext_lazy("Appeal"),
    "dismiss": gettext_lazy("Dismissal"),
}


@login_required
def proceeding_step(request, pk, step):
    """Move a proceeding one stage on (or dismiss it), with the date it happened."""
    if step not in STEPS:
        raise Http404
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    action, form_class = STEPS[step]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(form, action, proceeding, **form.cleaned_data, acting_user=request.user):
            messages.success(request, _("Saved."))
            return redirect("proceeding_detail", pk=pk)
        proceeding.refresh_from_db()
    return _form_page(request, proceeding, form, STEP_TITLES[step])


@login_required
def proceeding_verdict(request, pk):
    """Record the verdict at trial, or the appeal court's decision at appeal."""
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.VerdictForm(request.POST or None, proceeding=proceeding)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = (
            actions.do_decide_appeal
            if proceeding.stage == "appeal"
            else (actions.do_record_verdict)
        )
        if _run(
            form,
            action,
            proceeding,
            on=data["on"],
            outcome=data["outcome"],
            reclassified_to=data["reclassified_to"],
            compensation_ordered=data["compensation_ordered"],
            sentences=form.sentences(),
            acting_user=request.user,
        ):
            messages.success(request, _("The decision was recorded."))
            return redirect("proceeding_detail", pk=pk)
        proceeding.refresh_from_db()
    return render(
        request, "justice/proceeding_verdict.html", {"proceeding": proceeding, "form": form}
    )


@login_required
def proceeding_compensation(request, pk):
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.CompensationForm(
        request.POST or None,
        initial={
            "compensation_ordered": proceeding.compensation_ordered,
            "compensation_paid": proceeding.compensation_paid,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_record_compensation,
            proceeding,
            ordered=form.cleaned_data["compensation_ordered"],
            paid=form.cleaned_data["compensation_paid"],
            acting_user=request.user,
        ):
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Compensation"))


@login_required
def hearing_add(request, pk):
    proceeding = _proceeding(request, pk)
    access.require_victim_side(request.user, proceeding, request=request)
    form = forms.HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_schedule_hearing,
            proceeding,
            **form.cleaned_data,
            acting_user=request.user,
        ):
            messages.success(request, _("The date was added."))
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Hearing or deadline"))


def _victim_cases(request, proceeding):
    return cases_visible_to(request.user).filter(participations__proceeding=proceeding)


@login_required
def perpetrator_add(request, pk):
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.PerpetratorForm(request.POST or None, cases=_victim_cases(request, proceeding))
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_add_perpetrator,
            proceeding,
            **form.cleaned_data,
            acting_user=request.user,
        ):
            messages.success(request, _("The person was added."))
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Suspect or accused person"))


@login_required
def perpetrator_cases(request, pk, defendant_id):
    """Link a perpetrator to the victims' cases in this proceeding."""
    proceeding = _proceeding(request, pk)
    defendant = policy.get_or_404(
        proceeding.defendants.select_related("perpetrator"), pk=defendant_id
    )
    access.require_manage(request.user, proceeding, request=request)
    cases = _victim_cases(request, proceeding)
    perpetrator = defendant.perpetrator
    form = forms.PerpetratorCasesForm(
        request.POST or None,
        cases=cases,
        initial={"cases": perpetrator.cases.filter(pk__in=cases.values("pk"))},
    )
    if request.method == "POST" and form.is_valid():
        # Links to cases outside this proceeding (or out of the user's sight) stay as they are.
        kept = perpetrator.cases.exclude(pk__in=cases.values("pk"))
        actions.do_link_perpetrator_cases(
            perpetrator, cases=[*kept, *form.cleaned_data["cases"]], acting_user=request.user
        )
        return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Victims of this person"))


@login_required
def victim_add(request, pk):
    proceeding = _proceeding(request, pk)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.VictimForm(
        request.POST or None, cases=access.cases_addable_to(request.user, proceeding)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            actions.do_add_victim,
            proceeding,
            data["case"],
            roles=data["roles"],
            protection_measures=data["protection_measures"],
            joined_on=data["joined_on"],
            acting_user=request.user,
        ):
            messages.success(request, _("The victim was added."))
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Victim in the proceeding"))


def _participation(request, pk, participation_id):
    proceeding = _proceeding(request, pk)
    participation = policy.get_or_404(proceeding.participations.all(), pk=participation_id)
    return proceeding, participation


@login_required
def participation_edit(request, pk, participation_id):
    proceeding, participation = _participation(request, pk, participation_id)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.ParticipationForm(
        request.POST or None,
        initial={
            "roles": participation.roles,
            "protection_measures": participation.protection_measures,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_set_protection,
            participation,
            **form.cleaned_data,
            acting_user=request.user,
        ):
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Participation and protection"))


@login_required
def representation_add(request, pk, participation_id):
    proceeding, participation = _participation(request, pk, participation_id)
    access.require_manage(request.user, proceeding, request=request)
    form = forms.RepresentationForm(request.POST or None, case=participation.case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            actions.do_assign_lawyer,
            participation,
            lawyer=data["membership"].user,
            organisation=data["membership"].organisation,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ):
            messages.success(request, _("The lawyer was recorded."))
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("Legal representation"))


@login_required
def representation_end(request, pk, representation_id):
    """Close a representation on a date: the agency, or the lawyer herself."""
    proceeding = _proceeding(request, pk)
    representation = policy.get_or_404(
        proceeding.representations.select_related("organisation"), pk=representation_id
    )
    if representation.lawyer_id != request.user.pk:
        access.require_manage(request.user, proceeding, request=request)
    form = forms.RepresentationEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_end_representation,
            representation,
            ends_on=form.cleaned_data["ends_on"],
            acting_user=request.user,
        ):
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("End of representation"))


@login_required
def notification_add(request, pk, participation_id):
    proceeding, participation = _participation(request, pk, participation_id)
    access.require_notify(request.user, participation, request=request)
    form = forms.NotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            actions.do_log_notification,
            participation,
            **form.cleaned_data,
            acting_user=request.user,
        ):
            return redirect("proceeding_detail", pk=pk)
    return _form_page(request, proceeding, form, _("What the victim was told"))


@login_required
def justice_figures(request):
    """Aggregates for a calendar year: national for coordinators, the agency's own else."""
    agencies = access.statistics_agencies(request.user)
    if agencies is not None and not agencies:
        policy.require(request.user, roles.VIEW_STATS_ORG, request=request)
    today = timezone.localdate()
    error = None
    try:
        year = today.year
        if request.GET.get("year"):
            year = periods.validate(
                periods.year(periods.parse_int(request.GET, "year")), today
            ).start.year
    except periods.PeriodError as exc:
        year, error = today.year, str(exc)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # National figures are protected (cell-key method) unless the exact grant is held.
    protected = agencies is None and not policy.has_perm(request.user, roles.VIEW_STATS_EXACT)
    period = {"start": start, "end": end, "organisation_ids": agencies, "protected": protected}
    persons = queries.persons_by_status(**period)
    for row in persons:
        row["sex_label"] = registry.label("sex", row["sex"])
        row["citizenship_label"] = registry.label("country", row["citizenship"] or "")
    by_article = [
        {
            **row,
            "article_label": registry.label("jus_CriminalCodeArticle", row["article"]),
            "stage_label": registry.label("jus_Stage", row["stage"]),
            "proceedings": row["proceedings"],
        }
        for row in queries.proceedings_by_article_and_stage(**period)
    ]
    return render(
        request,
        "justice/justice_figures.html",
        {
            "year": year,
            "start": start,
            "end": end,
            "national": agencies is None,
            "agencies": Organisation.objects.filter(pk__in=agencies or []),
            "by_article": by_article,
            "persons": persons,
            "sentences": queries.sentences(**period),
            "compensation": queries.compensation(**period),
            "representation": queries.victims_with_representation(**period),
            "median_days": queries.median_days_identification_to_verdict(**period),
            "protected": protected,
            "protection_method": protection.METHOD,
            "min_records": protection.MIN_RECORDS_FOR_SUMMARIES,
            "error": error,
        },
        status=400 if error else 200,
    )


def _form_page(request, proceeding, form, title):
    return render(
        request,
        "justice/proceeding_part_form.html",
        {"proceeding": proceeding, "form": form, "title": title},
    )
