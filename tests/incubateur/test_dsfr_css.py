"""The DSFR subset the pages load: up to date with the templates, with what they show and nothing else."""

import brotli

from incubateur.dsfr_css import CLASS, DIST, OUTPUT, build, used_classes


def test_the_committed_stylesheet_is_what_the_templates_need():
    assert OUTPUT.read_text(encoding="utf-8") == build(), (
        "static/dsfr-portail/dsfr.min.css is out of date: run `manage.py build_dsfr_css` and commit it."
    )


def test_it_keeps_the_dsfr_licence_the_components_used_and_the_icons_shown_inlined():
    css = OUTPUT.read_text(encoding="utf-8")

    assert "SPDX-License-Identifier: MIT" in css.split("\n")[2]
    assert ".fr-header__brand" in css and ".fr-card--horizontal" in css and ".fr-pagination__link" in css
    assert ".fr-icon-close-line:before" in css and 'url("data:image/svg+xml' in css
    assert "url(../dsfr/dist/fonts/Marianne-Regular.woff2)" in css


def test_components_icons_and_utilities_no_page_uses_are_left_out():
    css = OUTPUT.read_text(encoding="utf-8")
    used = used_classes()

    assert "fr-accordion" not in used and ".fr-accordion" not in css
    assert ".fr-icon-zoom-in-line" not in css and ".fr-mt-12w" not in css
    assert len(brotli.compress(css.encode())) < 40_000


def test_every_dsfr_class_the_portal_uses_is_styled_by_the_subset():
    # A component judged unneeded once left every text field and select without border or background.
    full = set()
    for file in (DIST / "dsfr" / "dsfr.main.min.css", DIST / "utility" / "utility.main.min.css"):
        full |= set(CLASS.findall(file.read_text(encoding="utf-8")))
    kept = set(CLASS.findall(OUTPUT.read_text(encoding="utf-8")))

    assert sorted((used_classes() & full) - kept) == []
    assert ".fr-input{" in OUTPUT.read_text(encoding="utf-8") and ".fr-select{" in OUTPUT.read_text(encoding="utf-8")
