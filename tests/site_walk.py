"""The site's pages as a visitor finds them: from the site map, following every link of every page reached.

No list is kept by hand: a page is walked as soon as anything links to it. Used by the in-process site-wide
checks and by the browser checks of the deployed configuration.
"""

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

START = "/plan-du-site/"
# Staff pages are not public; /favicon.ico redirects to a static file.
NOT_PUBLIC = ("/admin/", "/static/", "/favicon.ico")
MAX_PAGES = 2_000


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def internal_paths(html: str, base: str) -> set[str]:
    """The site's own pages that ``html`` (the page at path ``base``) links to: paths, and the pages of a
    list (``?page=N``); other query strings (filters, sorts) and fragments are dropped."""
    parser = _Links()
    parser.feed(html)
    paths = set()
    for href in parser.hrefs:
        parts = urlsplit(urljoin(f"http://site.invalid{base}", href))
        if parts.netloc != "site.invalid" or parts.path.startswith(NOT_PUBLIC):
            continue
        paths.add(f"{parts.path}?{parts.query}" if re.fullmatch(r"page=\d+", parts.query) else parts.path)
    return paths


def walk(fetch: Callable[[str], tuple[int, str, str]], start: str = START) -> dict[str, tuple[int, str, str]]:
    """Every internal path reachable from ``start``; ``fetch(path)`` gives (status, content type, body)."""
    seen, queue = {}, [start]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        status, content_type, body = seen[path] = fetch(path)
        if status == 200 and content_type.startswith("text/html"):
            queue.extend(sorted(internal_paths(body, path) - seen.keys()))
    return seen


def route_of(path: str) -> str:
    """The name of the route that serves ``path`` (pages of one list share it)."""
    try:
        return resolve(path.split("?")[0]).view_name
    except Resolver404:
        return path
