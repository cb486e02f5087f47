"""Import of Decidim proposal exports (open-data zip, CSV or JSON, Decidim 0.23 to 0.31), in three steps.

``reading`` turns files into rows (``core.rows``), ``mapping`` turns one row into model values (pure
functions), ``writing`` upserts them in one transaction. The format notes this follows are in
``docs/decidim-format.md``: columns are read by name, never by position; multilingual columns are
gathered per field; the natural key is (instance host, id).
"""

from consultation.decidim.reading import DecidimFormatError, read_enjeu_map
from consultation.decidim.writing import Report, import_decidim

__all__ = ["DecidimFormatError", "Report", "import_decidim", "read_enjeu_map"]
