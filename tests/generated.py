"""Generated transcripts for the budget tests: long, varied, parsed like any interview.

Words are drawn from a fixed list with a seeded generator, so each turn is different
(no near-duplicate paragraphs to drop) and every run builds the same text.
"""

from __future__ import annotations

import random

WORDS = [
    "Modell",
    "Daten",
    "Rechenzentrum",
    "Forschung",
    "Sicherheit",
    "Zukunft",
    "Menschen",
    "Sprache",
    "Training",
    "Agenten",
    "Werkzeuge",
    "Fortschritt",
    "Risiko",
    "Verantwortung",
    "Entwicklung",
    "Maschine",
    "Lernen",
    "Wissen",
    "Frage",
    "Antwort",
    "Beispiel",
    "Jahr",
    "Monat",
    "Woche",
    "Arbeit",
    "Team",
    "Labor",
    "Ergebnis",
    "Versuch",
    "Idee",
    "Gesellschaft",
    "Regierung",
    "Regeln",
    "Chancen",
    "Grenzen",
    "Fehler",
    "Wirkung",
    "Skalierung",
    "Rechenleistung",
]
SPEAKERS = ("Anna Berger", "Thomas Keller")


def turn_text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences = [" ".join(chosen[i : i + 12]) for i in range(0, words, 12)]
    return ". ".join(s[:1].upper() + s[1:] for s in sentences) + "."


def transcript(
    turns: int, words: int = 40, seed: int = 1, title: str = "Ein langes Gespräch"
) -> str:
    """A labelled two-person conversation of `turns` turns of about `words` words each."""
    rng = random.Random(seed)
    lines = [title, ""]
    for n in range(turns):
        lines += [f"{SPEAKERS[n % 2]}: {turn_text(rng, words)}", ""]
    return "\n".join(lines)
