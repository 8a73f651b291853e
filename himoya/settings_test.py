"""Settings for the test suite: the development settings with test-only speed-ups."""

import os

os.environ["HIMOYA_TESTING"] = "1"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/himoya")

from himoya.settings import *  # noqa: E402,F403
