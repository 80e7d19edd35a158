"""What aligning versions and finding shared words cost at ingest: `python -m bench.align`.

Builds archives of N passages shaped like the seeds' real two-version interview (000
German, 25 passages; 001 Chinese, 74: same roles, speakers, lengths and words), each copy
with the words of every passage shuffled, so that copies share no runs of words, as
distinct interviews would not; every 50th passage then quotes 12 words (or 18 Chinese
characters) of a passage of another copy, so there are shared runs to find. Then times, inside one
write transaction as the ingest runs them, app.links.realign over every interview and
app.links.requote over the archive, and prints seconds per 10,000 passages, the links
found and the peak memory. The machine is shared: keep N at 20,000 or below.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from app import links
from app.align import Unit
from app.config import ROOT, settings_for
from app.ingest import ingest
from app.models import Document, Interview, Passage, PassageLink, PassageQuote, Speaker
from app.parse.speakers import Registry
from app.store import write_engine

PAIR = ("000_120461cb871c2243.txt", "001_18a6d7e100dca724.txt")
PIECE = re.compile(r"[\u4e00-\u9fff]|[^\s\u4e00-\u9fff]+")


def seed_pair(folder: Path) -> list[list[Unit]]:
    """The passages of the two versions of the seeds' Lenny interview."""
    settings = settings_for(folder / "seeds.db")
    ingest(settings, [ROOT / "seeds" / name for name in PAIR])
    engine = write_engine(settings.db_path)
    with Session(engine) as session:
        docs = [session.exec(select(Document).where(Document.key == key)).one() for key in PAIR]
        out = [links.units(session, doc.id) for doc in docs if doc.id is not None]
    engine.dispose()
    return out


def build(db: Path, pair: list[list[Unit]], size: int, seed: int = 3) -> int:
    """An archive of about `size` passages: copies of the pair, each passage changed."""
    rng = random.Random(seed)
    engine = write_engine(db)
    made, k = 0, 0
    written: dict[int, list[tuple[int, list[str]]]] = {0: [], 1: []}  # by language: (doc, pieces)
    with Session(engine) as session:
        speakers = {}
        for slug in sorted({u.speaker for version in pair for u in version} - {""}):
            speakers[slug] = Speaker(slug=slug, name=slug)
            session.add(speakers[slug])
        session.flush()
        while made < size:
            interview = Interview(key=f"bench|{k}", slug=f"bench-{k}", title=f"Bench {k}")
            session.add(interview)
            session.flush()
            for n, version in enumerate(pair):
                doc = Document(
                    key=f"bench-{k}-{n}.txt",
                    source_file=f"bench-{k}-{n}.txt",
                    sha256="",
                    encoding="utf-8",
                    language=("de", "zh")[n],
                    title=f"Bench {k}",
                    interview_id=interview.id,
                )
                session.add(doc)
                session.flush()
                assert doc.id is not None  # the flush gave the row its id
                joiner = ("", " ")[n == 0]
                for ordinal, p in enumerate(version):
                    pieces = PIECE.findall(p.text)
                    rng.shuffle(pieces)
                    text = joiner.join(pieces)
                    if made % 50 == 0 and written[n]:  # a quote of a passage of another copy
                        other_doc, other = rng.choice(written[n])
                        if other_doc != doc.id:
                            text += " " + joiner.join(other[: (12, 18)[n]])
                    written[n].append((doc.id, pieces))
                    session.add(
                        Passage(
                            id=f"b{made:011d}",
                            document_id=doc.id,
                            ordinal=ordinal,
                            speaker_id=speakers[p.speaker].id if p.speaker else None,
                            role=p.role,
                            text=text,
                        )
                    )
                    made += 1
            k += 1
        session.commit()
    engine.dispose()
    return made


def measure(db: Path, names: Callable[[str], dict[str, str]]) -> dict:
    engine = write_engine(db)
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        pairs = links.realign(session, links.all_interviews(session), names)
        aligned = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        quoted = links.requote(session)
        requoted = time.perf_counter() - started, time.process_time() - cpu
        session.commit()
        rows = {
            model.__name__: len(session.exec(select(model.passage_id)).all())
            for model in (PassageLink, PassageQuote)
        }
    engine.dispose()
    return dict(aligned=aligned, requoted=requoted, pairs=pairs, quoted=quoted, rows=rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="passages, comma-separated")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if max(sizes) > 20_000:
        sys.exit("the machine is shared: 20,000 passages at most")
    names = Registry.load(ROOT / "data").spellings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pair = seed_pair(folder)
        for size in sizes:
            n = build(folder / f"bench-{size}.db", pair, size)
            got = measure(folder / f"bench-{size}.db", names)
            per = 10_000 / n
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{n:,} passages ({n // 99} interviews of 2 versions), peak RSS {rss:.0f} MB")
            for step, seconds, found in (
                ("alignment", got["aligned"], f"{got['pairs']:,} linked pairs"),
                ("also quoted in", got["requoted"], f"{got['quoted']:,} pairs of passages"),
            ):
                wall, cpu = seconds
                print(
                    f"  {step}: {wall:.1f} s wall, {cpu:.1f} s CPU; per 10,000 passages "
                    f"{wall * per:.1f} s wall, {cpu * per:.1f} s CPU ({found})"
                )


if __name__ == "__main__":
    main()
