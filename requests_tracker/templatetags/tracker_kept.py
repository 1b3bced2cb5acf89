"""`{% kept "name" [vary ...] %}...{% endkept %}`: a block of a page kept in the page cache
(requests_tracker/page_cache.py), per data version, day, the reader's role and query, and the
values given after the name (a page asked with a query is kept only if `page_cache.admitted`).
What the block reads (the view hands it callables) is read only when the block is not kept; with
the page cache off it is rendered every time."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from requests_tracker import page_cache

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, name: str, vary: list[FilterExpression], nodelist: NodeList) -> None:
        self.name, self.vary, self.nodelist = name, vary, nodelist

    def render(self, context: template.Context) -> str:
        request = context["request"]
        return page_cache.cached(
            self.name,
            *(value.resolve(context) for value in self.vary),
            *page_cache.reader_vary(request),
            compute=lambda: self.nodelist.render(context),
            bounded=bool(request.GET),  # the plain page is always kept
        )


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept %} takes a quoted name: {% kept "name" %}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
