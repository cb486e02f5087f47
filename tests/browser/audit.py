"""What every public page must pass in a real browser: axe-core (WCAG 2.1 A and AA) and the basics."""

from tests.browser.conftest import AXE

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: the
    # audit runs on the deployed site with its real policy as well.
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def focus_is_visible(page) -> bool:
    """The focused element, or the pseudo-element the DSFR draws its ring on (enlarged links), shows a ring."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            return [null, '::before', '::after'].some(pseudo => {
                const style = getComputedStyle(element, pseudo);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                return outline || (style.boxShadow && style.boxShadow !== 'none');
            });
        }"""
    )


def tab_from_the_top(page) -> None:
    """Press Tab as a visitor arriving on the page would, wherever the page put the focus."""
    page.evaluate(
        """() => {
            const start = document.createElement('span');
            start.tabIndex = -1;
            document.body.prepend(start);
            start.focus();
            window.scrollTo(0, 0);
        }"""
    )
    page.keyboard.press("Tab")


def page_problems(page) -> list[str]:
    """Problems of the page now shown: axe violations, language, headings, skip link and focus."""
    problems = axe_violations(page)
    if page.evaluate("document.documentElement.lang") != "fr":
        problems.append('<html> has no lang="fr"')
    if (h1 := page.locator("h1").count()) != 1:
        problems.append(f"{h1} <h1> instead of one")
    if not page.title().strip():
        problems.append("empty <title>")
    # The first Tab reaches the skip link, drawn with a visible focus ring; it moves the focus to the content.
    tab_from_the_top(page)
    if page.evaluate("document.activeElement.textContent.trim()") != "Contenu":
        problems.append("the first Tab does not reach the skip link 'Contenu'")
    elif not focus_is_visible(page):
        problems.append("the focused skip link has no visible focus indicator")
    else:
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.id") != "contenu":
            problems.append("the skip link does not move the focus to the main content")
    return problems
