"""A small reader of the admin's HTML for the language and CSP tests: text with where it stands.

Standard library only (html.parser): each text node is kept with the chain of elements around it,
so a test can ask for "the text inside #result_list thead" without a full DOM library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Latin words that Chinese text keeps as they are: abbreviations ("ID" is how Django and the
# portal's pages name a row's number, "IP 地址", "卡拉OK室") and the key names in Django's own
# Chinese hint for multiple selection ("按住 Control 键或 Mac 上的 Command 键").
KEPT_WORDS = {
    *("ID", "QR", "API", "CSV", "XLSX", "SMS", "URL", "IP", "HTTP", "GET", "POST", "SHA", "OK", "LDAP"),
    *("YYYY", "MM", "DD", "HH"),
    *("Control", "Command", "Mac"),
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Node:
    tag: str
    id: str
    classes: frozenset[str]
    attrs: dict

    def matches(self, selector: str) -> bool:
        """`tag`, `#id`, `.class` or `tag.class` (one simple selector)."""
        if selector.startswith("#"):
            return self.id == selector[1:]
        tag, _, cls = selector.partition(".")
        return (not tag or tag == self.tag) and (not cls or cls in self.classes)


@dataclass(frozen=True)
class Text:
    text: str
    path: tuple[Node, ...]

    def inside(self, *selectors: str) -> bool:
        """Whether the selectors match ancestors in this order (a descendant combinator chain)."""
        position = 0
        for node in self.path:
            if position < len(selectors) and node.matches(selectors[position]):
                position += 1
        return position == len(selectors)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[Node] = []
        self.texts: list[Text] = []
        self.elements: list[Node] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        node = Node(
            tag=tag,
            id=attributes.get("id") or "",
            classes=frozenset((attributes.get("class") or "").split()),
            attrs=attributes,
        )
        self.elements.append(node)
        if tag in VOID:
            # An <input type=submit>'s value is text the reader sees.
            if tag == "input" and attributes.get("type") in {"submit", "button"} and attributes.get("value"):
                self.texts.append(Text(attributes["value"], (*self.stack, node)))
            return
        self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not any(node.tag in {"script", "style", "template"} for node in self.stack):
            self.texts.append(Text(text, tuple(self.stack)))


@dataclass
class Page:
    texts: list[Text]
    elements: list[Node]

    def text_inside(self, *selectors: str) -> list[str]:
        return [text.text for text in self.texts if text.inside(*selectors)]


def read(html: str) -> Page:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return Page(texts=collector.texts, elements=collector.elements)


def english_words(text: str) -> list[str]:
    """Runs of two or more Latin letters that Chinese text would not keep."""
    return [word for word in ENGLISH_WORD.findall(text) if word not in KEPT_WORDS]
