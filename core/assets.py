"""Static files with a Subresource Integrity hash computed from the bytes the browser receives.

django-dsfr's templates carry the hash of the original ``dsfr.min.css``; the production storage
(``CompressedManifestStaticFilesStorage``) rewrites the ``url()`` references inside each stylesheet when it
hashes the files, so the bytes served differ and the browser refused the whole DSFR. The hash is therefore
taken from the file the storage serves: the hashed, rewritten copy made by ``collectstatic`` in
production, the app's own file in development. It is computed once per file version (name, size, time).
"""

import base64
import hashlib
import os
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage


def served_file(path: str) -> str:
    """The file on disk whose bytes are served for the static ``path``."""
    if hasattr(staticfiles_storage, "stored_name"):  # manifest storage: the hashed copy of collectstatic
        return staticfiles_storage.path(staticfiles_storage.stored_name(path))
    found = finders.find(path)
    return found if found else staticfiles_storage.path(path)


@lru_cache(maxsize=128)
def _digest(filename: str, mtime_ns: int, size: int) -> str:
    with open(filename, "rb") as file:
        digest = hashlib.file_digest(file, "sha384").digest()
    return "sha384-" + base64.b64encode(digest).decode()


def integrity(path: str) -> str:
    """The ``integrity`` attribute value (``sha384-…``) of the static file ``path`` as it is served."""
    filename = served_file(path)
    stat = os.stat(filename)
    return _digest(filename, stat.st_mtime_ns, stat.st_size)
