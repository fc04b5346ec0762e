"""Split text into sentences as character spans, aware of Scandinavian abbreviations.

Both chunking (to cut long paragraphs) and answer composition (to quote whole sentences) need
sentence boundaries that never break "f.eks.", "bl.a.", "mill. kr." or "21. november", and that
return offsets so a quote can always be traced back to the exact characters of its passage.
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]

_ABBREVIATIONS = {
    # nb/nn/da/sv
    "f.eks", "bl.a", "dvs", "mv", "m.v", "osv", "o.l", "ca", "kr", "mill", "mrd", "mio", "nr", "pga",
    "jf", "jfr", "ref", "evt", "ifm", "inkl", "ekskl", "fx", "mht", "iht", "vedr", "tlf", "prof",
    "dr", "st", "s", "ang", "f", "bl", "el", "m.fl", "m.m", "o.a", "t.o.m", "f.o.m", "kap", "pkt",
    "avd", "adm", "dir", "sen", "stud", "ekst", "int", "mm", "cm", "km", "kl", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "des", "dec", "hhv", "resp", "bla",
    "etc", "e.g", "i.e", "vs", "mr", "mrs", "ms", "no", "nos", "approx", "dept", "inc", "ltd", "co",
}  # fmt: skip
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "D.W." Griffith, "J.R.R." Tolkien
_CANDIDATE = re.compile(r"[.!?…]+[\"»”')\]]*(?=\s+)|\n+")
_NEXT_START = re.compile(r"\s+[\"«“'(\[]?[-–]?\s?[A-ZÆØÅÄÖÜÉ0-9]")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` ends an abbreviation, an initial or an ordinal number."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in '([«"':
        start -= 1
    token = text[start:dot].lower()
    if not token:
        return False
    # Initials ("K. Hansen") count as abbreviations. An ordinal such as "21. november" is
    # followed by lower case, which _NEXT_START already rejects as a sentence start.
    return (
        token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or bool(_INITIALS.fullmatch(token))
    )


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _CANDIDATE.finditer(text, start, end):
        boundary = match.end()
        if match.group().startswith("\n"):
            boundary = match.start()
        else:
            if not _NEXT_START.match(text, match.end(), end):
                continue
            if match.group().startswith(".") and _is_abbreviation(text, match.start()):
                continue
        _append(text, cursor, boundary, spans)
        cursor = boundary
    _append(text, cursor, end, spans)
    return spans


def _append(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))
