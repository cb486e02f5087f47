"""Small readers of the environment that refuse malformed values (``ImproperlyConfigured``)."""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """Read a boolean; anything but a clear yes/no is a configuration error."""
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    """Read a non-negative integer."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ImproperlyConfigured(f"{name} must be a non-negative integer, not {raw!r}.")
    return int(raw)


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """Read a comma-separated list."""
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_increasing_ints(name: str, default: list[int], environ: Mapping[str, str] = os.environ) -> list[int]:
    """Read a comma-separated list of positive integers in increasing order (such as ``7,14``)."""
    items = env_list(name, [str(number) for number in default], environ)
    numbers = [int(item) for item in items if item.isdigit()]
    if not numbers or len(numbers) != len(items) or 0 in numbers or numbers != sorted(set(numbers)):
        raise ImproperlyConfigured(f"{name} must list positive integers in increasing order, such as 7,14.")
    return numbers
