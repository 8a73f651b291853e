"""The indicator library shipped with Himoya: the national checklist, as data.

`data/national_checklist.json` is built from the ILO's 11 indicators of forced labour, the
ILO–European Commission operational indicators, the UNODC human-trafficking indicator
lists and the HTCDS methods of control. A data migration loads it; organisations copy it
or build their own checklists from the admin pages.
"""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "national_checklist.json"


def national_checklist_data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load_national_checklist(Checklist, ChecklistVersion, Indicator) -> None:
    """Create the national checklist's first version unless it exists (models passed in)."""
    data = national_checklist_data()
    checklist, _ = Checklist.objects.get_or_create(
        organisation=None,
        slug=data["slug"],
        defaults={k: data[k] for k in ("name_tg", "name_ru", "name_en")},
    )
    if ChecklistVersion.objects.filter(checklist=checklist).exists():
        return
    version = ChecklistVersion.objects.create(checklist=checklist, number=1)
    Indicator.objects.bulk_create(Indicator(version=version, **i) for i in data["indicators"])
