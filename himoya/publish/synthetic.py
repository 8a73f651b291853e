"""Differentially private synthetic micro-data with pac-synth (Microsoft's aggregate-seeded
synthesizer, the method of CTDC's 2022 release).

The synthesizer measures the counts of every combination of up to `reporting_length`
attributes with (ε, δ)-differential privacy, then builds records that reproduce them. The
DP counts are published beside the records.
"""

from dataclasses import dataclass

import pacsynth
import pandas as pd

from himoya.publish.kanon import as_text

DELIMITER = ";"


@dataclass
class Synthetic:
    data: pd.DataFrame
    aggregates: dict[str, int]
    dp_records: int


def synthesise(
    raw: pd.DataFrame,
    *,
    epsilon: float,
    delta: float | None = None,
    reporting_length: int = 3,
    seed_threads: int = 1,
) -> Synthetic:
    """Fit the DP aggregates of `raw` and sample synthetic records from them."""
    columns = list(raw.columns)
    text = pd.DataFrame({c: as_text(raw[c]) for c in columns})
    records = [columns, *text.astype(str).values.tolist()]
    pacsynth.set_number_of_threads(seed_threads)
    dataset = pacsynth.Dataset(records, sensitive_zeros=columns)
    builder = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(reporting_length)
        .epsilon(float(epsilon))
    )
    if delta is not None:
        builder = builder.delta(float(delta))
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(builder.build())
    synthesizer.fit(dataset)
    sampled = synthesizer.sample()
    data = pd.DataFrame(sampled[1:], columns=sampled[0])[columns]
    return Synthetic(
        data=data,
        aggregates=synthesizer.get_dp_aggregates(DELIMITER),
        dp_records=int(synthesizer.get_dp_number_of_records()),
    )
