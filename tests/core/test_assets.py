"""Stylesheets and scripts carry the integrity of the bytes served, also after collectstatic rewrote them."""

import base64
import hashlib
from pathlib import Path

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.template import Context, Template

from core.assets import integrity, served_file


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_in_development_the_hash_is_that_of_the_app_s_own_file(settings):
    served = Path(served_file("css/portail.css"))

    assert served == Path(settings.BASE_DIR) / "static" / "css" / "portail.css"
    assert integrity("css/portail.css") == sri(served.read_bytes())


def test_the_tags_link_the_file_with_its_integrity():
    html = Template(
        '{% load assets %}{% stylesheet "css/portail.css" %}{% script "js/formulaire.js" "module" %}'
    ).render(Context())

    assert f'<link rel="stylesheet" href="/static/css/portail.css" integrity="{integrity("css/portail.css")}">' in html
    assert f'<script type="module" src="/static/js/formulaire.js" integrity="{integrity("js/formulaire.js")}">' in html


def test_after_collectstatic_the_hash_is_that_of_the_rewritten_copy(settings, tmp_path):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "theme.css").write_text('@font-face { src: url("font.woff2"); }')
    (source / "css" / "font.woff2").write_bytes(b"font")
    original = sri((source / "css" / "theme.css").read_bytes())
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    staticfiles_storage._setup()

    served = (settings.STATIC_ROOT / staticfiles_storage.stored_name("css/theme.css")).read_bytes()

    assert b'url("font.' in served and b'url("font.woff2")' not in served  # rewritten to the hashed name
    assert integrity("css/theme.css") == sri(served) != original
