"""What a release protects and what it keeps: re-identification counts and utility."""

from itertools import combinations

import pandas as pd

from himoya.publish.kanon import Result, as_text, class_sizes, generalise_like


def reidentification(register: pd.DataFrame, result: Result, qis: list[str]) -> dict:
    """For every published record, how many register persons it could be."""
    if result.data.empty:
        return {"min": 0, "records": 0}
    general = generalise_like(register, result, qis)
    sizes = general.groupby(qis, dropna=False).size().rename("candidates").reset_index()
    joined = result.data[qis].merge(sizes, on=qis, how="left")
    candidates = joined["candidates"].fillna(0).astype(int)
    return {
        "min": int(candidates.min()),
        "median": float(candidates.median()),
        "records": len(candidates),
        "below_k": int((candidates < result.k).sum()),
    }


# Relative errors are measured on cells of at least this many register persons: on a cell
# of 1 or 2 any protection makes a relative error of 50-100 %, which says nothing useful.
MIN_CELL = 10


def _errors(real: pd.Series, published: pd.Series) -> list[float]:
    out = []
    for key, count in real.items():
        if count >= MIN_CELL:
            out.append(abs(float(published.get(key, 0)) - float(count)) / float(count))
    return out


def utility(register: pd.DataFrame, published: pd.DataFrame, fields: list[str]) -> dict:
    """Mean and largest relative error of one- and two-way tables against the register.

    `register` must already be at the release's level of generalisation (for k-anonymous
    files) or as recorded (for synthetic data); cells are the register's non-empty ones.
    """
    reg = pd.DataFrame({c: as_text(register[c]) for c in fields})
    pub = pd.DataFrame({c: as_text(published[c]) for c in fields})
    out = {}
    for width in (1, 2):
        errors: list[float] = []
        for combo in combinations(fields, width):
            cols = list(combo)
            errors += _errors(reg.groupby(cols).size(), pub.groupby(cols).size())
        if errors:
            out[f"{width}way"] = {
                "cells": len(errors),
                "mean": round(sum(errors) / len(errors), 4),
                "max": round(max(errors), 4),
            }
    return out


def smallest_class(frame: pd.DataFrame, qis: list[str]) -> int:
    sizes = class_sizes(frame, qis)
    return int(sizes.min()) if len(sizes) else 0
