import pytest

from core.sanitize import clean_html, render_text, safe_url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)//", "data:text/html,x", "mailto:a@b.fr", "//evil.example/x", "/relative", "http://", ""],
)
def test_only_absolute_http_links_are_kept(url):
    assert safe_url(url) == ""


def test_relative_links_resolve_against_the_source_instance():
    html = clean_html('<a href="/processes/p/f/2/proposals/245">p</a>', base="https://brasil.example/")

    assert (
        html
        == '<a href="https://brasil.example/processes/p/f/2/proposals/245" rel="noopener noreferrer nofollow">p</a>'
    )
    assert "href" not in clean_html('<a href="/x">p</a>')  # no instance to resolve it against: no link


def test_text_is_rendered_as_markdown_with_bare_urls_as_links_and_no_raw_html():
    html = render_text("**Gras** et *italique*\nvoir https://exemple.fr/a_b.\n\n* un\n* deux\n\n<img src=x onerror=y>")

    assert html.startswith("<p><strong>Gras</strong> et <em>italique</em><br>voir ")
    assert '<a href="https://exemple.fr/a_b" rel="noopener noreferrer nofollow">https://exemple.fr/a_b</a>.' in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html
    assert "<img" not in html and "&lt;img" in html


def test_html_values_are_sanitised_not_rendered():
    html = render_text('<p onclick="x()">Un <b>texte</b> <script>alert(1)</script> **pas markdown**</p>')

    assert html == "<p>Un <b>texte</b>  **pas markdown**</p>"
