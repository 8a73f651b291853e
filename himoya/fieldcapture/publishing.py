"""Publish the forms: a new encrypted FormVersion whenever what a form is built from changes."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from pyxform import xls2xform

from himoya.fieldcapture import odkcrypto, xlsform
from himoya.fieldcapture.models import FormVersion, PublishedForm
from himoya.screening.library import national_checklist_data
from himoya.screening.models import Checklist

Kind = PublishedForm.Kind
FORM_IDS = {
    Kind.SCREENING: "himoya_screening",
    Kind.HOTLINE: "himoya_hotline",
    Kind.REGISTRATION: "himoya_registration",
}


def _national_checklist() -> Checklist | None:
    slug = national_checklist_data()["slug"]
    return Checklist.objects.filter(organisation=None, slug=slug).first()


def _definition(form: PublishedForm):
    """Return (XLSForm dict, checklist version) for the form as it should be now."""
    if form.kind == Kind.SCREENING:
        checklist = form.checklist or _national_checklist()
        version = checklist.current_version() if checklist else None
        if version is None:
            return None, None
        return xlsform.screening(version, form.form_id), version
    if form.kind == Kind.REGISTRATION:
        return xlsform.registration(form.form_id), None
    return xlsform.hotline(form.form_id), None


def _version_label(form: PublishedForm) -> str:
    # Numeric and growing, as Collect and Briefcase expect: date and time of publication,
    # then a counter that keeps two versions of one second apart.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    n = form.versions.filter(version__startswith=stamp).count()
    return f"{stamp}{n:02d}"


@transaction.atomic
def publish(form: PublishedForm) -> FormVersion | None:
    """Return the form's current version, publishing a new one if its source changed."""
    definition, checklist_version = _definition(form)
    if definition is None:
        return None
    source = hashlib.sha256(
        json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    current = form.current_version()
    if current is not None and current.source == source:
        return current
    PublishedForm.objects.select_for_update().get(pk=form.pk)
    current = form.current_version()
    if current is not None and current.source == source:
        return current
    private_pem, public_b64 = odkcrypto.new_key_pair()
    version = _version_label(form)
    definition["settings"][0].update(version=version, public_key=public_b64)
    xml = xls2xform.convert(definition, form_name="data").xform
    if checklist_version is not None and not checklist_version.is_frozen:
        # The phone will screen with this version: it may no longer change in place.
        checklist_version.frozen_at = timezone.now()
        checklist_version.save(update_fields=["frozen_at"])
    return FormVersion.objects.create(
        form=form,
        version=version,
        source=source,
        checklist_version=checklist_version,
        xform=xml,
        md5=hashlib.md5(xml.encode("utf-8")).hexdigest(),
        public_key=public_b64,
        private_key=private_pem,
    )


def published_forms() -> list[PublishedForm]:
    """Return the three forms, creating their rows on first use."""
    forms = []
    for kind, form_id in FORM_IDS.items():
        form, _ = PublishedForm.objects.get_or_create(form_id=form_id, defaults={"kind": kind})
        forms.append(form)
    return forms


def current_versions() -> list[FormVersion]:
    """Return the current version of every open form, publishing where the source changed."""
    out = []
    for form in published_forms():
        if form.is_open and (version := publish(form)) is not None:
            out.append(version)
    return out
