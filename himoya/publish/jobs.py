"""The background work of a release: read the population, protect it, write the files."""

import csv
import hashlib
import io

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
from django.conf import settings
from django.utils import translation

from himoya.core.jobs import job
from himoya.publish import fields as F
from himoya.publish import kanon, measure, population, report, synthetic
from himoya.publish.models import Release, ReleaseFile


def _file(release, kind, name, content: bytes, language: str = "") -> None:
    ReleaseFile.objects.create(
        release=release,
        kind=kind,
        language=language,
        name=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _feather(frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    feather.write_feather(pa.Table.from_pandas(frame.astype(str), preserve_index=False), sink)
    return sink.getvalue()


def dictionary(release: Release) -> bytes:
    """The data dictionary: each published field described in Tajik, Russian and English."""
    out = io.StringIO()
    writer = csv.writer(out)
    languages = [code for code, _name in settings.LANGUAGES]
    writer.writerow(["field", *languages, "quasi_identifier"])
    for field in release.fields:
        texts = []
        for lang in languages:
            with translation.override(lang):
                texts.append(str(F.PUBLISHABLE[field]))
        writer.writerow([field, *texts, int(field in release.quasi_identifiers)])
    return out.getvalue().encode("utf-8")


@job("publish_release")
def prepare(job_row, progress, release_id: int):
    release = Release.objects.get(pk=release_id)
    try:
        return _prepare(release, progress)
    except Exception:
        Release.objects.filter(pk=release.pk).update(state=Release.State.FAILED)
        release.files.all().delete()
        if hasattr(release, "spend"):
            release.spend.delete()  # nothing was published: the budget is not spent
        raise


def _prepare(release: Release, progress) -> dict:
    progress(0, 4, "reading the register")
    rows = population.rows(
        release.period_start, release.period_end, release.statuses, release.border, release.fields
    )
    register = pd.DataFrame(rows, columns=release.fields)
    base = f"release-{release.pk}-v{release.version}"
    measurements: dict = {"persons": len(register)}
    if release.method == Release.Method.KANON:
        progress(1, 4, "generalising and suppressing")
        qis = release.quasi_identifiers
        sensitive = [f for f in F.DEFAULT_SENSITIVE if f in release.fields and f not in qis]
        result = kanon.anonymise(
            register,
            qis,
            release.parameters["k"],
            max_suppressed=release.parameters.get("max_suppressed", 0.05),
            sensitive=sensitive or None,
        )
        published = result.data
        progress(2, 4, "measuring")
        general_register = kanon.generalise_like(register, result, qis)
        others = [f for f in release.fields if f not in qis]
        comparable = pd.concat([general_register, register[others].reset_index(drop=True)], axis=1)[
            release.fields
        ]
        measurements |= {
            "k": result.k,
            "k_achieved": result.smallest_class,
            "l_diversity": result.l_diversity,
            "sensitive": sensitive,
            "levels": result.levels,
            "generalised_values": result.generalised_values,
            "suppressed_records": result.suppressed_records,
            "classes": result.class_count,
            "reidentification": measure.reidentification(register, result, qis),
            "utility": measure.utility(comparable, published, release.fields),
        }
    else:
        progress(1, 4, "synthesising")
        params = release.parameters
        synth = synthetic.synthesise(
            register,
            epsilon=params["epsilon"],
            delta=params.get("delta"),
            reporting_length=params.get("reporting_length", 3),
        )
        published = synth.data
        progress(2, 4, "measuring")
        aggregates = pd.DataFrame(
            sorted(synth.aggregates.items()), columns=["combination", "dp_count"]
        )
        _file(release, ReleaseFile.Kind.AGGREGATES, f"{base}-dp-aggregates.csv", _csv(aggregates))
        measurements |= {
            "dp_records": synth.dp_records,
            "synthetic_records": len(published),
            "utility": measure.utility(register, published, release.fields),
        }
    progress(3, 4, "writing the files")
    _file(release, ReleaseFile.Kind.CSV, f"{base}.csv", _csv(published))
    _file(release, ReleaseFile.Kind.FEATHER, f"{base}.feather", _feather(published))
    _file(release, ReleaseFile.Kind.DICTIONARY, f"{base}-dictionary.csv", dictionary(release))
    release.measurements = measurements
    release.state = Release.State.PREPARED
    release.save(update_fields=["measurements", "state"])
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            pdf = report.to_pdf(release)
        _file(release, ReleaseFile.Kind.REPORT_PDF, f"{base}-report-{lang}.pdf", pdf, lang)
    progress(4, 4, "done")
    from django.urls import reverse

    return {"records": len(published), "next_url": reverse("release_detail", args=[release.pk])}
