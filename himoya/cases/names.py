"""Phonetic keys for names, so Tajik Cyrillic, Russian Cyrillic and Latin spellings meet.

A name is written in three ways: Tajik Cyrillic (Ҷамшед Раҳимов), the Russian rendering
of it (Джамшед Рахимов) and one of several Latin transliterations (Jamshed / Dzhamshed
Rahimov / Rakhimov). `name_key` turns each word into one key that is the same for all of
them; the key, hashed with a keyed blind index, is what the database keeps and searches.
"""

import re
import unicodedata

from himoya.core.text import fold_tajik

# Cyrillic (Tajik and Russian) to a Latin skeleton. Letters whose Russian rendering loses a
# Tajik distinction (Ҷ→Дж, Ҳ→Х, Ғ→Г, Қ→К, Ӣ→И, Ӯ→У) map to the same skeleton.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "ӣ": "i", "й": "i", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ӯ": "u", "ф": "f", "х": "h", "ҳ": "h", "ц": "s", "ч": "C", "ҷ": "j", "ш": "S",
    "щ": "S", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Latin letters with a háček (scholarly transliteration) mean the digraphs.
    "š": "S", "č": "C", "ž": "j", "ǧ": "g",
}  # fmt: skip

# Latin digraphs and letters, longest first; "C" and "S" stand for ch and sh.
_LATIN = [
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "S"),
    ("ch", "C"),
    ("ts", "s"),
    ("q", "k"),
    ("x", "h"),
    ("y", "i"),
    ("w", "v"),
    ("c", "k"),
]

_NOT_LETTER = re.compile(r"[^a-zCS]")
_REPEATS = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(word: str) -> str:
    """Return the phonetic key of one name word ("" for nothing usable)."""
    text = fold_tajik(word).lower()
    # Map before stripping accents: ӣ and ӯ would otherwise lose their marks differently.
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = _strip_accents(text)
    for latin, skeleton in _LATIN:
        text = text.replace(latin, skeleton)
    text = _NOT_LETTER.sub("", text)
    return _REPEATS.sub(r"\1", text)


def name_words(*names: str) -> list[str]:
    """Split names into words (hyphenated parts become separate words too)."""
    words: list[str] = []
    for name in names:
        for match in _WORD.findall(name or ""):
            words.extend(part for part in re.split(r"['’ʼ-]", match) if part)
    return words


def name_keys(*names: str) -> set[str]:
    """Return the set of phonetic keys of every word in the given names."""
    return {key for key in (name_key(w) for w in name_words(*names)) if len(key) >= 2}


PREFIX_MIN = 3  # the shortest beginning of a name key that is searchable on its own


def key_prefixes(key: str) -> list[str]:
    """Return the beginnings of a key that a search by first letters may type ("sai" …)."""
    return [key[:n] for n in range(PREFIX_MIN, len(key))]
