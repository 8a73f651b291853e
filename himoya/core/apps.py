import os
import tempfile

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "himoya.core"
    label = "core"

    def ready(self):
        from himoya.core import checks  # noqa: F401  (registers the deployment checks)

        # Libraries that spill to disk (openpyxl's write-only sheets, large uploads) use the
        # temporary directory; it must be the private one, never the shared /tmp.
        from himoya.crypto.files import private_dir

        tmp = str(private_dir("tmp"))
        os.environ["TMPDIR"] = tmp
        tempfile.tempdir = tmp
