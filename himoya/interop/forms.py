from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.interop import tabular

FORMAT_CHOICES = [
    ("htcds", _("HTCDS spreadsheet (XLSX or CSV)")),
    ("ctdc", _("CTDC global data (CSV, XLSX or Feather)")),
    ("xlsform", _("HTCDS XLSForm submissions (ODK/Kobo CSV, XML or zip of XML)")),
]
EXPORT_CHOICES = [
    ("htcds.xlsx", _("HTCDS spreadsheet, XLSX")),
    ("htcds.csv", _("HTCDS spreadsheet, CSV")),
    ("ctdc.csv", _("CTDC global data, CSV")),
    ("ctdc.xlsx", _("CTDC global data, XLSX")),
    ("ctdc.feather", _("CTDC global data, Feather")),
    ("xlsform.csv", _("HTCDS XLSForm submissions, CSV")),
    ("xlsform.zip", _("HTCDS XLSForm submissions, zip of XML instances")),
]
MAX_UPLOAD = 200 * 1024 * 1024


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows even if some rows have problems"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        upload.seek(0)
        sample = upload.read(tabular.SAMPLE)
        upload.seek(0)
        try:
            tabular.check_data(sample, upload)
        except tabular.NotDataError as exc:
            raise forms.ValidationError(str(exc)) from exc
        finally:
            upload.seek(0)
        return upload


class ExportForm(forms.Form):
    target = forms.ChoiceField(label=_("Format"), choices=EXPORT_CHOICES)
