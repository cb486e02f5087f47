"""The DSFR's charts served from our static files: the locked npm package, changed only where the CSP needs it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from incubateur import dsfr_chart


def test_the_committed_copy_is_the_locked_package_with_its_csp_changes():
    committed = {path.name: path.read_bytes() for path in dsfr_chart.OUTPUT.iterdir()}

    assert committed == dsfr_chart.build(), (
        "static/vendor/dsfr-chart/ differs from node_modules/: run `manage.py vendor_dsfr_chart` and commit it."
    )


def test_the_copy_names_its_version_and_keeps_the_licence():
    lock = json.loads((dsfr_chart.ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/@gouvfr/dsfr-chart"]["version"]

    assert (dsfr_chart.OUTPUT / "README.md").read_text().startswith(f"# @gouvfr/dsfr-chart {version}\n")
    assert "MIT License" in (dsfr_chart.OUTPUT / "LICENSE").read_text()


def test_the_served_script_writes_no_inline_style_and_no_label_as_html():
    original = (dsfr_chart.SOURCE / "dist/DSFRChart/DSFRChart.js").read_text(encoding="utf-8")
    served = (dsfr_chart.OUTPUT / "DSFRChart.js").read_text(encoding="utf-8")

    assert 'style="background-color:${' in original and ".innerHTML = d[0];" in original
    assert 'style="' not in served and ".innerHTML = d" not in served
    assert "new Function(" not in served and "eval(" not in served
    # Nothing else changed: the same lines, six titles and six dots apart.
    changed = [pair for pair in zip(original.splitlines(), served.splitlines(), strict=True) if pair[0] != pair[1]]
    assert len(changed) == 12


def test_a_version_that_moved_the_tooltips_stops_the_copy():
    with pytest.raises(dsfr_chart.VendorError, match="trouvé 0 fois"):
        dsfr_chart.patch("const nothing = 1;")


def test_the_command_refuses_a_package_other_than_the_locked_one(tmp_path, monkeypatch):
    (tmp_path / "package.json").write_text('{"version": "1.0.0"}')
    monkeypatch.setattr(dsfr_chart, "SOURCE", tmp_path)
    monkeypatch.setattr(dsfr_chart, "OUTPUT", tmp_path / "out")

    with pytest.raises(CommandError, match="contient @gouvfr/dsfr-chart 1.0.0.*npm ci"):
        call_command("vendor_dsfr_chart")
    assert not (tmp_path / "out").exists()


def test_the_command_writes_the_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(dsfr_chart, "OUTPUT", tmp_path)

    out = io.StringIO()

    call_command("vendor_dsfr_chart", stdout=out)

    assert "@gouvfr/dsfr-chart 2.0.4" in out.getvalue()
    committed = dsfr_chart.ROOT / "static" / "vendor" / "dsfr-chart"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(path.name for path in committed.iterdir())
    assert (tmp_path / "DSFRChart.js").read_bytes() == (committed / "DSFRChart.js").read_bytes()
