"""Sources of the catalogue's facts as readable links.

The data files write a source either as an address (``https://…``) or as a file of a GitHub repository,
``owner/name@commit:path`` (the commit pins the version read) or ``owner/name:path``.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_REPOSITORY_FILE = re.compile(
    r"^(?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<version>[\w.-]+))?(?::(?P<path>[^\s(]+))?\s*(?P<note>\(.*\))?$"
)
_STARTUP = re.compile(r"^content/_startups/(?P<name>[\w.-]+)\.md$")
HOSTS = {"beta.gouv.fr": "beta.gouv.fr", "github.com": "GitHub", "gitlab.com": "GitLab"}


@dataclass(frozen=True)
class Source:
    label: str
    url: str = ""
    version: str = ""  # the commit a repository file was read at


def readable(source: str) -> Source:
    """A label a visitor understands and a link, for one source of the data files."""
    source = source.strip()
    if source.startswith(("https://", "http://")):
        parts = urlsplit(source)
        host = parts.hostname or ""
        host = host.removeprefix("www.")
        return Source(
            f"Page de {HOSTS.get(host, host)}",
            source,
        )
    match = _REPOSITORY_FILE.match(source)
    if not match:
        return Source(source)
    repo, version, path, note = match["repo"], match["version"] or "", match["path"] or "", match["note"] or ""
    startup = _STARTUP.match(path)
    if repo == "betagouv/beta.gouv.fr" and startup:
        label = f"Fiche beta.gouv.fr de « {startup['name']} »"
    elif path:
        label = f"Fichier {path} du dépôt {repo}"
    else:
        label = f"Dépôt {repo}"
    if note:
        label = f"{label} {note}"
    ref = version or "HEAD"
    url = f"https://github.com/{repo}/blob/{ref}/{path}" if path else f"https://github.com/{repo}/tree/{ref}"
    is_commit = bool(re.fullmatch(r"[0-9a-f]{7,40}", version))
    return Source(label, url, version[:7] if is_commit else "")
