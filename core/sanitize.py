"""The one place where text and links that come from outside become safe to show: URLs, HTML, Markdown.

Every importer (Decidim exports, publiccode.yml files) goes through these functions, so one rule holds
everywhere: a link kept is an absolute http(s) address, HTML is reduced to a small set of tags by nh3,
and plain text typed by people (often with Markdown marks and bare URLs) is rendered, then sanitised.
"""

import re
from urllib.parse import urljoin, urlsplit

import nh3
from markdown_it import MarkdownIt

SCHEMES = frozenset({"http", "https"})
ALLOWED_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "a", "strong", "b", "em", "i", "u", "blockquote", "h2", "h3", "h4", "code"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "noopener noreferrer nofollow"
# Tags of the rich-text editors that mark a value as HTML rather than text (detected per value).
_HTML = re.compile(r"<(p|br|div|ul|ol|li|a|strong|em|b|i|h[1-6]|span|blockquote)\b", re.IGNORECASE)
# A bare address in text: not already inside a Markdown link "](…)", an autolink "<…>" or an attribute.
_BARE_URL = re.compile(r"(?<![(<\"'=\w/])https?://[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]", re.IGNORECASE)
# CommonMark without raw HTML (it is escaped), and with line breaks kept: people wrote lines, not paragraphs.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(["image"])


def safe_url(url: str | None, *, base: str = "") -> str:
    """``url`` as an absolute http(s) address (resolved against ``base`` when relative), or "" when unsafe."""
    url = (url or "").strip()
    if not url or any(char.isspace() or ord(char) < 32 for char in url):
        return ""
    if base and not urlsplit(url).scheme:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return ""
    return url


def clean_html(html: str, *, base: str = "") -> str:
    """HTML reduced to the allowed tags; links absolute (relative ones resolved against ``base``) and http(s)."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "href":
            return safe_url(value, base=base) or None
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=set(SCHEMES),
        link_rel=LINK_REL,
    ).strip()


def render_text(text: str, *, base: str = "") -> str:
    """Safe HTML for a value from outside: HTML is sanitised; text is read as Markdown with bare URLs as links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    if _HTML.search(text):
        return clean_html(text, base=base)
    html = _MARKDOWN.render(_BARE_URL.sub(lambda match: f"<{match.group(0)}>", text))
    return clean_html(html.replace(">\n", ">"), base=base)
