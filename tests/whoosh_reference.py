"""Stock whoosh as a reference engine, run in its own process by test_whoosh_reference.py.

Reads {"folder": index folder, "queries": [...]} as JSON on stdin and prints, for each
query, every match as [id, score], best first (whoosh's own order: score, then docnum).
Nothing of app.search.whoosh_patches or app.search.matchers runs here: whoosh's own leaf
matchers read the posting blocks, its Phrase, And, Or and BM25F match and score, its
NumericRange reads the dates, and filters and exclusions are whoosh's `filter` and `mask`
(document sets, so whoosh's AndNotMatcher is not involved). Our code supplies only the
parsed query (app.search.query, plain data) and the classes the index names
(app.search.stored: the analyzer and the posting format, whose decoding is data format,
not an engine shortcut).
"""

from __future__ import annotations

import json
import sys

from whoosh import index, scoring
from whoosh import query as Q

from app.search import query as parsing
from app.search import whoosh_patches
from app.search.query import prepare


def stock(node):
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
        return Q.And([stock(p) for p in node.parts])
    return Q.Or([stock(p) for p in node.parts])


def matches(searcher, q: str) -> list[list]:
    parsed = prepare(q)
    if not parsed.must and not parsed.filters:
        return []
    must = [stock(n) for n in parsed.must]
    query = Q.And(must) if len(must) > 1 else must[0] if must else Q.Every()
    found = searcher.search(
        query,
        limit=None,  # every match scored, no block-quality shortcuts
        filter=Q.And([stock(n) for n in parsed.filters]) if parsed.filters else None,
        mask=Q.Or([stock(n) for n in parsed.must_not]) if parsed.must_not else None,
    )
    return [[hit["id"], found.score(i)] for i, hit in enumerate(found)]


def main() -> None:
    job = json.load(sys.stdin)
    with index.open_dir(job["folder"]).searcher(weighting=scoring.BM25F()) as searcher:
        out = [matches(searcher, q) for q in job["queries"]]
    # checked after the searches too: nothing on the way may have patched whoosh
    if any(getattr(owner, name) is ours for owner, name, ours in whoosh_patches.PATCHES):
        sys.exit("the reference process runs patched whoosh")
    if "app.search.matchers" in sys.modules:
        sys.exit("the reference process imported app.search.matchers")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
