"""The portal's settings plus one URL: a bare view returning "ok", the ceiling of the load benchmark."""

from incubateur.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
