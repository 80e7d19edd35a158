"""A generated pair of versions of one long interview, with the links that are right.

Version b is a's text with every turn's words shuffled (so no turn is copied and the head
and tail are aligned by the dynamic programme, not by diff), a few of a's answer paragraphs
joined to the paragraph before them (a translator's 2-1), a few turns left out and an
editor's note of b's own: merges and gaps. Every tenth turn names a year, as real turns
name years and sums."""

from __future__ import annotations

import random

from generated import turn_text

from app.align import Unit

HOST, GUEST = "lenny-rachitsky", "benjamin-mann"


def long_pair(turns: int, seed: int = 5) -> tuple[list[Unit], list[Unit], set[tuple[str, str]]]:
    """(a, b, the pairs of passage ids that say the same)."""
    rng = random.Random(seed)
    merged = {n for n in range(10, turns, turns // 6 + 1)}  # joined to the turn before
    dropped = {n for n in range(25, turns, turns // 4 + 1)} - merged - {n - 1 for n in merged}
    speaker = [HOST]
    for n in range(1, turns):  # a merged turn is a second paragraph of the same speaker
        speaker.append(speaker[-1] if n in merged else (HOST, GUEST)[speaker[-1] == HOST])
    a, b, truth = [], [], set()
    owner: list[str] = []  # a's turns linked to b's last passage
    for n in range(turns):
        words = turn_text(rng, rng.randint(8, 40)).split()
        if n % 10 == 7:
            words.insert(3, str(1900 + n % 120) if n % 20 else f"{n * 7} Millionen")
        role = "question" if speaker[n] == HOST else "answer"
        a.append(Unit(f"a{n}", role, speaker[n], " ".join(words)))
        if n in dropped:
            continue
        rng.shuffle(words)
        if n in merged and b and n - 1 not in dropped:
            last = b[-1]
            b[-1] = last._replace(text=last.text + " " + " ".join(words))
            owner.append(f"a{n}")
        else:
            b.append(Unit(f"b{len(b)}", role, speaker[n], " ".join(words)))
            owner = [f"a{n}"]
        truth |= {(x, b[-1].id) for x in owner}
        if n == turns // 3:
            note = "Anmerkung der Redaktion: dieser Abschnitt wurde gekürzt und leicht bearbeitet."
            b.append(Unit(f"b{len(b)}", "narration", "", note))
    return a, b, truth
