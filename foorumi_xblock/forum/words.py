"""Counting words the way a Finnish writer expects, and the per-prompt word limits.

A word is a run of letters, digits or combining marks in any script. Joined forms count
once: compounds ("vertaistuki"), hyphenated words ("esimies-alaissuhde"), Finnish case
endings after a colon ("EU:ssa"), numbers with separators ("3,5", "1.000"), apostrophes
("rock'n'roll"). Punctuation, dashes and emoji alone are not words, nor are invisible
characters (zero-width spaces, Hangul fillers, the braille blank...: ``records.INVISIBLE``). A link or an e-mail
address counts as one word. Chinese and Japanese characters, written without spaces,
count one word each.
"""

import re
import unicodedata

from .errors import Invalid, TooLarge, _
from .records import INVISIBLE, MAX_ANSWER_CHARS, check_text

#: How a link starts; matched only at the start of a whitespace-separated token, so that
#: counting stays linear in the text's length whatever the text is.
_LINK_START = re.compile(r"[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)
#: Punctuation around a link or address that is not part of it.
_AROUND = "()[]{}<>\"'.,;:!?\u00ab\u00bb\u201c\u201d\u2018\u2019"

#: One of these between two word characters keeps them in one word.
_JOINERS = frozenset("-\u2010\u2011'\u2019\u02bc:.,/_&@\u00ad\u200c\u200d")

#: Scripts written without spaces between words: each character is a word.
_EACH_CHAR_A_WORD = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
                     (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def _is_each_char_a_word(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _EACH_CHAR_A_WORD)


def _is_link(token: str) -> bool:
    """Whether a whitespace-separated token is a link or an e-mail address."""
    core = token.strip(_AROUND)
    if _LINK_START.match(core):
        return True
    local, at, domain = core.partition("@")
    return bool(local and at and "@" not in domain and "." in domain.strip("."))


def count_words(text: str) -> int:
    """The number of words in ``text``: runs of letters/digits in any script, joined by
    a single hyphen, apostrophe, colon, period, comma or slash into one word; links and
    e-mail addresses count once; punctuation alone counts as nothing."""
    count, kept = 0, []
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))  # "\u3164 \u3164" is no words
    for token in text.split():
        if _is_link(token):
            count += 1
        else:
            kept.append(token)
    text = " ".join(kept)
    in_word = after_joiner = False
    for char in text:
        if _is_each_char_a_word(char):
            count += 1
            in_word = after_joiner = False
        elif _is_word_char(char):
            if not (in_word or after_joiner):
                count += 1
            in_word, after_joiner = True, False
        elif char in _JOINERS and in_word:
            in_word, after_joiner = False, True
        else:
            in_word = after_joiner = False
    return count


def check_answer(text, min_words: int | None, max_words: int | None, final: bool,
                 prompt_id: str | None = None) -> int:
    """Check one answer against its prompt's limits and return its word count.

    Always (drafts too): TooLarge over ``MAX_ANSWER_CHARS`` characters or over
    ``max_words`` words. When ``final`` (submitting): Invalid when the answer has no
    words or fewer than ``min_words``. None means no limit. ``prompt_id`` is passed on in
    the error's params so the caller can point at the right box.
    """
    check_text(text, MAX_ANSWER_CHARS, "answer", required=False)
    count = count_words(text)
    if max_words is not None and count > max_words:
        raise TooLarge(_("This answer has %(count)s words; at most %(limit)s are allowed."),
                       count=count, limit=max_words, prompt_id=prompt_id)
    if final:
        if count == 0:
            raise Invalid(_("Please write an answer to every prompt."), prompt_id=prompt_id)
        if min_words is not None and count < min_words:
            raise Invalid(_("This answer has %(count)s words; at least %(limit)s are "
                            "needed."), count=count, limit=min_words, prompt_id=prompt_id)
    return count
