"""Transnational referral packages: sealed, signed, opened only with the passphrase."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from himoya.audit.models import AuditEvent
from himoya.referrals import package
from himoya.referrals.models import Referral, ReferralGrant
from himoya.referrals.tests.factories import give_consent

PASSPHRASE = "correct horse battery staple"


def test_sealed_package_opens_with_the_passphrase():
    key = package.signing_key()
    sealed = package.seal({"records": [{"prs_Gender": "Feminine"}]}, PASSPHRASE, signer=key)
    assert b"Feminine" not in sealed
    assert package.open_package(sealed, PASSPHRASE) == {"records": [{"prs_Gender": "Feminine"}]}


def test_wrong_passphrase_is_refused():
    sealed = package.seal({"a": 1}, PASSPHRASE, signer=package.signing_key())
    with pytest.raises(package.PackageError, match="passphrase"):
        package.open_package(sealed, "a different passphrase")


def test_changed_ciphertext_breaks_the_signature():
    envelope = json.loads(package.seal({"a": 1}, PASSPHRASE, signer=package.signing_key()))
    blob = bytearray(package._unb64(envelope["ciphertext"]))
    blob[0] ^= 1
    envelope["ciphertext"] = package._b64(bytes(blob))
    with pytest.raises(package.PackageError, match="signature"):
        package.verify(json.dumps(envelope).encode())


def test_resigned_by_another_key_is_refused_when_the_sender_key_is_given():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ours = package.public_key_text(package.signing_key().public_key())
    forged = package.seal({"a": 1}, PASSPHRASE, signer=Ed25519PrivateKey.generate())
    assert package.verify(forged)  # a self-consistent package …
    with pytest.raises(package.PackageError, match="different key"):
        package.verify(forged, public_key=ours)  # … but not from the expected sender


def test_short_passphrase_is_refused():
    with pytest.raises(ValueError):
        package.seal({}, "short", signer=package.signing_key())


@pytest.mark.django_db
class TestTransnationalReferral:
    def send(self, client, login, world, **extra):
        give_consent(world.case, world.worker, None, external_recipient="Helping Hands Moscow")
        login(world.worker)
        data = {
            "to_organisation": "",
            "external_recipient": "Helping Hands Moscow",
            "external_country": "RU",
            "services": ["return"],
            "shared_parts": ["demographics", "trafficking_situation"],
            "passphrase": PASSPHRASE,
            **extra,
        }
        return client.post(reverse("referral_send", args=[world.case.pk]), data)

    def test_package_holds_only_the_shared_htcds_fields(self, client, login, world, tmp_path):
        assert self.send(client, login, world).status_code == 302
        referral = Referral.objects.get()
        assert referral.is_external and not ReferralGrant.objects.exists()
        download = client.get(reverse("referral_package", args=[referral.pk]))
        assert download.status_code == 200
        path = tmp_path / "package.json"
        path.write_bytes(download.content)
        secret = tmp_path / "pass.txt"
        secret.write_text(PASSPHRASE)
        from io import StringIO

        out = StringIO()
        call_command(
            "referral-package",
            "open",
            str(path),
            "--passphrase-file",
            str(secret),
            stdout=out,
            stderr=StringIO(),
        )
        payload = json.loads(out.getvalue())
        record = payload["records"][0]
        assert record["vic_TypeOfExploitation"] == ["ForcedLabour"]
        assert record["prs_Gender"] == "Masculine" and record["prs_Citizenship"] == ["TJ"]
        assert record["cas_ReferredOrganisation"] == "Helping Hands Moscow"
        assert "prs_FirstName" not in record and "Раҳимов" not in json.dumps(
            payload, ensure_ascii=False
        )
        assert AuditEvent.objects.filter(action="export", object_id=str(referral.pk)).count() == 2

    def test_command_refuses_a_wrong_passphrase(self, client, login, world, tmp_path):
        self.send(client, login, world)
        path = tmp_path / "p.json"
        path.write_bytes(bytes(Referral.objects.get().package))
        secret = tmp_path / "pass.txt"
        secret.write_text("not the passphrase at all")
        with pytest.raises(CommandError, match="passphrase"):
            call_command("referral-package", "open", str(path), "--passphrase-file", str(secret))

    def test_without_a_passphrase_nothing_is_sent(self, client, login, world):
        response = self.send(client, login, world, passphrase="")
        assert response.status_code == 200
        assert not Referral.objects.exists()

    def test_receiver_side_lawyer_cannot_download(self, client, login, world):
        self.send(client, login, world)
        login(world.lawyer)
        url = reverse("referral_package", args=[Referral.objects.get().pk])
        assert client.get(url).status_code == 403
        login(world.outsider_admin)
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302
