"""Background job of the linkage app: the model's run over the whole register."""

from django.utils.translation import gettext as _

from himoya.core.jobs import job

RUN_JOB = "linkage.run"


@job(RUN_JOB)
def run_linkage(row, progress):
    from himoya.linkage.actions import do_run_linkage

    progress(0, 1, _("Comparing person records"))
    return do_run_linkage(acting_user=row.user)
