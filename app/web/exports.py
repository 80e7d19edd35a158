"""Exports for readers: an interview as plain text or Markdown (speakers, timestamps, the
source), search hits as CSV or JSON Lines. The whole archive is app/export.py's job."""

from __future__ import annotations

import csv
import io
import json

from app.web.views import InterviewPage, PassageView

SEARCH_COLUMNS = [
    "id",
    "url",
    "speaker_slug",
    "speaker_name",
    "interview_slug",
    "interview_title",
    "date",
    "language",
    "kind",
    "timestamp",
    "score",
    "snippet",
]


def header_lines(page: InterviewPage, base: str) -> list[tuple[str, str]]:
    """(name, value) facts shown above the text, in both formats."""
    i, v = page.interview, page.version
    facts = [
        ("Show", i.show + (f" #{i.episode}" if i.episode else "")),
        ("Date", i.date),
        ("Version", v.label),
        ("Publisher", v.publisher),
        ("Published", v.published_date),
        ("Source", v.source_url),
        ("Recording", v.media_url),
        ("Credit", v.source_credit),
        ("In the archive", f"{base}/interviews/{i.slug}"),
    ]
    facts += [(p.role.capitalize(), p.speaker.name) for p in i.participants]
    return [(name, value) for name, value in facts if value]


def who(p: PassageView) -> str:
    return p.speaker.name if p.speaker else p.speaker_label


def interview_text(page: InterviewPage, base: str) -> str:
    out = [page.version.title or page.interview.title, ""]
    out += [f"{name}: {value}" for name, value in header_lines(page, base)]
    out += [f"Note: {note}" for note in page.version.notes]
    section = ""
    for p in page.passages:
        if p.section and p.section != section:
            section = p.section
            out += ["", section, "-" * min(len(section), 60)]
        head = " ".join(x for x in [f"[{p.time}]" if p.time else "", who(p)] if x)
        out.append("")
        if head:
            out.append(f"{head}:")
        out.append(p.text)
        out.append(f"  ({base}/p/{p.id})")
    return "\n".join(out).strip() + "\n"


def md_escape(text: str) -> str:
    """Markdown's inline specials escaped, so a transcript renders as the words it holds."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def interview_markdown(page: InterviewPage, base: str) -> str:
    out = [f"# {md_escape(page.version.title or page.interview.title)}", ""]
    for name, value in header_lines(page, base):
        shown = f"<{value}>" if value.startswith(("http://", "https://")) else md_escape(value)
        out.append(f"- **{name}:** {shown}")
    out += [f"\n> **Note:** {md_escape(note)}" for note in page.version.notes]
    section = ""
    for p in page.passages:
        if p.section and p.section != section:
            section = p.section
            out += ["", f"## {md_escape(section)}"]
        time = f"[{p.time}]({p.moment_url})" if p.moment_url else p.time
        head = " · ".join(x for x in [f"**{md_escape(who(p))}**" if who(p) else "", time] if x)
        out += ["", head] if head else [""]
        out.append("")
        out += [md_escape(line) if line.strip() else "" for line in p.text.split("\n")]
        out.append(f"\n<sub>[{p.id}]({base}/p/{p.id})</sub>")
    return "\n".join(out).strip() + "\n"


def plain_snippet(snippet) -> str:
    """A hit's snippet as plain text, with "…" where the passage goes on."""
    return ("…" if snippet.cut_start else "") + snippet.text + ("…" if snippet.cut_end else "")


def search_rows(hits, base: str) -> list[dict]:
    return [
        {
            "id": h.id,
            "url": f"{base}/p/{h.id}",
            "speaker_slug": h.speaker_slug,
            "speaker_name": h.speaker,
            "interview_slug": h.interview_slug,
            "interview_title": h.interview_title,
            "date": h.date,
            "language": h.language,
            "kind": h.kind,
            "timestamp": h.timestamp,
            "score": h.score,
            "snippet": plain_snippet(h.snippet),
        }
        for h in hits
    ]


def search_csv(hits, base: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SEARCH_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(search_rows(hits, base))
    return buffer.getvalue()


def search_jsonl(hits, base: str) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in search_rows(hits, base))
