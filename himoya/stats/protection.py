"""The one disclosure protection of published figures: the cell-key method.

As in the Australian Bureau of Statistics' TableBuilder and the European census tables,
every record has a fixed pseudo-random key; a cell's key is the sum of the keys of the
records in it, and a published perturbation table turns (count, cell key) into a small
change. The same records always give the same published figure, in whatever table,
period, organisation filter or format they appear, so comparing or subtracting tables
cannot average the noise away.

The change has rare tails (up to ±LARGEST): with a hard ±2 bound, an analyst who found
one subtraction whose noise was +4 and another whose noise was −4 would know a small
figure exactly; with the tails, every published figure is compatible with many true
counts (possible_true_counts), so no combination of figures yields one with certainty.

Guarantee (stated on every page and report): a published figure is within ±2 of the true
count 98 times in 100 and never more than LARGEST away; no figure is published as 1 or 2;
0 stays 0.

Record keys come from the record's id and two secret numbers derived from the project's
secret key, so nobody outside the server can compute them; the database adds up the ids
of a cell and the key is finished here (cell_key).
"""

import hashlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MODULUS = 2_147_483_647  # a prime below 2^31: keys fit 64-bit sums of a million rows
SPREAD = 2  # the usual largest change
WITHIN_SPREAD = 98  # per cent of figures within ±SPREAD
LARGEST = 20  # the largest change ever made
SMALLEST = 3  # no published figure lies between 0 and this

METHOD = _(
    "Figures are protected by the cell-key method: 98 figures in 100 are within ±2 of the "
    "true count and none is more than 20 away; no figure is shown as 1 or 2, 0 stays 0, "
    "and the same records always give the same figure in every table, period and format."
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


# The change, as shares of the key range: 0 with 40 %, ±1 with 20 % each, ±2 with 9 %
# each, and ±3 … ±LARGEST with 1 % each side, halving at every step (mean 0).
_ZERO, _ONE, _TWO = 40, 20, 9  # per cent


def change(u: int) -> int:
    """The change for a key `u` in [0, MODULUS)."""
    zero = MODULUS * _ZERO // 100
    if u < zero:
        return 0
    side = (MODULUS - zero) // 2
    rest = u - zero
    sign = 1 if rest < side else -1
    w = rest % side if rest < 2 * side else side - 1
    one, two = side * _ONE // 30, side * (_ONE + _TWO) // 30
    if w < one:
        return sign
    if w < two:
        return 2 * sign
    tail = side - two  # halving steps: 3 with half the tail, 4 with a quarter, …
    q = tail // (tail - (w - two))
    return sign * min(3 + q.bit_length() - 1, LARGEST)


def _second(u: int) -> int:
    """A second key from the first, for the choice between 0 and 3 (a Lehmer step)."""
    return u * 48_271 % MODULUS


def perturb(count: int, cell_key: int) -> int:
    """The published figure for a true `count` whose records have key sum `cell_key`."""
    if count <= 0:
        return 0
    u = cell_key % MODULUS
    shown = count + change(u)
    if count >= SMALLEST:
        return 0 if shown <= 0 else max(SMALLEST, shown)
    if shown >= SMALLEST:
        return shown
    # 1 → 3 with probability 1/3, 2 → 3 with 2/3, else 0: the expected value is kept.
    return SMALLEST if _second(u) < MODULUS * count // SMALLEST else 0


def possible_true_counts(published: int) -> range:
    """Every true count the rule can publish as `published` (what an analyst can know)."""
    if published <= 0:
        return range(0, LARGEST + 1)
    if published == SMALLEST:
        return range(1, SMALLEST + LARGEST + 1)
    return range(max(1, published - LARGEST), published + LARGEST + 1)


def protect_ids(ids) -> int:
    """The published count of a cell made of the records with these ids."""
    ids = set(ids)
    return perturb(len(ids), cell_key(sum(ids), len(ids)))


# Figures that are not counts (amounts, medians) are published for a protected viewer
# only when they rest on at least this many records.
MIN_RECORDS_FOR_SUMMARIES = 10
