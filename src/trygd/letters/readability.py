"""LIX, the readability index, for Norwegian letter text.

    LIX = words / sentences + 100 × long words / words

where a long word has more than six letters. Below about 30 is very easy, 30–40 easy (the
goal for letters to the public), 40–50 medium, 50–60 hard, above 60 very hard.

LIX was defined for running text; letters are full of numbers, dates, paragraph references
and abbreviations, which a naive count gets wrong (every "ftrl." or "1. mars" would end a
sentence, "1 234" would be two words). The choices made here:

Words
  * Text is split at white space after joining numbers written with a space as thousands
    separator ("1 234 567" is one word; a normal or a narrow no-break space works too).
  * A token counts as a word when it contains a letter or a digit once the punctuation around
    it is stripped. "§", "–", "-" and "/" standing alone are not words; "§ 4-4" is therefore
    one word ("4-4"), as it is read ("paragraf fire-fire").
  * A word with a digit in it (a number, an amount, a date such as "01.03.2026", a reference
    such as "4-4" or "A1") is never long.
  * An abbreviation (see below) is never long.
  * Letters are counted, not characters: "NAV-kontoret" has 11 letters and is long, "og/eller"
    has 7 and is long, "1." has none.

Sentences
  * A sentence ends at a word that ends with ".", "!", "?", "…" or ":" (Björnsson counted the
    colon as a full stop), possibly followed by closing quotes or brackets, and at every line
    break: `Letter.running_text` puts each paragraph and each list item on a line of its own,
    and list items rarely end with a full stop.
  * A full stop does not end a sentence:
      - after an abbreviation: a word from `ABBREVIATIONS` ("ftrl.", "jf.", "nr.", "ca.",
        "kap.", ...) or a word with a full stop inside it ("bl.a.", "f.eks.", "m.a.o."),
        unless it is one of the abbreviations that normally close a sentence ("osv.", "mv.",
        "m.m.", "etc.") and the next word starts with a capital letter;
      - after an ordinal number ("1. mars", "den 3. juni") when the next word starts with a
        lower-case letter or a digit.
  * A text with words but no sentence end is one sentence; a text without words has LIX 0.
"""

from __future__ import annotations

import re

from trygd.letters.model import Letter

__all__ = ["ABBREVIATIONS", "lix", "running_text_lix", "text_counts"]

# Abbreviations written with a full stop in Norwegian (bokmål and nynorsk) and English letters.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # bokmål and nynorsk (without the final full stop)
        *("adm", "ang", "avd", "bl.a", "ca", "dvs", "e.l", "etc", "evt", "f.eks", "f.o.m"),
        *("fhv", "ftrl", "fvl", "jf", "jfr", "kap", "kl", "m.a", "m.a.o", "m.m", "mht", "mv"),
        *("nr", "o.a", "o.l", "osv", "pga", "pkt", "pr", "sml", "t.d", "t.o.m", "tlf", "vedr"),
        # English
        *("e.g", "i.e", "approx", "incl", "mr", "mrs", "ms", "dr", "vs"),
    }
)
# Abbreviations that may also close a sentence ("... dagpenger, sykepenger osv. Vi ...").
_SENTENCE_FINAL_ABBREVIATIONS = frozenset({"osv", "mv", "m.m", "etc", "o.l", "e.l"})

_SPACES = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break, thin space
# "1 234" and "1 234 567", but not "2026 300" (a year followed by a number).
_THOUSANDS = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:{_SPACES}\d{{3}})+(?!\d)")
_OPENING = "\"'«“‘([{"
_CLOSING = "\"'»”’)]}"
_END_MARKS = ".!?…:"


def _join_thousands(line: str) -> str:
    return _THOUSANDS.sub(lambda m: re.sub(_SPACES, "", m.group(0)), line)


def _core(token: str) -> str:
    """The token without the punctuation around it (but with an abbreviation's full stops)."""
    return token.strip(_OPENING + _CLOSING + ",;")


def _is_abbreviation(word: str) -> bool:
    """`word` is the token without surrounding quotes and commas, ending with its full stop."""
    if not word.endswith("."):
        return False
    stem = word.rstrip(".").lower()
    if stem in ABBREVIATIONS:
        return True
    # "bl.a.", "f.eks.", "m.a.o.": letters with a full stop inside, each part short.
    parts = stem.split(".")
    return len(parts) > 1 and all(p.isalpha() and len(p) <= 4 for p in parts)


def _letters(word: str) -> int:
    return sum(1 for ch in word if ch.isalpha())


def _is_word(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def _ends_sentence(token: str, next_token: str | None) -> bool:
    bare = token.rstrip(_CLOSING)
    if not bare or bare[-1] not in _END_MARKS:
        return False
    if bare.endswith(".") and not bare.endswith("..."):
        word = _core(token)
        following = _core(next_token) if next_token else ""
        starts_upper = bool(following) and following[0].isupper()
        if _is_abbreviation(word):
            stem = word.rstrip(".").lower()
            return next_token is None or (stem in _SENTENCE_FINAL_ABBREVIATIONS and starts_upper)
        # "1. mars", "3. ledd": an ordinal, not the end of a sentence.
        if word[:-1].isdigit() and next_token is not None and not starts_upper:
            return False
    return True


def text_counts(text: str) -> tuple[int, int, int]:
    """(words, sentences, long words) as defined in the module docstring."""
    words = sentences = long_words = 0
    for line in text.splitlines():
        tokens = _join_thousands(line).split()
        in_sentence = False
        for i, token in enumerate(tokens):
            word = _core(token)
            if _is_word(word):
                words += 1
                in_sentence = True
                has_digit = any(ch.isdigit() for ch in word)
                if not has_digit and not _is_abbreviation(word) and _letters(word) > 6:
                    long_words += 1
            next_token = tokens[i + 1] if i + 1 < len(tokens) else None
            if in_sentence and _ends_sentence(token, next_token):
                sentences += 1
                in_sentence = False
        if in_sentence:  # a line break ends the sentence
            sentences += 1
    return words, sentences, long_words


def lix(text: str) -> float:
    """The LIX of `text`; 0.0 for a text without words."""
    words, sentences, long_words = text_counts(text)
    if words == 0:
        return 0.0
    return words / max(sentences, 1) + 100 * long_words / words


def running_text_lix(letter: Letter) -> float:
    """The LIX of the letter's prose: paragraphs and list items (`Letter.running_text`)."""
    return lix(letter.running_text())
