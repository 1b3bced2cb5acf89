"""A first guess at what kind of answer a reply is, from its own words (never the quoted letter).

The guess only fills the draft's form: a journalist reads the message and chooses. The words that
led to it are shown beside it, so a wrong guess is easy to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from requests_tracker.choices import ResponseKind

# Phrases per kind, in the order a tie is broken: a refusal that also says "attached" is a
# refusal. Each is matched as whole words, in any case.
PHRASES: dict[str, tuple[str, ...]] = {
    ResponseKind.DECLINED: (
        "decline",
        "declines",
        "declined",
        "will not provide",
        "will not be providing",
        "cannot provide",
        "can not provide",
        "unable to comply",
        "not able to provide",
        "prohibited",
        "prohibits",
        "SB 54",
        "7284.6",
        "California Values Act",
    ),
    ResponseKind.NO_RECORDS: (
        "no records",
        "no responsive records",
        "does not maintain",
        "do not maintain",
        "does not collect",
        "do not collect",
        "does not track",
        "do not track",
    ),
    ResponseKind.EXTENSION_REQUESTED: (
        "extension",
        "additional time",
        "more time",
    ),
    ResponseKind.PARTIAL: (
        "partial",
        "partially",
        "some of the records",
        "in part",
    ),
    ResponseKind.COMPLIED: (
        "attached",
        "enclosed",
        "please find",
        "responsive records",
        "in compliance",
    ),
    ResponseKind.ACKNOWLEDGED: (
        "received your",
        "acknowledge receipt",
        "acknowledges receipt",
        "we are reviewing",
        "under review",
    ),
}

_PATTERNS = {
    kind: [
        (phrase, re.compile(r"(?<![\w.])" + re.escape(phrase) + r"(?![\w])", re.I))
        for phrase in phrases
    ]
    for kind, phrases in PHRASES.items()
}


@dataclass(frozen=True)
class Guess:
    """`kind` is "" when no phrase matched; `words` are the phrases found, as written in the
    message."""

    kind: str
    words: tuple[str, ...]


def guess_kind(text: str) -> Guess:
    """The kind whose phrases occur most often in `text` (ties go to the earlier kind above)."""
    best_kind, best_words = "", ()
    for kind, patterns in _PATTERNS.items():
        words = tuple(match[0] for _phrase, pattern in patterns for match in pattern.finditer(text))
        if len(words) > len(best_words):
            best_kind, best_words = kind, words
    return Guess(str(best_kind), tuple(dict.fromkeys(best_words)))
