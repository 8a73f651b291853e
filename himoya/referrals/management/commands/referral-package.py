"""`himoya referral-package open FILE`: verify and decrypt a transnational referral package."""

import getpass
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from himoya.referrals import package


class Command(BaseCommand):
    help = "Verify and open a signed, encrypted referral package, or show this system's key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opener = sub.add_parser("open", help="verify the signature, decrypt, print the JSON")
        opener.add_argument("file")
        opener.add_argument(
            "--passphrase-file",
            help="read the passphrase from this file (default: ask on the terminal)",
        )
        opener.add_argument(
            "--public-key", help="the sender's public key (base64); refuse any other signer"
        )
        opener.add_argument("--verify-only", action="store_true", help="check the signature only")
        sub.add_parser("public-key", help="print this system's package-signing public key")

    def handle(self, *args, **opts):
        if opts["action"] == "public-key":
            public = package.public_key_text(package.signing_key().public_key())
            self.stdout.write(public)
            self.stdout.write(f"fingerprint {package.fingerprint(public)}")
            return
        try:
            with open(opts["file"], "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc}") from exc
        try:
            envelope = package.verify(data, public_key=opts.get("public_key"))
            signer = envelope["signer"]["fingerprint"]
            if opts["verify_only"]:
                self.stdout.write(f"signature good; signed by key {signer}")
                return
            passphrase = self._passphrase(opts.get("passphrase_file"))
            payload = package.open_package(data, passphrase, public_key=opts.get("public_key"))
        except package.PackageError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"signature good; signed by key {signer}")
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))

    def _passphrase(self, path):
        if path:
            with open(path, encoding="utf-8") as fh:
                return fh.read().rstrip("\n")
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        return getpass.getpass("Passphrase: ")
