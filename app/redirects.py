"""Where the ids of edited and removed passages go: a 301 to the passage's new place, or 410.

Comparing every vanished passage with every new passage of its document was quadratic
(editing all turns of a 3,000-turn file did not finish in 5 minutes). An edited passage
stays near its old place and keeps most of its words, so each vanished id is compared only
with a bounded set of candidates: the new passages at about its old position, and those
sharing the most sampled shingles (runs of words) with it. This runs before the write
transaction opens, on texts the ingest already holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from app.passage_ids import THRESHOLD, similarity, tokens

SHINGLE = 3  # tokens (words, or Han characters): rare enough to say where a text went
SAMPLE = 4  # keep the shingles whose hash is 0 modulo this (the same ones in both texts)
SHORT = 50  # tokens: below this a text keeps all its shingles
COMMON = 20  # a shingle in more new passages than this says nothing about where one went
BY_SHINGLES = 6  # candidates taken by shared shingles
NEARBY = 3  # and this many positions either side of the old place
CERTAIN = 0.9  # a match this close ends the search


@dataclass(frozen=True)
class OldPassage:
    id: str
    document_key: str
    ordinal: int
    text: str
    interview_slug: str


@dataclass(frozen=True)
class Redirect:
    old_id: str
    new_id: str | None
    interview_slug: str
    document_key: str


def plan(old: list[OldPassage], new: dict[str, list[tuple[str, str]]]) -> list[Redirect]:
    """Redirects for the old passages whose ids are not among the new ones.

    `new` maps a document key to its new passages, (id, text) in order."""
    new_ids = {pid for passages in new.values() for pid, _ in passages}
    vanished: dict[str, list[OldPassage]] = defaultdict(list)
    old_count: Counter[str] = Counter()
    for p in old:
        old_count[p.document_key] += 1
        if p.id not in new_ids:
            vanished[p.document_key].append(p)
    redirects = []
    for key, passages in vanished.items():
        targets = new.get(key) or new.get(moved_key(key, new), [])
        finder = Candidates(targets, old_count=old_count[key])
        for p in passages:
            target = finder.best(p) if targets else None
            redirects.append(Redirect(p.id, target, p.interview_slug, key))
    return redirects


def moved_key(key: str, new: dict) -> str:
    """A document whose file moved into a subfolder (`page.txt` → `sub/page.txt`)."""
    file, _, entry = key.partition("#")
    found = [k for k in new if k.partition("#")[0].rsplit("/", 1)[-1] == file]
    same_entry = [k for k in found if k.partition("#")[2] == entry]
    return same_entry[0] if len(same_entry) == 1 else ""


def shingles(words: list[str]) -> set[int]:
    """Sampled by their hash (the same ones in both texts); a short text keeps them all,
    or it might keep none. hash() differs between processes; both sides are hashed here."""
    grams = {hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}
    return grams if len(words) < SHORT else {g for g in grams if g % SAMPLE == 0}


class Candidates:
    """The new passages of one document, indexed by position and by sampled shingles."""

    def __init__(self, targets: list[tuple[str, str]], old_count: int):
        self.targets = targets
        self.scale = len(targets) / max(old_count, 1)
        self.tokens = [tokens(text) for _, text in targets]
        self.sizes: list[int] = []
        postings: dict[int, list[int]] = defaultdict(list)
        for n, words in enumerate(self.tokens):
            grams = shingles(words)
            self.sizes.append(len(grams))
            for g in grams:
                postings[g].append(n)
        self.postings = {g: ns for g, ns in postings.items() if len(ns) <= COMMON}

    def best(self, p: OldPassage) -> str | None:
        """The id of the most similar candidate, comparing the likeliest first and stopping
        at a near-certain match (one comparison of two long turns costs milliseconds)."""
        words = tokens(p.text)
        best, best_ratio = None, THRESHOLD
        for n in self.near(p, words):
            ratio = similarity(words, self.tokens[n], best_ratio)
            if ratio >= best_ratio:
                best, best_ratio = self.targets[n][0], ratio
                if ratio >= CERTAIN:
                    break
        return best

    def near(self, p: OldPassage, words: list[str]) -> list[int]:
        """At most BY_SHINGLES + 2 * NEARBY + 1 positions: by shared shingles, likeliest
        first, then those about the old place."""
        grams = shingles(words)
        shared = Counter(n for g in grams for n in self.postings.get(g, ()))
        jaccard = {n: k / (len(grams) + self.sizes[n] - k) for n, k in shared.items()}
        picks = sorted(jaccard, key=lambda n: -jaccard[n])[:BY_SHINGLES]
        middle = round(p.ordinal * self.scale)
        around = range(max(middle - NEARBY, 0), min(middle + NEARBY + 1, len(self.targets)))
        return picks + [n for n in around if n not in picks]
