"""What an import reports: its errors, its problems and the file it read."""

import hashlib
from pathlib import Path

from himoya.interop.validation import RowError

MAX_REPORTED = 1000  # problems kept in a report; the count covers all


class FileLayoutError(ValueError):
    """The file is not in the format it was said to be in."""


class ForeignDataError(ValueError):
    """Most records of the file concern other countries: it is reference data, not cases."""

    def __init__(self, concerning: int, rows: int, country: str):
        super().__init__(f"{concerning} of {rows} records concern {country}")
        self.concerning, self.rows, self.country = concerning, rows, country


def file_hash(path: Path) -> str:
    """A short SHA-256 of a file's bytes, to recognise the same file imported again."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:32]


def note(result: dict, errors: list[RowError]) -> None:
    """Count a batch's problems in the result and keep the first ones to report."""
    result["problems"] += len(errors)
    room = MAX_REPORTED - len(result["errors"])
    result["errors"].extend(e.as_dict() for e in errors[: max(room, 0)])
