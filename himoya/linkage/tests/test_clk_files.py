"""Key files: another secret, another schema or a malformed file is refused, clearly."""

import base64
import io
import json
from datetime import date

import pytest
from django.utils import translation

from himoya.linkage import clk

SECRET = "a-secret-both-countries-share-2026"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; the default language is Tajik."""
    translation.activate("en")


def sample_file(secret=SECRET, **header_changes) -> str:
    records = [
        clk.LinkageFields("jamSed", "rahimov", "kurbonovic", date(1991, 4, 12), "m", 1991),
        clk.LinkageFields("zarina", "nazarova", "", date(1999, 2, 3), "f", 1999),
    ]
    ids = ["r1", "r2"]
    text = clk.key_file_text("export-0001", ids, clk.encode(records, secret), secret)
    if header_changes:
        first, rest = text.split("\n", 1)
        header = json.loads(first)
        header.update(header_changes)
        text = json.dumps(header) + "\n" + rest
    return text


def read(text: str, secret=SECRET) -> clk.KeyFile:
    return clk.read_key_file(io.StringIO(text), secret)


def test_a_file_round_trips():
    keys = read(sample_file())
    assert keys.ids == ["r1", "r2"] and len(keys.clks[0]) == 1024
    assert keys.export_id == "export-0001"


def test_a_file_made_with_another_secret_is_refused():
    with pytest.raises(clk.KeyFileError, match="another secret"):
        read(sample_file(secret="some-other-secret-of-another-pair"))


def test_a_file_made_with_another_schema_is_refused():
    with pytest.raises(clk.KeyFileError, match="another schema"):
        read(sample_file(schema={"id": "someone-elses-clk", "version": 1, "digest": "x"}))
    with pytest.raises(clk.KeyFileError, match="another schema"):
        read(sample_file(schema={**clk.schema_header(), "version": 2}))


def test_a_file_made_with_a_changed_copy_of_our_schema_is_refused():
    with pytest.raises(clk.KeyFileError, match="digest differs"):
        read(sample_file(schema={**clk.schema_header(), "digest": "sha256:" + "0" * 64}))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "not a linkage key file"),
        ("id,clk\nr1,AAAA\n", "not a linkage key file"),
        ("\x00\x01binary", "not a linkage key file"),
    ],
)
def test_something_that_is_not_a_key_file_is_refused(text, reason):
    with pytest.raises(clk.KeyFileError, match=reason):
        read(text)


def test_malformed_rows_are_refused():
    good = sample_file()
    header, row1, row2, _ = good.split("\n")
    rid, b64 = row2.split(",")
    bad = {
        "is not .record id,base64 key.": f"{header}\n{row1}\n{rid}{b64}\n",
        "not valid base64": f"{header}\n{row1}\n{rid},{b64[:-4]}!!!!\n",
        "has 512 bits": f"{header}\n{row1}\n{rid},{base64.b64encode(bytes(64)).decode()}\n",
        "repeated": f"{header}\n{row1}\n{row1}\n",
        "announces 2 keys": f"{header}\n{row1}\n",
    }
    for reason, text in bad.items():
        with pytest.raises(clk.KeyFileError, match=reason):
            read(text)


def test_a_missing_file_is_refused_without_a_traceback(tmp_path):
    with pytest.raises(clk.KeyFileError, match="cannot read"):
        clk.read_key_file(tmp_path / "absent.keys", SECRET)


def test_the_file_holds_no_name_date_or_number_in_the_clear():
    text = sample_file()
    for clear in ("jamSed", "rahimov", "Rahimov", "zarina", "1991", "04-12", "19910412", "1999"):
        assert clear.lower() not in text.lower()
    header = json.loads(text.split("\n", 1)[0])
    assert SECRET not in text and set(header) == {
        "format", "version", "schema", "secret_fingerprint", "export", "bits", "count"
    }  # fmt: skip


def test_matching_pairs_each_record_once_with_its_score():
    a = read(sample_file())
    records = [
        clk.LinkageFields("jamSed", "rahimov", "", date(1991, 4, 12), "m", 1991),
        clk.LinkageFields("malika", "Saripova", "", date(1988, 1, 30), "f", 1988),
    ]
    b_text = clk.key_file_text("export-0002", ["x1", "x2"], clk.encode(records, SECRET), SECRET)
    pairs = clk.match(a, read(b_text), 0.8, workers=1)
    assert [(p.a, p.b) for p in pairs] == [("r1", "x1")] and 0.8 <= pairs[0].score < 1


def test_the_blocked_search_finds_what_the_exhaustive_search_finds():
    import random

    from himoya.cases.synthetic import make_name

    rng = random.Random(7)
    people = []
    for _ in range(300):
        name = make_name(rng, "female")
        born = date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        people.append((name, born))
    ours = [
        clk.LinkageFields(clk.canonical_name(n["given_name"]), clk.canonical_name(n["family_name"]),
                          clk.canonical_name(n["patronymic"]), born, "f", born.year)
        for n, born in people
    ]  # fmt: skip
    theirs = [
        clk.LinkageFields(clk.canonical_name(n["given_name_latin"]),
                          clk.canonical_name(n["family_name_latin"][:-1]), "", born, "f", born.year)
        for n, born in people[::-1]
    ]  # fmt: skip
    a = [clk.decode_clk(k) for k in clk.encode(ours, SECRET)]
    b = [clk.decode_clk(k) for k in clk.encode(theirs, SECRET)]
    exhaustive = clk.candidate_pairs(a, b, 0.8, workers=1, exhaustive=True)
    blocked = clk.candidate_pairs(a, b, 0.8, workers=2, exhaustive=False)
    assert len(exhaustive[0]) >= 300
    assert list(blocked[0]) == list(exhaustive[0])
    assert list(zip(*blocked[2], strict=True)) == list(zip(*exhaustive[2], strict=True))
