"""``{% region_attrs regions.injects %}``: the attributes live.js reads to keep a region current
(its name, its fragment URL, the events that change it, the variant it shows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from wargame.web.regions.render import Shown

register = template.Library()


@register.simple_tag
def region_attrs(region: Shown) -> SafeString:
    attrs = format_html(
        ' data-region="{}" data-src="{}" data-refresh="{}"', region.name, region.src, region.refresh
    )
    if region.variant is not None:
        attrs += format_html(' data-variant="{}"', region.variant)
    return attrs
