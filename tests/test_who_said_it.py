"""One person across names and scripts; unnamed voices stay on their page; prose is prose.

Small pages run through the real parser with the real registry in data/.
"""

from __future__ import annotations

import pytest

from app.config import ROOT
from app.parse import boilerplate
from app.parse.pipeline import parse_bytes
from app.parse.speakers import Registry


@pytest.fixture(scope="module")
def registry():
    return Registry.load(ROOT / "data")


def speakers(text: str, registry, name: str = "page.txt") -> list[tuple[str | None, str]]:
    [doc] = parse_bytes(name, text.encode("utf-8"), registry)
    return [(p.speaker.name if p.speaker else None, p.evidence) for p in doc.passages]


def conversation(asker: str, answerer: str) -> str:
    return (
        "An evening with the founder of a lab\n\n"
        "Dario Amodei runs Anthropic. We met him in San Francisco.\n\n"
        f"{asker}: Where does the lab stand today?\n\n"
        f"{answerer}: We are growing faster than we planned.\n\n"
        f"{asker}: And safety?\n\n"
        f"{answerer}: It comes first, always.\n"
    )


@pytest.mark.parametrize(
    "label",
    ["Dario Amodei", "DARIO AMODEI", "Amodei", "AMODEI", "Herr Amodei", "DA", "ダリオ・アモデイ氏"],
)
def test_a_label_in_any_form_is_the_registry_person(registry, label):
    found = speakers(conversation("Interviewer", label), registry)
    answers = [who for who, _ in found[2::2]]
    assert answers == ["Dario Amodei", "Dario Amodei"], found


def test_how_each_speaker_was_known_is_recorded(registry):
    found = speakers(conversation("Q", "DA"), registry)
    assert [how for _, how in found[1:]] == ["label", "initials", "label", "initials"]
    found = speakers(conversation("Interviewer", "AMODEI"), registry)
    assert found[2] == ("Dario Amodei", "surname")


DIARISED = (
    "Speaker 1: Hello and welcome.\n\nSpeaker 2: Thanks, glad to be here.\n\n"
    "Speaker 1: Let us begin.\n"
)


def test_diarisation_labels_are_people_of_their_page_only(registry):
    [one] = parse_bytes("one.txt", ("A talk about chips\n\n" + DIARISED).encode(), registry)
    [two] = parse_bytes("two.txt", ("A talk about data\n\n" + DIARISED).encode(), registry)
    first = {p.speaker.slug for p in one.passages if p.speaker}
    second = {p.speaker.slug for p in two.passages if p.speaker}
    assert len(first) == 2 and len(second) == 2 and not first & second
    assert {p.speaker.name for p in one.passages if p.speaker} == {"Speaker 1", "Speaker 2"}
    assert {p.evidence for p in one.passages if p.speaker} == {"diarisation"}


def test_prose_with_a_colon_is_not_a_label(registry):
    text = (
        "Warum Rechenzentren knapp werden\n\n"
        "Die Nachfrage wächst schneller als das Angebot.\n\n"
        "Die Frage ist: Wer baut die nächsten Anlagen?\n\n"
        "In dieser Situation: Die Preise steigen weiter.\n"
    )
    assert {who for who, _ in speakers(text, registry)} == {None}


def test_an_unknown_speaker_keeps_the_label_as_printed(registry):
    text = (
        "Transcript of the panel\n\n"
        "MODERATOR: Who wants to start?\n\n"
        "UNIDENTIFIED FEMALE: I will.\n\n"
        "MODERATOR: Go ahead.\n"
    )
    [doc] = parse_bytes("panel.txt", text.encode(), registry)
    unknown = next(p for p in doc.passages if p.text.startswith("I will."))
    assert unknown.speaker is None and unknown.label == "UNIDENTIFIED FEMALE"
    assert unknown.role == "turn"


def test_chatbot_leftovers_are_not_passages(registry):
    text = (
        "Zusammenfassung: Gespräch mit Dario Amodei\n\n"
        "Amodei spricht über Skalierung und Sicherheit.\n\n"
        "Ich hoffe, diese Zusammenfassung hilft dir weiter!\n\n"
        "Let me know if you would like more details on any part.\n"
    )
    [doc] = parse_bytes("note.txt", text.encode(), registry)
    everything = "\n".join(p.text for p in doc.passages)
    assert "Skalierung" in everything
    assert "Ich hoffe" not in everything and "Let me know" not in everything


@pytest.mark.parametrize(
    "line, kind",
    [
        ("(BEGIN VIDEO CLIP)", "stage direction"),
        ("THIS IS A RUSH TRANSCRIPT. THIS COPY MAY NOT BE IN ITS FINAL FORM.", "transcript notice"),
        ("🧾️ Download transcript", "interface"),
        ("기자정보, 기사등록일", "interface"),
        ("[사진=로이터·연합뉴스]", "caption"),
        ("© 2007 Computer History Museum", "credit"),
        ("ARTIFICIAL-INTELLIGENCEALIGNMENTETHICS", "tags"),
        ("Let me know if you would like more details on any part.", "chatbot leftover"),
        ("希望这份总结对您有帮助!", "chatbot leftover"),
        ("Ich hoffe, diese Zusammenfassung hilft dir.", "chatbot leftover"),
        ("この記事をはてなブックマークに追加", "share button"),
        ("Share on LinkedIn", "share button"),
        ("Auf Facebook teilen", "share button"),
        ("• Partager sur X", "share button"),
        ("分享到微博", "share button"),
        ("카카오톡 공유", "share button"),
        ("[선데이 모닝 키플랫폼] 인터뷰 - 서리빈 포항공과대학교 산업경영공학과 교수", "kicker"),
        ("[Serie: KI-Köpfe] Interview – Ursula Keller, ETH Zürich", "kicker"),
        ("Return to Transcripts main page", "navigation"),
        ("← Back to Episode Summary", "navigation"),
        ("See all Lex Fridman transcripts on Youtube", "navigation"),
        ("返回首页", "navigation"),
        ("其他登录方式", "login dialog"),
        ("Forgot your password?", "login dialog"),
    ],
)
def test_kinds_of_boilerplate_lines(line, kind):
    assert boilerplate.kind_of(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Let me be clear about what we know.",
        "Copy that, he said, and went back to work.",
        "We hope this summary of the research is useful to policymakers.",
        "He shares a flat with two Facebook engineers.",
        "I posted it on Twitter.",
        "[앵커] 오늘은 김덕진 소장과 함께합니다.",
        "[Laughs] Yes - and we kept going.",
        "Back to you, Jake",
        "See all the things we built",
        "Go back to the start: what happened?",
    ],
)
def test_words_of_a_speaker_are_not_boilerplate(line):
    assert boilerplate.kind_of(line) is None


def test_a_flattened_pdfs_running_header_and_cover_fields_go():
    title = "Oral History of Jane Roe"
    cover = (
        "Oral History of Jane Roe Interviewed by: John Doe Recorded: May 2, 2007 "
        "CHM Reference number: X1234.2007 © 2007 Computer History Museum "
        "Oral History of Jane Roe (Doe)"
    )
    kept = boilerplate.without_page_furniture(cover, title)
    assert kept == "Oral History of Jane Roe Interviewed by: John Doe Recorded: May 2, 2007"
    speech = "and then, page after page, Oral History of Jane Roe (Doe) we went on."
    assert boilerplate.without_page_furniture(speech, title) == (
        "and then, page after page, we went on."
    )
    said = "The law changed in 1998. Copyright holders objected."
    assert boilerplate.without_page_furniture(said, title) == said


def test_scraper_metadata_runs_go():
    lines = ["youtube_url: https://example.org/v", "video_id: 1em", "view_count: 0", "", "Hello."]
    assert boilerplate.metadata_runs(lines) == {0, 1, 2}


def surname_page(intro: str) -> str:
    return (
        "An evening at the lab\n\n"
        f"{intro}\n\n"
        "Interviewer: Where does the lab stand today?\n\n"
        "Amodei: We are growing faster than we planned.\n\n"
        "Interviewer: And safety?\n\n"
        "Amodei: It comes first, always.\n"
    )


@pytest.mark.parametrize(
    "intro, who",
    [
        ("We met Daniela Amodei in San Francisco.", "Daniela Amodei"),
        ("We met Dario Amodei in San Francisco.", "Dario Amodei"),
        # the page does not say which Amodei: the label stays as printed
        ("We met the Amodei siblings in San Francisco.", "Amodei"),
        ("We met Dario Amodei and Daniela Amodei in San Francisco.", "Amodei"),
    ],
)
def test_a_surname_two_people_share_is_the_one_the_page_names(registry, intro, who):
    found = speakers(surname_page(intro), registry)
    assert [name for name, _ in found[2::2]] == [who, who], found


def test_a_photo_caption_names_the_guest_a_question_addresses(registry):
    text = (
        "Ein Gespräch über Sicherheit und Skalierung großer Sprachmodelle\n"
        "Dario Amodei: Der Anthropic-Chef im Gespräch. Foto: Getty Images\n"
        "Herr Amodei, Sie waren Forscher bei OpenAI. Wie war das?\n"
        "Lehrreich. Wir haben dort viel über Skalierung gelernt.\n"
        "War OpenAI-Chef Sam Altman weniger vorsichtig als Sie?\n"
        "Das möchte ich nicht beurteilen, ich spreche lieber über uns.\n"
        "Und was kommt jetzt?\n"
        "Mehr Sicherheit, mehr Forschung, mehr Geduld.\n"
    )
    found = speakers(text, registry)
    # the one named in full is in a caption only; the one named in a question is not asked
    assert [name for name, _ in found[1::2]] == ["Dario Amodei"] * 3, found


def test_the_role_printed_with_a_name_is_read(registry):
    text = (
        "A talk about models\n\n"
        "Jane Roe (Moderator): Welcome, everyone, to the panel.\n\n"
        "John Doe (Guest): Thank you. Shall we begin with costs?\n\n"
        "Jane Roe (Moderator): Let us begin with costs.\n\n"
        "John Doe (Guest): Is it cheaper to run? Yes.\n"
    )
    [doc] = parse_bytes("panel.txt", text.encode(), registry)
    assert [(role, p.name) for role, p in doc.participants] == [
        ("host", "Jane Roe"),
        ("guest", "John Doe"),
    ]
    assert [p.role for p in doc.passages] == ["question", "answer", "question", "answer"]


@pytest.mark.parametrize(
    "label, who",
    [
        ("샘 올트먼 오픈AI 최고경영자", "Sam Altman"),  # the registry's name, then org and title
        ("샘 올트먼 대표", "Sam Altman"),
        ("홍길동 대표", "홍길동"),  # a name the registry does not know, without its title
    ],
)
def test_a_korean_title_after_a_name_is_not_the_name(registry, label, who):
    text = (
        "인공지능 대담\n\n"
        f"{label}: 우리는 더 큰 모델을 만들고 있습니다.\n\n"
        "기자: 왜 그렇습니까?\n\n"
        f"{label}: 더 잘 추론하기 때문입니다.\n"
    )
    found = speakers(text, registry)
    assert [name for name, _ in found[0::2]] == [who, who], found


def test_a_last_question_cut_before_its_answer_still_asks(registry):
    text = (
        "大塚あみさんインタビュー\n\n文● 遠藤諭\n\n"
        "―― 最近はどんな使い方をしていますか?\n\n「毎日使っています」\n\n"
        "―― どんな人たち?\n\n「美容師さんとか」\n\n"
        "―― うむ。\n\n「メイクさんもそうですね」\n\n"
        "―― それまさに心が入っている。エンジニアは\n"
    )
    found = speakers(text, registry)
    assert found[-1] == ("遠藤諭", "alternation"), found


def test_a_page_that_labels_only_its_guest_asks_in_the_paragraph_before(registry):
    text = (
        "科大讯飞胡郁:中国需要更多能爬山的公司\n\n"
        "世界人工智能大会上,科大讯飞的轮值总裁胡郁也在,新浪科技对他进行了专访。\n\n"
        "胡郁认为,中国需要更多能爬山的公司。胡郁有此结论,和他的另一个身份有关。\n\n"
        "可以透露一下科大讯飞的市场份额吗?\n\n"
        "胡郁:在手机市场,问题不在市场份额。\n\n"
        "其实我们离语音交互的大爆发还差得很远。\n"
    )
    found = speakers(text, registry)
    assert found[2:] == [("新浪科技", "alternation"), ("胡郁", "label")], found


def test_a_chinese_label_nobody_introduces_stays_unexplained(registry):
    text = (
        "一篇文章\n\n大家都在谈论人工智能的问题。\n\n"
        "这是为什么呢?\n\n问题:在手机市场,没有人用。\n\n其实还差得很远。\n"
    )
    assert {who for who, _ in speakers(text, registry)} <= {None, "问题"}


def test_a_broadcast_anchor_introduces_herself_above_her_role_label(registry):
    text = (
        "인공지능 앵커와의 대화\n\n"
        "안녕하십니까. 저는 사이버 공간에만 존재하는 AI 앵커 박하늘입니다.\n"
        "오늘은 민경영 기자와 함께합니다.\n"
        "【 기자 】\n반갑습니다. 어떻게 뉴스를 진행하시는 거죠?\n"
        "【 AI 앵커 】\n네. 저는 영상 10시간 분량을 학습해 탄생했습니다.\n"
        "【 기자 】\n평가는 어떤가요?\n"
        "【 AI 앵커 】\n다양한 반응을 보여주셨는데요.\n"
    )
    found = speakers(text, registry)
    assert found[0] == ("AI 앵커 박하늘", "introduction"), found
    assert [who for who, _ in found[-4:]] == ["민경영", "AI 앵커 박하늘"] * 2, found
