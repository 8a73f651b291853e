"""Demo cases for `himoya demo`: ten years of synthetic cases across the demo organisations."""

from himoya.access.roles import Role
from himoya.cases import bulk
from himoya.cases.models import Case
from himoya.organisations.models import Membership

# Demo organisations that register cases (the commission and legal aid do not).
REGISTERING = ("madad", "sughd-shelter", "mia", "iom-tj")
SOURCE = "demo"


def registrars(organisations: dict) -> list[bulk.Registrar]:
    orgs = [organisations[slug] for slug in REGISTERING if slug in organisations]
    users: dict = {}
    for m in Membership.objects.filter(
        organisation__in=orgs, role__in=[Role.CASEWORKER, Role.RESPONDER]
    ).order_by("role", "pk"):
        users.setdefault(m.organisation_id, m.user)
    return bulk.registrars_for(orgs, users)


def populate(ctx: dict) -> None:
    count = int(ctx.get("cases", 3000))
    out = ctx.get("stdout")
    if Case.objects.filter(source_key__startswith=f"{SOURCE}:").exists():
        if out:
            out.write("Demo cases are already there.")
        return
    written = bulk.generate(
        count,
        registrars(ctx["organisations"]),
        seed=int(ctx.get("seed", 2026)),
        batch_size=2000,
        source_prefix=SOURCE,
        use_copy=False,
    )
    ctx["cases_written"] = written
    if out:
        out.write(f"{written} demo cases.")
