"""Roles and what each may do: the one matrix a reviewer reads.

A permission is held *within an organisation*: a caseworker of NGO A may view cases of
NGO A only. Roles marked national act across organisations, but only on aggregates
(statistics) or on the audit log; none of them reveals identities of another
organisation's records.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESPONDER = "responder", _("First-line responder")
    CASEWORKER = "caseworker", _("Caseworker")
    LAWYER = "lawyer", _("Lawyer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    LINKAGE_OFFICER = "linkage_officer", _("National linkage officer")
    SYSTEM_ADMIN = "system_admin", _("System admin")


# Permissions, in the domain's words.
VIEW_ORGANISATION = "view_organisation"  # see the organisation's page and members
MANAGE_USERS = "manage_users"  # add, change, deactivate members of the organisation
VIEW_CASE = "view_case"  # open case records of the organisation
VIEW_OWN_CASE = "view_own_case"  # open only the cases one registered oneself
VIEW_REPRESENTED_CASE = "view_represented_case"  # open only cases one represents
CREATE_CASE = "create_case"
CHANGE_CASE = "change_case"
VIEW_IDENTITY = "view_identity"  # reveal encrypted identity fields (audited)
APPROVE_STATUS = "approve_status"  # approve victim-status decisions and closures
SCREEN = "screen"  # run indicator screenings
HOTLINE = "hotline"  # log hotline contacts
REFER = "refer"  # send and answer referrals, record consent
IMPORT_DATA = "import_data"
EXPORT_DATA = "export_data"
MANAGE_PROCEEDINGS = "manage_proceedings"
VIEW_STATS_ORG = "view_stats_org"  # the organisation's own figures
VIEW_STATS_NATIONAL = "view_stats_national"  # national aggregates, protected (cell key)
VIEW_STATS_EXACT = "view_stats_exact"  # exact national figures: the secretariat's grant
VIEW_AUDIT = "view_audit"
MANAGE_CHECKLISTS = "manage_checklists"
MANAGE_ORGANISATIONS = "manage_organisations"  # create organisations (system-wide)
MANAGE_SERVICES = "manage_services"  # keep the organisation's service-directory entries
LINK_PERSONS = "link_persons"  # decide that records of several bodies are one person
PREPARE_RELEASE = "prepare_release"  # prepare and approve micro-data releases (two people)
MANAGE_PLANS = "manage_plans"  # draft, adopt and close action plans; follow up the reports
REPORT_PROGRESS = "report_progress"  # report on the organisation's own plan activities

R = Role
MATRIX: dict[str, frozenset[str]] = {
    R.RESPONDER: frozenset(
        {VIEW_ORGANISATION, VIEW_OWN_CASE, CREATE_CASE, SCREEN, HOTLINE, VIEW_IDENTITY}
    ),
    R.CASEWORKER: frozenset(
        {
            VIEW_ORGANISATION,
            VIEW_CASE,
            CREATE_CASE,
            CHANGE_CASE,
            VIEW_IDENTITY,
            SCREEN,
            HOTLINE,
            REFER,
            IMPORT_DATA,
            EXPORT_DATA,
            VIEW_STATS_ORG,
        }
    ),
    R.LAWYER: frozenset(
        {VIEW_ORGANISATION, VIEW_REPRESENTED_CASE, VIEW_IDENTITY, MANAGE_PROCEEDINGS}
    ),
    R.SUPERVISOR: frozenset(
        {
            VIEW_ORGANISATION,
            VIEW_CASE,
            CREATE_CASE,
            CHANGE_CASE,
            VIEW_IDENTITY,
            SCREEN,
            HOTLINE,
            REFER,
            IMPORT_DATA,
            EXPORT_DATA,
            VIEW_STATS_ORG,
            APPROVE_STATUS,
            MANAGE_PROCEEDINGS,
            MANAGE_CHECKLISTS,
            MANAGE_SERVICES,
            REPORT_PROGRESS,
        }
    ),
    R.ORG_ADMIN: frozenset(
        {
            VIEW_ORGANISATION,
            MANAGE_USERS,
            VIEW_CASE,
            VIEW_STATS_ORG,
            APPROVE_STATUS,
            MANAGE_CHECKLISTS,
            IMPORT_DATA,
            EXPORT_DATA,
            VIEW_AUDIT,
            MANAGE_SERVICES,
            REPORT_PROGRESS,
        }
    ),
    R.NATIONAL_COORDINATOR: frozenset(
        {
            VIEW_ORGANISATION,
            VIEW_STATS_NATIONAL,
            VIEW_STATS_ORG,
            MANAGE_PLANS,
            REPORT_PROGRESS,
            PREPARE_RELEASE,
            VIEW_STATS_EXACT,
        }
    ),
    R.ANALYST: frozenset({VIEW_ORGANISATION, VIEW_STATS_NATIONAL}),
    R.AUDITOR: frozenset({VIEW_ORGANISATION, VIEW_AUDIT}),
    R.LINKAGE_OFFICER: frozenset({VIEW_ORGANISATION, LINK_PERSONS}),
    R.SYSTEM_ADMIN: frozenset({VIEW_ORGANISATION, MANAGE_USERS, MANAGE_ORGANISATIONS, VIEW_AUDIT}),
}

# Roles whose permissions reach beyond their own organisation.
NATIONAL_ROLES = frozenset({R.NATIONAL_COORDINATOR, R.ANALYST, R.SYSTEM_ADMIN, R.LINKAGE_OFFICER})
# Auditors of the national commission (an organisation of kind "ministry" flagged as
# national) see every organisation's audit events; others see their own.
