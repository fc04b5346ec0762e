"""A question typed without capitals gets back the capitals its names have in the documents.

People type on phones in lower case: "hva er målene til hamar kommune", "what are the five thematic
areas in university municipality 3.0 in trondheim". The e5 encoders are cased, so "trondheim" and
"ntnu" are vaguer words to them than "Trondheim" and "NTNU", and the question's names (runs of
capitalised words, `compose.question_entities`) are what the abstainer checks a passage against.
Asked in lower case, nine question sets over the bundled corpus (stop 75, probe-fresh-50 to -58)
lost 7 of 166 right answers and 6 of 25 refusals of unanswerable questions.

The documents say how their names are written: a word that stands capitalised inside a sentence
at least as often as in lower case is a name ("Hamar", "Høgskolen", "NTNU", "ByLab"). Only those
words and the question's first letter change, so a question's ordinary words stay as typed. The
forms are read from the passages the lower-case question retrieves (BM25 ignores case, so it
finds them), which hold the names it is about.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

__all__ = ["name_forms", "recased", "uncased"]

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What may stand between a sentence's or a line's start and its first word: a slide's number,
# bullets, quotes, brackets.
_OPENING = re.compile(r"(?:^|[\n.!?:;])[\s\d\-–—•*«»\"“”'(\[]*$")


def uncased(text: str) -> bool:
    """Whether `text` has letters and not one capital among them."""
    return any(c.isalpha() for c in text) and not any(c.isupper() for c in text)


def name_forms(texts: Iterable[str]) -> dict[str, str]:
    """The written form of every word that `texts` capitalise inside a sentence at least as often
    as they write it in lower case, by its lower-case form (the commonest capitalised form wins)."""
    capitalised: defaultdict[str, Counter[str]] = defaultdict(Counter)
    lower: Counter[str] = Counter()
    for text in texts:
        for match in _WORD.finditer(text):
            word = match.group()
            if word.islower():
                lower[word] += 1
            elif not _OPENING.search(text, max(0, match.start() - 12), match.start()):
                capitalised[word.lower()][word] += 1
    return {
        key: forms.most_common(1)[0][0]
        for key, forms in capitalised.items()
        if sum(forms.values()) >= lower[key]
    }


def recased(text: str, forms: Mapping[str, str]) -> str:
    """`text` with each word that `forms` knows written as the documents write it, and its first
    letter capitalised."""
    cased = _WORD.sub(lambda m: _written(m.group(), forms), text)
    first = next((i for i, c in enumerate(cased) if c.isalpha()), None)
    if first is None:
        return cased
    return cased[:first] + cased[first].upper() + cased[first + 1 :]


def _written(word: str, forms: Mapping[str, str]) -> str:
    """`word` as the documents write it: whole, by its parts ("innlandet-projekt"), or as a name's
    genitive ("trondheims")."""
    if word in forms:
        return forms[word]
    if "-" in word:
        return "-".join(_written(part, forms) for part in word.split("-"))
    if word.endswith("s") and word[:-1] in forms:
        return forms[word[:-1]] + "s"
    return word
