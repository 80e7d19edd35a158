"""Stock whoosh as a reference engine, run in its own process by test_whoosh_reference.py.

Reads {"folder": index folder, "queries": [...], "tier": app.search.sequences.TIER} as
JSON on stdin and prints, for each
query, every match as [id, score], best first (whoosh's own order: score, then docnum).
Nothing of app.search.whoosh_patches or app.search.matchers runs here: whoosh's own leaf
matchers read the posting blocks, its Phrase, And, Or and BM25F match and score, its
NumericRange reads the dates, and filters and exclusions are whoosh's `filter` and `mask`
(document sets, so whoosh's AndNotMatcher is not involved). Our code supplies only the
parsed query (app.search.query, plain data) and the classes the index names
(app.search.stored: the analyzer and the posting format, whose decoding is data format,
not an engine shortcut).

Sequences (quotes across the `exact` and `text` fields, runs of CJK bigrams) have no whoosh
class: `Spelled` walks each term's stock postings one passage at a time and keeps the
passages where every place is filled, scored as whoosh's Phrase scores (the sum of its
terms' BM25F scores). A tier is whoosh's Or of the words, a ConstantScoreQuery of TIER
over the words, and the bigrams.
"""

from __future__ import annotations

import json
import sys

from whoosh import index, matching, scoring
from whoosh import query as Q
from whoosh.matching.mcore import ListMatcher

from app.search import query as parsing
from app.search import whoosh_patches
from app.search.analysis import STARTS, indexed_field
from app.search.query import prepare


class Spelled(Q.Query):
    """A sequence, matched passage by passage on stock postings (see the module's note); an
    unmarked option does not count where `exact` holds "~" + its term."""

    def __init__(self, slots):
        self.slots = slots

    def __eq__(self, other):
        return type(other) is Spelled and other.slots == self.slots

    def __hash__(self):
        return hash(self.slots)

    def estimate_size(self, ixreader):  # orders whoosh's tree of matchers
        return min(
            sum(ixreader.doc_frequency(indexed_field(f), t) for f, t, _ in o) for _, o in self.slots
        )

    def matcher(self, searcher, context=None):
        found = spelled(searcher, self.slots)
        ids = sorted(found)
        if not ids:
            return matching.NullMatcher()
        return ListMatcher(ids, weights=[found[d] for d in ids])


def postings(searcher, field: str, term: str) -> dict[int, tuple[float, list[int]]]:
    """docnum -> (BM25F score, positions) of a term, read posting by posting; the STARTS
    option reads `text` and places a word at its first character (app.search.analysis)."""
    starts = field == STARTS
    field = indexed_field(field)
    if (field, term) not in searcher.reader():
        return {}
    m = searcher.postings(field, term, weighting=searcher.weighting)
    out = {}
    while m.is_active():
        if starts:
            places = [start for _, start, _ in m.value_as("characters")]
        else:
            places = list(m.value_as("positions"))
        out[m.id()] = (m.score(), places)
        m.next()
    return out


# app.search.sequences.MAX_PLACES, an intended difference: a run of bigrams longer than
# this is scored by this many of its places, evenly apart (the others are checked in the
# passage's text, not read from the index), so its score sums those places only.
MAX_PLACES = 16


def scored(slots) -> list[bool]:
    """Which places of a sequence count toward its score (see MAX_PLACES)."""
    grams = all(o[0] in ("grams", STARTS) for _, options in slots for o in options)
    consecutive = [offset for offset, _ in slots] == list(range(len(slots)))
    if len(slots) <= MAX_PLACES or not (grams and consecutive):
        return [True] * len(slots)
    last = len(slots) - 1
    picked = {round(i * last / (MAX_PLACES - 1)) for i in range(MAX_PLACES)}
    return [k in picked for k in range(len(slots))]


def spelled(searcher, slots) -> dict[int, float]:
    places = [
        [
            (postings(searcher, f, t), postings(searcher, "exact", "~" + t) if unmarked else {})
            for f, t, unmarked in options
        ]
        for _, options in slots
    ]
    found = {}
    for d in set().union(*(p for slot in places for p, _ in slot)):
        starts, score = None, 0.0
        for (offset, _), slot, counts in zip(slots, places, scored(slots)):
            here = set()
            for posts, marks in slot:
                if d not in posts:
                    continue
                marked = set(marks[d][1]) if d in marks else set()
                ps = {p - offset for p in posts[d][1] if p not in marked}
                if ps:
                    here |= ps
                    score += posts[d][0] if counts else 0.0
            starts = here if starts is None else starts & here
        if starts:
            found[d] = score
    return found


def stock(node, tier: float):
    """The whoosh query of a node of app.search.query, with whoosh's own classes."""
    if isinstance(node, parsing.Term):
        return Q.Term(node.field, node.text)
    if isinstance(node, parsing.Phrase):
        return Q.Phrase(node.field, list(node.words))
    if isinstance(node, parsing.Prefix):
        return Q.Prefix(node.field, node.text)
    if isinstance(node, parsing.DayRange):
        return Q.NumericRange("day", node.lo, node.hi)
    if isinstance(node, parsing.AllOf):
        return Q.And([stock(p, tier) for p in node.parts])
    if isinstance(node, parsing.Sequence):
        return Spelled(node.slots)
    if isinstance(node, parsing.Tiered):
        words = stock(node.words, tier)
        return Q.Or([Q.ConstantScoreQuery(words, tier), words, stock(node.grams, tier)])
    return Q.Or([stock(p, tier) for p in node.parts])


def matches(searcher, q: str, tier: float) -> list[list]:
    parsed = prepare(q)
    if not parsed.must and not parsed.filters:
        return []
    must = [stock(n, tier) for n in parsed.must]
    query = Q.And(must) if len(must) > 1 else must[0] if must else Q.Every()
    found = searcher.search(
        query,
        limit=None,  # every match scored, no block-quality shortcuts
        filter=Q.And([stock(n, tier) for n in parsed.filters]) if parsed.filters else None,
        mask=Q.Or([stock(n, tier) for n in parsed.must_not]) if parsed.must_not else None,
    )
    return [[hit["id"], found.score(i)] for i, hit in enumerate(found)]


def main() -> None:
    job = json.load(sys.stdin)
    with index.open_dir(job["folder"]).searcher(weighting=scoring.BM25F()) as searcher:
        out = [matches(searcher, q, job["tier"]) for q in job["queries"]]
    # checked after the searches too: nothing on the way may have patched whoosh
    if any(getattr(owner, name) is ours for owner, name, ours in whoosh_patches.PATCHES):
        sys.exit("the reference process runs patched whoosh")
    if "app.search.matchers" in sys.modules:
        sys.exit("the reference process imported app.search.matchers")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
