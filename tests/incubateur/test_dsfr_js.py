"""The DSFR script the pages load: up to date with the templates, the core and the components they use."""

import brotli

from incubateur.dsfr_css import DIST, used_classes
from incubateur.dsfr_js import OUTPUT, build, looked_for, used_components


def test_the_committed_script_is_what_the_templates_need():
    assert OUTPUT.read_text(encoding="utf-8") == build(), (
        "static/dsfr-portail/dsfr.module.min.js is out of date: run `manage.py build_dsfr_css` and commit it."
    )


def test_it_keeps_the_dsfr_licence_the_core_and_the_components_the_header_and_theme_modal_need():
    script = OUTPUT.read_text(encoding="utf-8")

    assert "SPDX-License-Identifier: MIT" in script.split("\n")[0]
    for registered in ("t.core={Instance:", "e.scheme={Scheme:", "e.header={HeaderLinks:", "t.modal={Modal:",
                       "e.navigation={Navigation:", "e.display={Display:"):  # fmt: skip
        assert registered in script
    assert 'addEventListener("dsfr.disclose"' in script  # the theme modal's pictures, on opening


def test_components_no_page_uses_are_left_out_and_it_weighs_less_than_the_whole_dsfr():
    script = OUTPUT.read_text(encoding="utf-8")
    whole = (DIST / "dsfr" / "dsfr.module.min.js").read_bytes()

    assert "fr-accordion" not in used_classes() and "accordion={" not in script
    assert "tooltip={" not in script and "password={" not in script
    assert len(brotli.compress(script.encode())) < len(brotli.compress(whole)) - 2_000


def test_a_component_is_taken_when_a_page_uses_a_class_only_its_script_looks_for():
    assert "fr-nav" in looked_for("navigation") and "fr-modal" in looked_for("header")

    assert used_components({"fr-nav"}) == ["navigation"]
    # fr-modal is looked for by the header's script too: it makes the modal needed, not the header.
    assert used_components({"fr-modal__body"}) == ["modal"]
    assert used_components({"fr-accordion", "fr-tooltip"}) == ["accordion", "tooltip"]
