"""Rule-set variants for measuring generalisation: rules off, and leave-one-template-out.

A figure measured on pages whose selectors were written for them says how well the rules fit, not how well
the cleaner works on next month's template. Two variants answer that: the generic rules alone (a site
without a rule file), and the full rules minus the `[body]` selectors that serve the page at hand (the
same outlet after a layout change: its other rules still apply, its container selectors no longer match).
"""

from __future__ import annotations

from cleaners.decoding import decode_html
from cleaners.dom import NotHTML, parse_html, strip_non_text
from cleaners.rules import GENERIC_NAME, RuleRegistry

#: What the eval modes are called on the command line and in reports.
MODES = ("rules", "rules-off", "leave-one-template-out")


def served_selectors(html: bytes, url: str | None, registry: RuleRegistry) -> set[str]:
    """Names of the outlet and profile `[body]` selectors that match an element on this page."""
    try:
        tree = parse_html(decode_html(html)[0])
    except NotHTML:
        return set()
    strip_non_text(tree)
    served = set()
    for part in registry.ruleset(url, tree).parts:
        if part.name == GENERIC_NAME:
            continue
        for selector in part.body:
            if any(len(" ".join(e.text_content().split())) >= 80 for e in selector.xpath(tree)):
                served.add(selector.name)
    return served


def registry_for(mode: str, registry: RuleRegistry, html: bytes, url: str | None) -> RuleRegistry:
    """The registry a page is cleaned with in `mode` (one of MODES)."""
    if mode == "rules":
        return registry
    if mode == "rules-off":
        return registry.generic_only()
    if mode == "leave-one-template-out":
        return registry.without_body(served_selectors(html, url, registry))
    raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
