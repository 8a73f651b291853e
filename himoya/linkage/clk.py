"""Linkage keys across borders: persons as Bloom-filter encodings (CLK) under a shared secret.

Two systems that may not exchange identities (Himoya and another country's register, or
another organisation's database) each encode their persons with the cryptographic
long-term key of Schnell et al. — the bigrams of each name, the positional digit pairs
and the whole of the date of birth, sex and year of birth hashed into one 1024-bit Bloom filter with
keys derived from a secret both sides share — and compare the filters by their Dice
coefficient. clkhash encodes, anonlink matches; nothing else in Himoya imports either.

Names enter in a canonical form that does not depend on the script: every word becomes its
`name_key` (Ҷамшед, Джамшед and Jamshed all give "jamSed"), so a key made from a Tajik
record meets one made from a Russian or Latin one. The schema (clkhash v3) lives in
data/clk-schema-v1.json; a partner without Himoya encodes the same way with clkhash, this
schema and the canonical strings.

A key file is one JSON header line, then one `record id,base64 CLK` line per person. The
header names the format, the schema (id, version and a digest of its text) and a
fingerprint of the secret (an HMAC of a fixed label under the secret, never the secret),
so a file made under another secret or schema is refused before anything is compared.
Record ids are opaque and new for every export: a keyed hash (the blind-index key, which
never leaves Himoya) of the export's random id and the person's id. Nothing needs storing
to turn them back into persons inside Himoya, and nothing outside can: the partner sees
neither the person ids nor the key, and ids of two exports cannot be joined.
"""

import base64
import binascii
import concurrent.futures
import hashlib
import hmac
import io
import json
import multiprocessing
import os
import re
import secrets
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from himoya.cases.names import name_key, name_words
from himoya.crypto.keys import blind_index

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "clk-schema-v1.json"
SCHEMA_ID = "himoya-person-clk"
SCHEMA_VERSION = 1
FILE_FORMAT = "himoya-linkage-keys"
FILE_VERSION = 1
FINGERPRINT_LABEL = b"himoya-linkage-keys/secret-fingerprint/v1"
RECORD_ID_PURPOSE = "linkage.clk.record_id"
MIN_SECRET_CHARS = 16
# Measured by bench/linkage_keys.py on two invented registers of 100,000 (10 % shared) with
# a small pool of names: precision/recall 0.43/0.96 at 0.8 (namesakes born close together),
# 0.89/0.92 at 0.85, 0.99/0.83 at 0.9.
DEFAULT_THRESHOLD = 0.85

_RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EXPORT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_NUMBER = re.compile(r"\d+")
_SEX = {"female": "f", "f": "f", "male": "m", "m": "m"}


class KeyFileError(Exception):
    """A key file cannot be used; the message says why and holds no record content."""


# --- the shared secret and the schema -----------------------------------------------------


def linkage_secret() -> str:
    """Return HIMOYA_LINKAGE_SECRET, or raise ImproperlyConfigured if it is unset or short."""
    secret = getattr(settings, "HIMOYA_LINKAGE_SECRET", "") or ""
    if not secret:
        raise ImproperlyConfigured(
            _("HIMOYA_LINKAGE_SECRET is not set: both sides must set the same shared secret.")
        )
    if len(secret) < MIN_SECRET_CHARS:
        raise ImproperlyConfigured(
            _("HIMOYA_LINKAGE_SECRET must have at least %(count)s characters.")
            % {"count": MIN_SECRET_CHARS}
        )
    return secret


def secret_fingerprint(secret: str) -> str:
    """Return an HMAC of a fixed label under the secret: equal secrets, equal fingerprints."""
    return hmac.new(secret.encode(), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


@cache
def schema_text() -> str:
    """Return the clkhash (v3) schema as a canonical JSON string (what the digest covers)."""
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def schema_dict() -> dict[str, Any]:
    return json.loads(schema_text())


def schema_digest() -> str:
    return "sha256:" + hashlib.sha256(schema_text().encode()).hexdigest()


def schema_header() -> dict[str, Any]:
    return {"id": SCHEMA_ID, "version": SCHEMA_VERSION, "digest": schema_digest()}


def clk_bits() -> int:
    return int(schema_dict()["clkConfig"]["l"])


@cache
def _clkhash_schema():
    from clkhash import schema

    return schema.from_json_dict(schema_dict())


def _anonlink():
    # anonlink reads its version through pkg_resources and uses mypy_extensions.TypedDict,
    # both deprecated: each warns when anonlink is first imported.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import anonlink

    return anonlink


# --- what is encoded ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkageFields:
    """The compared fields of one person, in the canonical form the schema encodes."""

    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    date_of_birth: date | None = None
    sex: str = ""  # "f", "m" or ""
    year_of_birth: int | None = None

    def row(self, record_id: str) -> tuple[str, ...]:
        """Return the record as clkhash reads it, in the schema's column order."""
        born = self.date_of_birth.isoformat() if self.date_of_birth else ""
        return (
            record_id,
            self.given_name,
            self.family_name,
            self.patronymic,
            born,
            born,  # again, as one exact token: near dates match, equal dates match more
            self.sex,
            str(self.year_of_birth) if self.year_of_birth else "",
        )

    def has_full_name(self) -> bool:
        """Tell whether both a given name and a family name are known (else never exported)."""
        return bool(self.given_name and self.family_name)


def canonical_name(*spellings: str) -> str:
    """Return the name's script-independent form: each word's name key, space-separated.

    The first spelling with a usable word wins (the Cyrillic name, else the Latin one).
    """
    for text in spellings:
        keys = [k for k in (name_key(w) for w in name_words(text or "")) if k]
        if keys:
            return " ".join(keys)[:128]
    return ""


def canonical_sex(value: str) -> str:
    return _SEX.get((value or "").strip().lower(), "")


def year_of_birth(date_of_birth: date | None, approximate_age: str, seen_in: int) -> int | None:
    """Return the year of birth: from the date, else from an approximate age when recorded."""
    if date_of_birth:
        return date_of_birth.year
    ages = [int(n) for n in _NUMBER.findall(approximate_age or "")[:2]]
    if not ages or not 0 < sum(ages) / len(ages) < 120:
        return None
    return seen_in - round(sum(ages) / len(ages))


def fields_of_person(person) -> LinkageFields:
    """Return a person's compared fields (decrypts: callers audit the use)."""
    dob = person.date_of_birth if isinstance(person.date_of_birth, date) else None
    seen = person.created_at.year if person.created_at else date.today().year
    return LinkageFields(
        given_name=canonical_name(person.given_name, person.given_name_latin),
        family_name=canonical_name(person.family_name, person.family_name_latin),
        patronymic=canonical_name(person.patronymic, person.patronymic_latin),
        date_of_birth=dob,
        sex=canonical_sex(person.sex),
        year_of_birth=year_of_birth(dob, person.approximate_age, seen),
    )


# --- encoding -----------------------------------------------------------------------------


def encode(records: Sequence[LinkageFields], secret: str, *, workers: int | None = 1) -> list[str]:
    """Return the base64 CLK of each record under the secret (clkhash, our schema)."""
    if not records:
        return []
    from clkhash.clk import generate_clks
    from clkhash.serialization import serialize_bitarray

    rows = [fields.row(str(i)) for i, fields in enumerate(records)]
    clks = generate_clks(rows, _clkhash_schema(), secret, validate=True, max_workers=workers)
    return [serialize_bitarray(clk) for clk in clks]


def decode_clk(b64: str):
    """Return a base64 CLK as a bitarray."""
    from bitarray import bitarray

    clk = bitarray()
    clk.frombytes(base64.b64decode(b64))
    return clk


def new_export_id() -> str:
    return secrets.token_urlsafe(12)


def record_id(export_id: str, person_id: int) -> str:
    """Return the opaque id of a person in one export (a keyed hash; never the person id)."""
    return blind_index(f"{export_id}:{person_id}", RECORD_ID_PURPOSE, normalise=False)[:24]


def resolve_record_ids(export_id: str, ids: Iterable[str], person_ids: Iterable[int]) -> dict:
    """Return {record id: person id} for the ids of one export among the given persons."""
    wanted = set(ids)
    found = {}
    for pk in person_ids:
        rid = record_id(export_id, pk)
        if rid in wanted:
            found[rid] = pk
    return found


# --- key files ----------------------------------------------------------------------------


@dataclass
class KeyFile:
    """A read and checked key file: its header, record ids and CLKs (base64, decoded)."""

    header: dict[str, Any]
    ids: list[str]
    clks: list  # of bitarray

    @property
    def export_id(self) -> str:
        return str(self.header.get("export", ""))


def write_key_file(out, export_id: str, ids: Sequence[str], clks: Sequence[str], secret: str):
    """Write a key file to a path or text stream: the header line, then `id,clk` lines."""
    if len(ids) != len(clks):
        raise ValueError("one CLK per record id")
    header = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "schema": schema_header(),
        "secret_fingerprint": "hmac-sha256:" + secret_fingerprint(secret),
        "export": export_id,
        "bits": clk_bits(),
        "count": len(ids),
    }
    if isinstance(out, str | Path):
        # Readable by its owner only: keys are no names, but they are about persons.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="ascii", newline="\n") as stream:
            _write(stream, header, ids, clks)
    else:
        _write(out, header, ids, clks)


def _write(stream, header: dict, ids: Sequence[str], clks: Sequence[str]) -> None:
    stream.write(json.dumps(header, sort_keys=True) + "\n")
    for rid, clk in zip(ids, clks, strict=True):
        stream.write(f"{rid},{clk}\n")


def read_key_file(source, secret: str) -> KeyFile:
    """Read a key file from a path or text stream; raise KeyFileError unless it is usable.

    Refused: not a key file, another format version, another schema, another secret,
    a malformed row, a CLK of the wrong length, a repeated record id, a wrong count.
    """
    from bitarray import bitarray

    if isinstance(source, str | Path):
        try:
            with open(source, encoding="ascii", newline="") as stream:
                return read_key_file(stream, secret)
        except UnicodeDecodeError as exc:
            raise KeyFileError(_("not a linkage key file (it is not ASCII text).")) from exc
        except OSError as exc:
            raise KeyFileError(
                _("cannot read the file (%(reason)s).") % {"reason": exc.strerror}
            ) from exc
    header = _check_header(source.readline(), secret)
    nbytes = header["bits"] // 8
    ids: list[str] = []
    clks = []
    seen: set[str] = set()
    for number, line in enumerate(source, start=2):
        line = line.rstrip("\r\n")
        if not line:
            continue
        rid, sep, b64 = line.partition(",")
        if not sep or not _RECORD_ID.match(rid):
            raise KeyFileError(_("line %(line)s is not `record id,base64 key`.") % {"line": number})
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise KeyFileError(
                _("line %(line)s: the key is not valid base64.") % {"line": number}
            ) from exc
        if len(raw) != nbytes:
            raise KeyFileError(
                _("line %(line)s: the key has %(bits)s bits, not %(expected)s.")
                % {"line": number, "bits": len(raw) * 8, "expected": nbytes * 8}
            )
        if rid in seen:
            raise KeyFileError(_("line %(line)s: record id repeated.") % {"line": number})
        seen.add(rid)
        clk = bitarray()
        clk.frombytes(raw)
        ids.append(rid)
        clks.append(clk)
    if len(ids) != header["count"]:
        raise KeyFileError(
            _(
                "the header announces %(count)s keys but the file holds %(found)s "
                "(truncated or altered)."
            )
            % {"count": header["count"], "found": len(ids)}
        )
    return KeyFile(header=header, ids=ids, clks=clks)


def _check_header(line: str, secret: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FILE_FORMAT:
        raise KeyFileError(_("not a linkage key file (no key-file header on the first line)."))
    if header.get("version") != FILE_VERSION:
        raise KeyFileError(
            _("key-file format version %(version)s is not %(expected)s.")
            % {"version": str(header.get("version"))[:20], "expected": FILE_VERSION}
        )
    schema = header.get("schema")
    if not isinstance(schema, dict) or (schema.get("id"), schema.get("version")) != (
        SCHEMA_ID,
        SCHEMA_VERSION,
    ):
        raise KeyFileError(
            _(
                "made with another schema; both sides must encode with %(schema)s "
                "version %(version)s."
            )
            % {"schema": SCHEMA_ID, "version": SCHEMA_VERSION}
        )
    if schema.get("digest") != schema_digest():
        raise KeyFileError(
            _(
                "made with a changed copy of schema %(schema)s version %(version)s (its digest "
                "differs); both sides must use the same schema text."
            )
            % {"schema": SCHEMA_ID, "version": SCHEMA_VERSION}
        )
    expected = "hmac-sha256:" + secret_fingerprint(secret)
    if not hmac.compare_digest(str(header.get("secret_fingerprint", "")), expected):
        raise KeyFileError(
            _(
                "made with another secret: its secret fingerprint differs from "
                "HIMOYA_LINKAGE_SECRET's; both sides must use the same shared secret."
            )
        )
    if header.get("bits") != clk_bits():
        raise KeyFileError(
            _("the header announces keys of %(bits)s bits.")
            % {"bits": str(header.get("bits"))[:20]}
        )
    if not isinstance(header.get("count"), int) or header["count"] < 0:
        raise KeyFileError(_("the header has no valid key count."))
    if not _EXPORT_ID.match(str(header.get("export", ""))):
        raise KeyFileError(_("the header has no valid export id."))
    return header


def key_file_text(export_id: str, ids: Sequence[str], clks: Sequence[str], secret: str) -> str:
    """Return a key file as text (tests, small exchanges)."""
    out = io.StringIO()
    write_key_file(out, export_id, ids, clks, secret)
    return out.getvalue()


# --- matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchedPair:
    """A record of file A and a record of file B taken as one person, with their Dice score."""

    a: str
    b: str
    score: float


# Beyond this many pairs, only pairs that agree on every sampled bit of at least one of
# LSH_TABLES samples of LSH_BITS positions are compared (Hamming LSH on the CLKs, as
# anonlink.blocking.bit_blocking does, vectorised). Two keys of one person (Dice 0.85,
# ~300 bits set each) differ in ~90 of 1024 bits, so they agree on 12 sampled bits with
# probability ~0.33 and miss all 20 tables with probability ~0.0003; two unrelated keys
# agree on a table with probability ~0.0015, so about 3 % of all pairs are compared.
EXHAUSTIVE_UP_TO = 50_000_000
LSH_TABLES = 20
LSH_BITS = 12
_LSH_SEED = 20260101

_SHARED: dict[str, Any] = {}  # what forked workers inherit (never pickled)


def _exhaustive_chunk(chunk, threshold: float):
    anonlink = _anonlink()
    a, b = _SHARED["clks"]
    (a0, a1), (b0, b1) = chunk[0]["range"], chunk[1]["range"]
    sims, _datasets, (rec_a, rec_b) = anonlink.concurrency.process_chunk(
        chunk,
        [a[a0:a1], b[b0:b1]],
        anonlink.similarities.dice_coefficient_accelerated,
        threshold,
    )
    return sims, rec_a, rec_b


def _packed(clks: Sequence):
    import numpy as np

    if not clks:
        return np.zeros((0, clk_bits() // 8), dtype=np.uint8)
    raw = b"".join(clk.tobytes() for clk in clks)
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(clks), -1)


def _table_keys(packed, positions):
    """Return each record's key in one LSH table: its bits at the table's positions."""
    import numpy as np

    bits = (packed[:, positions // 8] >> (7 - positions % 8)) & 1
    return (bits.astype(np.int64) << np.arange(len(positions), dtype=np.int64)).sum(axis=1)


def _blocked_table(table: int, threshold: float):
    """Compare the pairs that share a block in one LSH table; return their candidates."""
    import numpy as np

    anonlink = _anonlink()
    dice_f = anonlink.similarities.dice_coefficient_accelerated
    (a, b), (packed_a, packed_b) = _SHARED["clks"], _SHARED["packed"]
    positions = _SHARED["positions"][table]
    keys_a, keys_b = _table_keys(packed_a, positions), _table_keys(packed_b, positions)
    order_a, order_b = np.argsort(keys_a, kind="stable"), np.argsort(keys_b, kind="stable")
    ua, start_a, count_a = np.unique(keys_a[order_a], return_index=True, return_counts=True)
    ub, start_b, count_b = np.unique(keys_b[order_b], return_index=True, return_counts=True)
    _common, in_a, in_b = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    sims, rec_a, rec_b = [], [], []
    for i, j in zip(in_a.tolist(), in_b.tolist(), strict=True):
        ia = order_a[start_a[i] : start_a[i] + count_a[i]]
        ib = order_b[start_b[j] : start_b[j] + count_b[j]]
        found, (ra, rb) = dice_f([[a[k] for k in ia], [b[k] for k in ib]], threshold)
        if len(found):
            sims.append(np.frombuffer(found, dtype=np.float64))
            rec_a.append(ia[np.frombuffer(ra, dtype=np.uint32)])
            rec_b.append(ib[np.frombuffer(rb, dtype=np.uint32)])
    if not sims:
        return np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(sims), np.concatenate(rec_a), np.concatenate(rec_b)


def candidate_pairs(
    a: Sequence, b: Sequence, threshold: float, *, workers: int | None = None, exhaustive=None
):
    """Return anonlink candidate pairs (pairs at or above the threshold), best first.

    Small files are compared pair by pair (|A|×|B| up to EXHAUSTIVE_UP_TO, or when
    `exhaustive` is true); larger ones through Hamming-LSH blocks (see LSH_TABLES).
    The work is spread over `workers` forked processes (one per core by default).
    """
    import random

    import numpy as np

    anonlink = _anonlink()
    workers = workers or os.cpu_count() or 1
    if exhaustive is None:
        exhaustive = len(a) * len(b) <= EXHAUSTIVE_UP_TO
    _SHARED["clks"] = (a, b)
    if exhaustive:
        size = max(1.0, len(a) * len(b) / (workers * 4))
        tasks = list(anonlink.concurrency.split_to_chunks(size, dataset_sizes=(len(a), len(b))))
        work: Callable[..., Any] = _exhaustive_chunk
    else:
        rng = random.Random(_LSH_SEED)
        bits = clk_bits()
        _SHARED["positions"] = [
            np.array(rng.sample(range(bits), LSH_BITS), dtype=np.int64) for _ in range(LSH_TABLES)
        ]
        _SHARED["packed"] = (_packed(a), _packed(b))
        tasks = list(range(LSH_TABLES))
        work = _blocked_table
    try:
        if workers == 1 or len(tasks) <= 1:
            parts = [work(task, threshold) for task in tasks]
        else:
            context = multiprocessing.get_context("fork")
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
                parts = list(pool.map(work, tasks, [threshold] * len(tasks)))
    finally:
        _SHARED.clear()

    def column(index, dtype):
        arrays = [np.asarray(part[index], dtype=dtype) for part in parts]
        return np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)

    sims, rec_a, rec_b = column(0, np.float64), column(1, np.int64), column(2, np.int64)
    if not exhaustive:  # a pair found in several tables counts once
        _unique, first = np.unique(rec_a * max(len(b), 1) + rec_b, return_index=True)
        sims, rec_a, rec_b = sims[first], rec_a[first], rec_b[first]
    order = np.lexsort((rec_b, rec_a, -sims))  # best first; ties in a stable order
    sims, rec_a, rec_b = sims[order], rec_a[order], rec_b[order]
    from array import array

    return (
        array("d", sims.tolist()),
        (array("I", [0]) * len(sims), array("I", [1]) * len(sims)),
        (array("I", rec_a.tolist()), array("I", rec_b.tolist())),
    )


def dice(x, y) -> float:
    """Return the Dice coefficient of two CLKs (2·|x∧y| / (|x| + |y|))."""
    total = x.count() + y.count()
    return 2 * (x & y).count() / total if total else 0.0


def match(
    a: KeyFile, b: KeyFile, threshold: float = DEFAULT_THRESHOLD, *, workers=None, exhaustive=None
):
    """Return the one-to-one pairs of A and B scoring at least `threshold` (greedy solver)."""
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a Dice coefficient above 0 and at most 1")
    if a.header["schema"] != b.header["schema"] or (
        a.header["secret_fingerprint"] != b.header["secret_fingerprint"]
    ):
        raise KeyFileError(_("the two files were made with different schemas or secrets."))
    anonlink = _anonlink()
    candidates = candidate_pairs(a.clks, b.clks, threshold, workers=workers, exhaustive=exhaustive)
    pairs = []
    for group in anonlink.solving.greedy_solve(candidates):
        members = dict(group)  # dataset index -> record index
        if 0 in members and 1 in members:
            i, j = members[0], members[1]
            pairs.append(MatchedPair(a.ids[i], b.ids[j], round(dice(a.clks[i], b.clks[j]), 4)))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


# --- export of the register ---------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """What an export wrote: its id, how many persons and how many were left out."""

    export_id: str
    count: int
    skipped: int


def may_export_keys(user, organisation=None) -> bool:
    """Tell whether the user may export linkage keys of the register (or of one organisation).

    The national register is the national linkage officer's; one organisation's persons are
    also exportable by whoever may export that organisation's data.
    """
    from himoya.access import policy, roles

    if policy.has_perm(user, roles.LINK_PERSONS):
        return True
    return organisation is not None and policy.has_perm(user, roles.EXPORT_DATA, organisation)


def do_export_keys(out, *, organisation=None, acting_user, workers: int | None = None) -> Export:
    """Encode the register's persons (or one organisation's) into a key file; audited.

    Persons without both a given name and a family name are left out: their keys would be
    too weak to tell people apart.
    """
    from django.core.exceptions import PermissionDenied

    from himoya.audit.actions import record
    from himoya.audit.models import AuditEvent
    from himoya.cases.models import Person

    if not may_export_keys(acting_user, organisation):
        raise PermissionDenied("This user may not export linkage keys.")
    secret = linkage_secret()
    persons = Person.objects.order_by("pk")
    if organisation is not None:
        persons = persons.filter(organisation=organisation)
    export_id = new_export_id()
    ids: list[str] = []
    records: list[LinkageFields] = []
    skipped = 0
    for person in persons.iterator(chunk_size=2000):
        fields = fields_of_person(person)
        if not fields.has_full_name():
            skipped += 1
            continue
        ids.append(record_id(export_id, person.pk))
        records.append(fields)
    clks = encode(records, secret, workers=workers)
    write_key_file(out, export_id, ids, clks, secret)
    record(
        AuditEvent.Action.EXPORT,
        actor=acting_user,
        organisation=organisation,
        object_type="linkage.keyfile",
        object_id=export_id,
        detail=f"linkage keys ({SCHEMA_ID} v{SCHEMA_VERSION}): {len(ids)} persons, "
        f"{skipped} left out without a full name",
    )
    return Export(export_id=export_id, count=len(ids), skipped=skipped)
