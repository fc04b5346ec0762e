"""Write nynorsk twins of bokmål questions, to check that a question's form in nynorsk is read as
its bokmål twin is.

    python benchmarks/nynorsk_twins.py eval/seed-dev-2.jsonl eval/probe-fresh-2.jsonl ... --out DIR

Writes DIR/bokmal.jsonl (the bokmål questions of the given sets, unchanged) and DIR/nynorsk.jsonl
(the same questions, ids and expected answers, with the question words and the commonest function
words in their nynorsk forms: "hvilket år" -> "kva for eit år", "hvilke" -> "kva", "hvor mange" ->
"kor mange", "ikke" -> "ikkje"). Then compare, question by question:

    python -m assistant.cli eval DIR/bokmal.jsonl --out RUN_NB
    python -m assistant.cli eval DIR/nynorsk.jsonl --out RUN_NN --baseline RUN_NB

Every question the bokmål twin gets right and the nynorsk one does not is a form of nynorsk the
question analysis does not know. The map is word for word, so the twins are plain nynorsk in their
question words and a mix elsewhere, as people often write; it is no translation of the topic words.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

# Longest first: "hvilket år" before "hvilket".
_PHRASES = {
    "hvilket år": "kva for eit år",
    "hvor mange": "kor mange",
    "hvor mye": "kor mykje",
    "hvor lenge": "kor lenge",
    "hvor ofte": "kor ofte",
}
_WORDS = {
    "hva": "kva", "hvem": "kven", "hvordan": "korleis", "hvor": "kor", "hvorfor": "kvifor",
    "hvilke": "kva", "hvilken": "kva for ein", "hvilket": "kva for eit", "ikke": "ikkje",
    "jeg": "eg", "mye": "mykje", "noe": "noko", "noen": "nokon", "sier": "seier",
    "dokumentene": "dokumenta", "også": "òg", "fra": "frå", "hvis": "viss", "disse": "desse",
    "de": "dei", "dem": "dei", "deres": "deira", "bare": "berre", "hverandre": "kvarandre",
    "hver": "kvar", "hvert": "kvart", "ble": "vart", "selv": "sjølv", "sammen": "saman",
    "nevner": "nemner", "nevnt": "nemnt", "tall": "tal", "virksomheter": "verksemder",
    "innbyggere": "innbyggjarar", "innbyggerne": "innbyggjarane", "målene": "måla",
    "satsingen": "satsinga", "ordningen": "ordninga", "kompetansepilotene": "kompetansepilotane",
    "penger": "pengar", "midler": "midlar", "partnere": "partnarar", "partnerne": "partnarane",
    "ønsker": "ønskjer", "gir": "gjev", "gi": "gje", "tilbud": "tilbod", "skole": "skule",
    "skoler": "skular", "skolene": "skulane", "høgskolen": "høgskulen", "beskriver": "skildrar",
    "beskrives": "skildrast", "kommer": "kjem", "komme": "kome", "være": "vere", "vært": "vore",
    "gjelder": "gjeld", "utdanningen": "utdanninga", "regionene": "regionane",
    "distriktene": "distrikta", "områdene": "områda", "oppgaver": "oppgåver",
    "viktigste": "viktigaste",
}  # fmt: skip
_PHRASE = re.compile(r"\b(?:" + "|".join(sorted(_PHRASES, key=len, reverse=True)) + r")\b", re.I)
_WORD = re.compile(r"[A-Za-zæøåÆØÅ]+")


def _cased(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def nynorsk(question: str) -> str:
    """`question` with its bokmål question and function words in their nynorsk forms."""
    text = _PHRASE.sub(lambda m: _cased(m.group(), _PHRASES[m.group().lower()]), question)
    return _WORD.sub(lambda m: _cased(m.group(), _WORDS.get(m.group().lower(), m.group())), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sets", nargs="+", type=Path, help="question sets (jsonl) to take bokmål questions from"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for bokmal.jsonl and nynorsk.jsonl")
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for path in args.sets
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    bokmal = [row for row in rows if row.get("lang") == "nb"]
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        (args.out / "bokmal.jsonl").open("w", encoding="utf-8") as nb,
        (args.out / "nynorsk.jsonl").open("w", encoding="utf-8") as nn,
    ):
        for row in bokmal:
            nb.write(json.dumps(row, ensure_ascii=False) + "\n")
            nn.write(
                json.dumps({**row, "question": nynorsk(row["question"]), "lang": "nn"}, ensure_ascii=False)
                + "\n"
            )
    print(f"{len(bokmal)} bokmål questions of {len(rows)} -> {args.out / 'nynorsk.jsonl'}")


if __name__ == "__main__":
    main()
