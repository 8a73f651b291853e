"""Demo organisations and one sign-in per role, for `himoya demo`."""

from base64 import b32encode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from himoya.access.policy import roles_needing_second_factor
from himoya.access.roles import Role
from himoya.organisations.models import Membership, Organisation, User

DEMO_PASSWORD = "himoya-demo-2026"

# slug, kind, names (tg, ru, en), regions (ISO 3166-2:TJ), national body
ORGANISATIONS = [
    (
        "commission",
        Organisation.Kind.MINISTRY,
        (
            "Котиботи Комиссияи байниидоравӣ",
            "Секретариат Межведомственной комиссии",
            "Inter-Ministerial Commission Secretariat",
        ),
        ["TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"],
        True,
    ),
    (
        "madad",
        Organisation.Kind.NGO,
        ("ТҶҒ «Мадад»", "ОО «Мадад»", "Madad NGO"),
        ["TJ-DU", "TJ-RA"],
        False,
    ),
    (
        "sughd-shelter",
        Organisation.Kind.SHELTER,
        ("Паногоҳи Суғд", "Приют Согд", "Sughd Shelter"),
        ["TJ-SU"],
        False,
    ),
    (
        "khatlon-legal",
        Organisation.Kind.LEGAL_AID,
        (
            "Маркази ёрии ҳуқуқии Хатлон",
            "Центр юридической помощи Хатлон",
            "Khatlon Legal Aid Centre",
        ),
        ["TJ-KT"],
        False,
    ),
    (
        "mia",
        Organisation.Kind.LAW_ENFORCEMENT,
        ("Вазорати корҳои дохилӣ", "Министерство внутренних дел", "Ministry of Internal Affairs"),
        ["TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"],
        False,
    ),
    (
        "iom-tj",
        Organisation.Kind.INTERNATIONAL,
        ("САМ дар Тоҷикистон", "МОМ в Таджикистане", "IOM Tajikistan"),
        ["TJ-DU", "TJ-GB"],
        False,
    ),
]

# username, organisation, role, first name, last name
USERS = [
    ("responder", "madad", Role.RESPONDER, "Зарина", "Каримова"),
    ("caseworker", "madad", Role.CASEWORKER, "Фарангис", "Назарова"),
    ("supervisor", "madad", Role.SUPERVISOR, "Дилшод", "Раҳимов"),
    ("orgadmin", "madad", Role.ORG_ADMIN, "Мавзуна", "Шарипова"),
    ("shelter", "sughd-shelter", Role.CASEWORKER, "Гулнора", "Юсупова"),
    ("shelteradmin", "sughd-shelter", Role.ORG_ADMIN, "Нигина", "Ҳакимова"),
    ("lawyer", "khatlon-legal", Role.LAWYER, "Бахтиёр", "Қодиров"),
    ("police", "mia", Role.CASEWORKER, "Фирдавс", "Саидов"),
    ("iomcaseworker", "iom-tj", Role.CASEWORKER, "Малика", "Ғафурова"),
    ("coordinator", "commission", Role.NATIONAL_COORDINATOR, "Сино", "Давлатов"),
    ("analyst", "commission", Role.ANALYST, "Парвина", "Исмоилова"),
    ("auditor", "commission", Role.AUDITOR, "Рустам", "Мирзоев"),
    ("linker", "commission", Role.LINKAGE_OFFICER, "Фирӯза", "Назарова"),
    ("sysadmin", "commission", Role.SYSTEM_ADMIN, "Алишер", "Ашуров"),
]


def demo_totp_secret(user) -> str:
    """Give the user a confirmed authenticator device; return its key in base32."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return b32encode(device.bin_key).decode()


@transaction.atomic
def populate(ctx: dict) -> None:
    orgs = {}
    for slug, kind, (tg, ru, en), regions, national in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults=dict(
                kind=kind,
                name_tg=tg,
                name_ru=ru,
                name_en=en,
                regions=regions,
                is_national=national,
            ),
        )
        orgs[slug] = org
    logins = []
    for username, slug, role, first, last in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organisation=orgs[slug], role=role)
        where = slug
        if role in roles_needing_second_factor():
            # These roles must enter a code: give them an authenticator key to type in.
            where = f"{slug:<14} TOTP key: {demo_totp_secret(user)}"
        logins.append((username, where, role.label))
    ctx["organisations"] = orgs
    ctx["logins"] = logins
