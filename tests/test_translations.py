"""The Simplified Chinese catalogue: complete, consistent with its compiled .mo, and in use.

The .po file is read with a small parser (no polib); the committed .mo is loaded with Python's
`gettext`, so these checks run on machines without GNU gettext. `msgfmt --check-format` runs in
addition when it is on PATH.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Placeholders a translation must keep: %(name)s, %(seconds).1f, %s, %d, {name}, HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]|\{\w*\}|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    line: int
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def _unquote(literal: str) -> str:
    body = literal.strip()
    assert body.startswith('"'), f"not a PO string: {literal!r}"
    assert body.endswith('"'), f"not a PO string: {literal!r}"
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES[m.group(1)], body[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Entries of a PO file (obsolete `#~` entries left out), the header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            entry, target = None, None
            continue
        if line.startswith("#~") or line.startswith("#|"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"line {number}: continuation without a keyword"
            _append(entry, target, _unquote(line))
        else:
            keyword, literal = line.split(" ", 1)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
            else:
                assert keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}, f"line {number}: {keyword}"
                target = (keyword, 0)
            _append(entry, target, _unquote(literal), start=True)
    return entries


def _append(entry: Entry, target: tuple[str, int], value: str, start: bool = False) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + value
    else:
        setattr(entry, name, ("" if start else getattr(entry, name) or "") + value)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_catalogue_has_a_header_with_one_plural_form(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    assert len(messages) > 300  # the portal's catalogue, not an empty file
    untranslated = [e.msgid for e in messages if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_exactly_the_one_chinese_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals
    assert [e.msgid for e in plurals if sorted(e.msgstr) != [0]] == []


def test_translations_keep_placeholders_tags_and_outer_whitespace(messages):
    problems = []
    for e in messages:
        for msgstr in e.msgstr.values():
            if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
                problems.append(("placeholders", e.msgid, msgstr))
            for edge in (0, -1):
                if e.msgid[edge].isspace() != msgstr[edge].isspace():
                    problems.append(("whitespace", e.msgid, msgstr))
    assert problems == []


def test_compiled_catalogue_matches_the_po_file(messages):
    """The committed .mo answers every message of the .po with the .po's translation: a .po
    edited or re-extracted without compilemessages fails here."""
    with MO_PATH.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in messages:
        if e.msgid_plural is not None:
            got = (
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt is not None
                else compiled.ngettext(e.msgid, e.msgid_plural, 1)
            )
        else:
            got = (
                compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else compiled.gettext(e.msgid)
            )
        if got != e.msgstr[0]:
            stale.append(e.msgid)
    assert stale == []


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(  # noqa: S603 (fixed arguments, no user input)
        [MSGFMT, "--check", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Workers' Cultural Palaces", "工人文化宫"),
        ("Culture centre", "文化中心"),
        ("Education centre", "教育中心"),
        ("Health centre", "健康中心"),
        ("Service centre", "服务中心"),
        ("Satellite points", "活动点"),
        ("in service", "已投入使用"),
        ("under construction", "在建"),
        ("equipment being installed", "设备进场"),
        ("planned", "规划中"),
        ("closed", "已关闭"),
        ("Palace staff", "文化宫工作人员"),
        ("Palace manager", "文化宫负责人"),
        ("Workers' library", "职工书屋"),
        ("Sign in", "登录"),
        ("Sign out", "退出登录"),
        ("Send code", "获取验证码"),
    ],
)
def test_domain_words_follow_the_glossary(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_pages_are_chinese_by_default(client, world):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "跳到正文" in body  # base.html's "Skip to content": catalogue text, not data
    assert "Skip to content" not in body


def test_pages_are_english_with_the_language_cookie(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Skip to content" in body
    assert "跳到正文" not in body
