"""The published forms are valid XForms for ODK Collect (checked with ODK Validate)."""

import shutil

import pytest
from pyxform import xls2xform

from himoya.fieldcapture import odkcrypto, publishing

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate runs on Java")
def test_every_form_passes_odk_validate():
    _private, public = odkcrypto.new_key_pair()
    for form in publishing.published_forms():
        definition, _version = publishing._definition(form)
        definition["settings"][0].update(version="2026120500", public_key=public)
        warnings: list[str] = []
        # Raises PyXFormError with JavaRosa's message if Collect could not load the form.
        xml = xls2xform.convert(definition, form_name="data", validate=True, warnings=warnings)
        assert f'base64RsaPublicKey="{public}"' in xml.xform


def test_publishing_again_without_a_change_keeps_the_version():
    first = publishing.current_versions()
    again = publishing.current_versions()
    assert [v.pk for v in first] == [v.pk for v in again]
    assert len({v.public_key for v in first}) == 3  # a key pair per form version
