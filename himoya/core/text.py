"""Text normalisation for search: Tajik legacy glyphs and scripts folded together."""

import unicodedata

# Before Unicode fonts were common, Tajik letters were typed with look-alike letters of
# other Cyrillic alphabets. Fold them (both cases) to the proper Tajik letter.
LEGACY_TAJIK = str.maketrans(
    {
        "Њ": "Ҳ", "њ": "ҳ",
        "Љ": "Ҷ", "љ": "ҷ",
        "Ѓ": "Ғ", "ѓ": "ғ",
        "Ќ": "Қ", "ќ": "қ",
        "Ї": "Ӣ", "ї": "ӣ",
        "Ў": "Ӯ", "ў": "ӯ",
    }
)  # fmt: skip


def fold_tajik(text: str) -> str:
    """Replace legacy substitute glyphs with the Tajik letters they stand for."""
    return unicodedata.normalize("NFC", text).translate(LEGACY_TAJIK)


def search_fold(text: str) -> str:
    """Fold text for case-insensitive search: legacy glyphs, case, ё→е, spacing."""
    return " ".join(fold_tajik(text).casefold().replace("ё", "е").split())
