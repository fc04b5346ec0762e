"""Turn scraped web text into clean paragraphs without losing content.

Municipal web pages arrive with the furniture of the page still in them: image viewers
("Klikk for stort bilde" followed by the caption a second time and a photo credit), slide-viewer
boilerplate, ads, "to the top" links, non-breaking and zero-width spaces, captions glued to the
first word of the next sentence, and bullet points whose text was split over two bullets. Each rule
below removes one such kind of noise and is conservative: when in doubt, text is kept.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text"]

# Whole lines that are page furniture, never content (nb/nn, da, sv, en).
_BOILERPLATE_LINES = [
    r"presentasjon(?:en)? lastes\.? ?vennligst vent\.?",
    r"præsentation(?:en)? indlæses\.? ?vent venligst\.?",
    r"presentation is loading\.? ?please wait\.?",
    r"li[kg]nende presentasjoner|lignende præsentationer|similar presentations",
    r"presentasjon om:? .*utskrift av presentasjonen:?",
    r"presentation on theme:? .*presentation transcript:?",
    r"last(?:e)? ned ppt .*|download ppt .*|download presentation",
    r"annonser fra google|annoncer fra google|ads by google|annonser",
    r"til toppen|tilbake til toppen|til top(?:pen)?|back to top|to the top|gå til toppen",
    r"del på (?:facebook|twitter|linkedin|x)|del denne siden|del siden|skriv ut(?: siden)?|print this page",
    r"hopp til (?:hovedinnhold|innhold)|gå til indhold|skip to (?:main )?content",
    r"denne nettsiden bruker informasjonskapsler.*|this website uses cookies.*",
]
_BOILERPLATE_RE = re.compile(r"^\s*(?:" + "|".join(_BOILERPLATE_LINES) + r")\s*$", re.IGNORECASE)

# Image-viewer link text that many municipal CMSs glue between a caption and its repetition.
_IMAGE_MARKER_RE = re.compile(
    r"\s*[-–]?\s*(?:klikk for stort bilde|klikk for større bilde|klik for stort billede|"
    r"klik for større billede|click (?:for|to see) (?:a )?(?:large|larger) image)",
    re.IGNORECASE,
)
_UPPER = "A-ZÆØÅÄÖÜÉ"
_LOWER = "a-zæøåäöüéèáóúß"
# A photo credit right after a caption: "Name Name / Organisation words" or a single agency word.
_CREDIT_RE = re.compile(
    rf"^(?P<credit>(?:[{_UPPER}][\w.-]*(?: [{_UPPER}][\w.-]*)* / [{_UPPER}][\w.-]*(?: [{_LOWER}][\w.-]*)*)"
    rf"|(?:[{_UPPER}][{_LOWER}]+))\s+(?=[{_UPPER}])"
)
_GLUED_RE = re.compile(rf"(?<=[{_LOWER}]{{3}})(?=[{_UPPER}][{_LOWER}]{{2,}})")
_BULLET_RE = re.compile(r"^\s*(?:[•●▪◦·*]|[-–](?=\s))\s*")
_SPACE_CHARS = dict.fromkeys(
    map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000"), " "
)
_DROP_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TERMINAL = '.!?:;»”")'


def _normalise_chars(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_SPACE_CHARS).translate(_DROP_CHARS)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.replace("\t", " ")


def _split_image_captions(line: str) -> list[str]:
    """'caption - Klikk for stort bildecaption Credit Next sentence' -> [caption (credit), next]."""
    parts: list[str] = []
    while True:
        match = _IMAGE_MARKER_RE.search(line)
        if not match:
            break
        before, after = line[: match.start()].rstrip(), line[match.end() :].lstrip()
        # The caption is the last sentence before the marker (or all of it at line start).
        cut = before.rfind(". ", 0, max(len(before) - 1, 0))
        head, caption = (before[: cut + 1], before[cut + 2 :]) if cut >= 0 else ("", before)
        if before and after.startswith(before):  # the viewer repeats the whole caption
            head, caption, after = "", before, after[len(before) :].lstrip()
        elif caption and after.startswith(caption):
            after = after[len(caption) :].lstrip()
        credit = _CREDIT_RE.match(after)
        if credit:
            caption = f"{caption} (Foto: {credit.group('credit')})" if caption else caption
            after = after[credit.end() :]
        if head.strip():
            parts.append(head.strip())
        if caption.strip():
            parts.append(caption.strip())
        line = after
    if line.strip():
        parts.append(line.strip())
    return parts


def _unglue_paragraph_start(line: str) -> list[str]:
    """Split a caption glued to the first sentence ('VR-teknologi i brukKunnskap og ...')."""
    words = line.split(" ")
    head = " ".join(words[:12])
    match = _GLUED_RE.search(head)
    if not match or "/" in head[: match.start()]:
        return [line]
    return [line[: match.start()].strip(), line[match.start() :].strip()]


def _join_split_bullets(lines: list[str]) -> list[str]:
    """Bullets and lines broken mid-sentence are joined when the next piece starts in lower case
    (never table rows "cell | cell", which are lines of their own)."""
    out: list[str] = []
    for line in lines:
        stripped = _BULLET_RE.sub("", line) if _BULLET_RE.match(line) else line
        is_bullet = stripped is not line
        table_row = " | " in stripped or (bool(out) and " | " in out[-1])  # rows stay rows
        if (
            out
            and stripped
            and stripped[0].islower()
            and not out[-1].endswith(tuple(_TERMINAL))
            and not table_row
        ):
            out[-1] = f"{out[-1]} {stripped}"
            continue
        out.append(f"- {stripped}" if is_bullet else stripped)
    return out


def clean_text(text: str) -> str:
    """Return the cleaned text: paragraphs separated by one blank line, lines trimmed."""
    text = _normalise_chars(text)
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        split_off = False
        for raw in block.split("\n"):
            line = re.sub(r" {2,}", " ", raw).strip()
            if not line or _BOILERPLATE_RE.match(line):
                continue
            pieces = [p for part in _split_image_captions(line) for p in _unglue_paragraph_start(part)]
            split_off = split_off or len(pieces) > 1
            lines.extend(pieces)
        lines = _join_split_bullets([ln for ln in lines if ln])
        if not lines:
            continue
        # A caption split off a paragraph becomes a paragraph of its own.
        if split_off:
            paragraphs.extend(lines)
        else:
            paragraphs.append("\n".join(lines))
    deduped: list[str] = []
    for para in paragraphs:
        # Slide viewers repeat the title line; drop an immediate exact repeat.
        if deduped and para == deduped[-1]:
            continue
        deduped.append(para)
    return "\n\n".join(deduped)
