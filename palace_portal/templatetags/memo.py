"""`{% memo value … %}…{% endmemo %}`: a fragment rendered once per process for each combination of
the values named (and of the language, URL prefix and URLconf of the request), then reused as text.

For the page frame (`base.html`): its menus are some thirty translated links that depend only on
the person's staff roles, and rendering them (a `reverse()` and a catalogue lookup each) was about
a millisecond of every page. The values named must be everything the fragment reads: a fragment
with anything personal in it (a name, a CSRF token, the address asked for) must not be memoised.
Values that cannot be hashed render the fragment each time; so does DEBUG, where templates change
while the server runs. The memo is bounded (`LIMIT` fragments per process); the frame's keys are a
handful (roles × signed-in × language).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

LIMIT = 1000
_FRAGMENTS: dict[tuple, str] = {}


class MemoNode(template.Node):
    def __init__(self, nodelist: template.NodeList, values: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.values = values

    def render(self, context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        # The node itself names the fragment: one entry per place in a template.
        values = [value.resolve(context) for value in self.values]
        key = (self, get_language(), get_script_prefix(), get_urlconf(), *values)
        try:
            html = _FRAGMENTS.get(key)
        except TypeError:  # a value that cannot be hashed
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            if len(_FRAGMENTS) < LIMIT:
                _FRAGMENTS[key] = html
        return html


@register.tag
def memo(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, values)


def clear() -> None:
    _FRAGMENTS.clear()


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # Tests change settings (the URLconf, the province's name, static storage…) while the process
    # runs; a deployment restarts its processes instead.
    clear()
