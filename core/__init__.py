"""What every app shares, at the bottom of the layers: API conventions, CSV downloads, the page cache,
structured logs, static assets with their integrity, and the guards on raw input. It imports no app."""
