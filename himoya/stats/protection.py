"""The one disclosure protection of published figures: the cell-key method.

As in the Australian Bureau of Statistics' TableBuilder and the European census tables,
every record has a fixed pseudo-random key; a cell's key is the sum of the keys of the
records in it, and a published perturbation table turns (count, cell key) into a small
change. The same records always give the same published figure, in whatever table,
period, organisation filter or format they appear, so comparing or subtracting tables
cannot average the noise away or undo it; and since a published figure is never 1 or 2,
small counts cannot be read off.

Guarantee (stated on every page and report): a published figure is within ±2 of the true
count; true counts of 1 and 2 are published as 0 or 3; 0 stays 0.

Record keys come from the record's id and two secret numbers derived from the project's
secret key, so nobody outside the server can compute them; the database adds up the ids
of a cell and the key is finished here (cell_key).
"""

import hashlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MODULUS = 2_147_483_647  # a prime below 2^31: keys fit 64-bit sums of a million rows
SPREAD = 2  # the largest change
SMALLEST = 3  # no published figure lies between 0 and this

METHOD = _(
    "Figures are protected by the cell-key method: each is within ±2 of the true count, "
    "true counts of 1 and 2 are shown as 0 or 3, and the same records always give the "
    "same figure in every table, period and format."
)


def _secret_numbers() -> tuple[int, int]:
    digest = hashlib.sha256(("himoya cell key|" + settings.SECRET_KEY).encode()).digest()
    a = int.from_bytes(digest[:4], "big") | 1  # odd, below 2^32
    b = int.from_bytes(digest[4:8], "big")
    return a % MODULUS or 1, b % MODULUS


def cell_key(id_sum: int, rows: int) -> int:
    """The key of a cell whose `rows` records have ids adding up to `id_sum`.

    It equals the sum of the records' own keys (a·id + b) modulo MODULUS; the database only
    adds the ids up (a plain SUM, as cheap as the count), the secret numbers stay here.
    """
    a, b = _secret_numbers()
    return (a * int(id_sum) + b * int(rows)) % MODULUS


# Perturbation by cell key, as cumulative shares of the 256 key values:
# changes −2, −1, 0, +1, +2 with probabilities 0.1, 0.2, 0.4, 0.2, 0.1 (mean 0).
_STEPS = [(26, -2), (77, -1), (179, 0), (230, 1), (256, 2)]


def perturb(count: int, cell_key: int) -> int:
    """The published figure for a true `count` whose records have key sum `cell_key`."""
    if count <= 0:
        return 0
    u = cell_key % 256
    if count < SMALLEST:
        # 1 → 3 with probability 1/3, 2 → 3 with 2/3, else 0: the expected value is kept.
        return SMALLEST if u < 256 * count // SMALLEST else 0
    change = next(d for bound, d in _STEPS if u < bound)
    return max(SMALLEST, count + change)


def protect_ids(ids) -> int:
    """The published count of a cell made of the records with these ids."""
    ids = set(ids)
    return perturb(len(ids), cell_key(sum(ids), len(ids)))


# Figures that are not counts (amounts, medians) are published for a protected viewer
# only when they rest on at least this many records.
MIN_RECORDS_FOR_SUMMARIES = 10
