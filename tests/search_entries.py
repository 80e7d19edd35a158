"""Index entries (as app.store.index_entries yields them) made from real seed sentences."""

from app.search.entry import IndexEntry


def entry(
    id: str,
    text: str,
    *,
    speaker="",
    slug="",
    interview="lenny",
    doc="000",
    lang="de",
    date="2025-07-22",
    kind="interview",
    role="answer",
    timestamp=None,
    ordinal=0,
) -> IndexEntry:
    return IndexEntry(
        id=id,
        text=text,
        language=lang,
        speaker_name=speaker,
        speaker_slug=slug,
        interview_slug=interview,
        interview_title=interview.title(),
        document_key=doc,
        date=date,
        kind=kind,
        provenance=["transcript"],
        timestamp=timestamp,
        ordinal=ordinal,
        role=role,
    )


ENTRIES = [
    entry(
        "de-1",
        "Hinter diesem Wettrennen um Techniktalente steckt ein heftiger Wettlauf der "
        "Techniktitane um die Monopolisierung von KI - Talenten.",
        ordinal=1,
    ),
    entry(
        "de-2",
        "Wenn KI in der Lage ist, mehr als 50 % der wirtschaftlichen Aufgaben unabhängig "
        "zu erledigen, wird der echte Wendepunkt von AGI (Allgemeine Künstliche Intelligenz) "
        "eintreten.",
        ordinal=2,
    ),
    entry(
        "de-3",
        "Du sagtest, Talentdichte schlägt Talentmasse. Kannst du einfach darüber "
        "sprechen, was es braucht, um ein großartiges Team von KI-Forschern aufzubauen?",
        speaker="Lex Fridman",
        slug="lex-fridman",
        interview="lex-452",
        doc="002",
        date="2024-11-11",
        role="question",
        timestamp=5905,
        ordinal=3,
    ),
    entry(
        "de-4",
        "Ein kleines Team mit hoher Talentdichte kann ein größeres Team übertreffen.",
        speaker="Dario Amodei",
        slug="dario-amodei",
        interview="lex-452",
        doc="002",
        date="2024-11-11",
        ordinal=4,
    ),
    entry(
        "de-5",
        "Es war 2020, bevor ich zu OpenAI kam, und mir ist die Kinnlade runtergefallen.",
        speaker="Zack Kass",
        slug="zack-kass",
        interview="wiwo",
        doc="003",
        date="2024-06-01",
        ordinal=5,
    ),
    entry(
        "zh-1",
        "我刚才说了,我们还处在指数曲线最平的那段。所以现在优秀的人才极其重要,"
        "这也是我们加速招人的原因。",
        speaker="Benjamin Mann",
        slug="benjamin-mann",
        doc="001",
        lang="zh",
        ordinal=6,
    ),
    entry(
        "zh-2",
        "像 Dario 说的,拥有有爱心的机器、数据中心里的天才国度,还能加速科学、技术的发展。",
        speaker="Benjamin Mann",
        slug="benjamin-mann",
        doc="001",
        lang="zh",
        ordinal=7,
    ),
    entry(
        "zh-3",
        "如今,公司的年化收入已经突破40亿美元。达里奥笑着说,这其实是一种绝佳的互补。",
        interview="collison",
        doc="004",
        lang="zh",
        date="2025-08-01",
        kind="interview_summary",
        role="narration",
        ordinal=8,
    ),
    entry(
        "en-1",
        "Running large models in data centers changes how companies hire talent.",
        interview="essay-x",
        doc="005",
        lang="en",
        date="",
        kind="essay",
        role="narration",
        ordinal=9,
    ),
    entry(
        "xss",
        "Ein Angriff: <script>alert(1)</script> & <b>fett</b> im Talent-Text.",
        interview="evil",
        doc="006",
        ordinal=10,
    ),
]
