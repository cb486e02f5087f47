"""CSV downloads shared by every app: streamed, and safe to open in a spreadsheet.

Like ``core.api``, a helper the apps use; it imports none of them.
"""

import csv
from collections.abc import Iterable
from itertools import chain

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_safe(value):
    """A spreadsheet must not run a cell as a formula: text starting with = + - @ gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(header: list[str], rows: Iterable[list], *, filename: str, excel: bool = False):
    """Stream ``rows`` as a CSV download; ``excel``: the French Excel dialect (UTF-8 with BOM, ``;``)."""
    writer = csv.writer(_Echo(), delimiter=";" if excel else ",")
    # The first row is read before the response starts: a database that does not answer is then the 503
    # of every page, not a 200 whose stream stops after the header, which looks like a valid empty file.
    rows = iter(rows)
    first = next(rows, None)

    def lines():
        yield ("\ufeff" if excel else "") + writer.writerow(header)
        for row in chain([first] if first is not None else [], rows):
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
