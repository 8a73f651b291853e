"""Person, case (episode), trafficking situation, status decisions and the case timeline.

Identity fields are encrypted; the analytic fields that statistics group by (sex, age
group, citizenship, region of origin) are kept in the clear, and copied onto the case at
registration so that counting cases needs no join.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himoya.cases import codes
from himoya.cases.names import key_prefixes, name_keys
from himoya.crypto.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from himoya.crypto.keys import blind_index

NAME_INDEX_PURPOSE = "person-name"
NAME_PREFIX_PURPOSE = "person-name-prefix"


def name_token_hash(key: str) -> str:
    """Return the blind-index hash of one phonetic name key."""
    return blind_index(key, NAME_INDEX_PURPOSE)


def name_prefix_hash(prefix: str) -> str:
    """Return the blind-index hash of the beginning of a name key (its own purpose, so a
    beginning never matches a whole name by accident)."""
    return blind_index(prefix, NAME_PREFIX_PURPOSE)


def name_hashes(*names: str) -> set[str]:
    """Return the searchable hashes of names: each word's key and each of its beginnings."""
    hashes: set[str] = set()
    for key in name_keys(*names):
        hashes.add(name_token_hash(key))
        hashes.update(name_prefix_hash(p) for p in key_prefixes(key))
    return hashes


class Person(models.Model):
    """Someone registered as a (presumed) victim; may have several cases."""

    IDENTITY_FIELDS = (
        "given_name",
        "family_name",
        "patronymic",
        "given_name_latin",
        "family_name_latin",
        "patronymic_latin",
        "date_of_birth",
        "approximate_age",
        "document_type",
        "document_number",
        "phone",
        "address",
        "notes",
    )
    NAME_FIELDS = IDENTITY_FIELDS[:6]

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("registering organisation"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    # Identity, encrypted at rest.
    given_name = EncryptedCharField(_("given name"))
    family_name = EncryptedCharField(_("family name"))
    patronymic = EncryptedCharField(_("patronymic"))
    given_name_latin = EncryptedCharField(_("given name (Latin)"))
    family_name_latin = EncryptedCharField(_("family name (Latin)"))
    patronymic_latin = EncryptedCharField(_("patronymic (Latin)"))
    date_of_birth = EncryptedDateField(_("date of birth"))
    approximate_age = EncryptedCharField(_("approximate age"), max_length=20)
    document_type = EncryptedCharField(_("identity document"))
    document_number = EncryptedCharField(_("document number"))
    phone = EncryptedCharField(_("phone"))
    address = EncryptedTextField(_("address"))
    notes = EncryptedTextField(_("notes"))
    # Analytic, in the clear.
    sex = models.CharField(_("sex"), max_length=16, blank=True)
    age_at_identification = models.PositiveSmallIntegerField(
        _("age at identification"), null=True, blank=True
    )
    age_group = models.CharField(_("age group"), max_length=16, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    region_of_origin = models.CharField(_("region of origin"), max_length=16, blank=True)
    district_of_origin = models.CharField(_("district of origin"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def full_name(self) -> str:
        """Return the name as written (decrypts: call only after an audited reveal)."""
        cyr = " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)
        lat = " ".join(p for p in (self.family_name_latin, self.given_name_latin) if p)
        return f"{cyr} ({lat})" if cyr and lat else cyr or lat

    def name_token_hashes(self) -> set[str]:
        return name_hashes(*(getattr(self, f) or "" for f in self.NAME_FIELDS))

    def build_name_tokens(self) -> list["PersonNameToken"]:
        """Return unsaved search tokens for this person (for bulk_create by importers)."""
        hashes = sorted(self.name_token_hashes())
        return [PersonNameToken(person=self, token_hash=h) for h in hashes]

    def refresh_blind_indexes(self) -> None:
        """Rebuild this person's name tokens (after a name or the index key changed)."""
        PersonNameToken.objects.filter(person=self).delete()
        PersonNameToken.objects.bulk_create(self.build_name_tokens())

    @classmethod
    def refresh_all_blind_indexes(cls, batch_size: int = 2000) -> int:
        """Rebuild every person's name tokens; return how many persons were done."""
        done = 0
        last = 0
        while True:
            batch = list(cls.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not batch:
                return done
            ids = [p.pk for p in batch]
            PersonNameToken.objects.filter(person_id__in=ids).delete()
            tokens = [t for p in batch for t in p.build_name_tokens()]
            PersonNameToken.objects.bulk_create(tokens, batch_size=5000)
            done += len(batch)
            last = ids[-1]


class PersonNameToken(models.Model):
    """A keyed hash of one phonetic name key: the only searchable trace of a name."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False
    )
    token_hash = models.CharField(max_length=64)

    class Meta:
        # Both directions, each answerable from the index alone: token → persons for a
        # search on its own, person → tokens when other filters have narrowed the cases.
        indexes = [
            models.Index(fields=["token_hash", "person"], name="cases_name_token_idx"),
            models.Index(fields=["person", "token_hash"], name="cases_token_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.token_hash[:8]}"


LIST_FILTER_COLUMNS = [
    "registered_by",
    "person",
    "trafficking_status",
    "case_status",
    "sex",
    "age_group",
    "region_of_origin",
    "exploitation_country",
    "exploitation_codes",
]


# What statistics group cases by (besides the dates, person and organisation).
STATISTICS_COLUMNS = [
    "trafficking_status",
    "case_status",
    "sex",
    "age_group",
    "citizenship",
    "region_of_origin",
    "exploitation_country",
    "is_cross_border",
    "exploitation_codes",
    "labour_sector_codes",
    "national_person_id",  # whom a row counts as, once linkage joined persons
]


class Case(models.Model):
    """One episode of a person's trafficking, as registered by one organisation."""

    # Indexed first in cases_person_idx (covering, for name search).
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    # Indexed first in cases_org_registered_idx; no separate index to maintain.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("registering organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    reference = models.CharField(_("reference"), max_length=32)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed first in cases_registrar_idx
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exploitation_began = models.DateField(_("exploitation began"), null=True, blank=True)
    exploitation_ended = models.DateField(_("exploitation ended"), null=True, blank=True)
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"))
    # Trafficking status (HTCDS vic_TraffickingStatus) and who decided it.
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=40, default=codes.PRESUMED
    )
    status_decided_by = models.CharField(_("deciding organisation"), max_length=40, blank=True)
    status_decided_on = models.DateField(_("decision date"), null=True, blank=True)
    status_basis = models.TextField(_("basis of the decision"), blank=True)
    # Case status (HTCDS cas_Status).
    case_status = models.CharField(_("case status"), max_length=20, default="Active")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=40, blank=True)
    # Copied from the person at registration, for statistics without joins.
    sex = models.CharField(_("sex"), max_length=16, blank=True)
    age_group = models.CharField(_("age group"), max_length=16, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    region_of_origin = models.CharField(_("region of origin"), max_length=16, blank=True)
    # Copied from the trafficking situation, for the case list's filters.
    exploitation_country = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    is_cross_border = models.BooleanField(_("cross-border"), null=True, blank=True)
    # The case's exploitation_types CaseCodes as "|code|code|", kept by set_case_codes,
    # so the list filters on one row and statistics on PostgreSQL unnest it instead of
    # joining CaseCode (which stays the record, and what SQLite groups by).
    exploitation_codes = models.CharField(max_length=400, blank=True, default="")
    # The same for labour_sectors: statistics unnest it instead of joining CaseCode.
    # Unbounded, but its codes are the vocabulary's: all 69 of them, 1,843 characters,
    # still fit an index row (tested), so the statistics indexes cover it.
    labour_sector_codes = models.TextField(blank=True, default="")
    source_key = models.CharField(max_length=200, blank=True, default="")
    # CaseCode fields copied onto the row as `|code|code|` (kept by set_case_codes).
    COPIED_CODES = {
        "exploitation_types": "exploitation_codes",
        "labour_sectors": "labour_sector_codes",
    }
    # True on every case of a person who has more than one: statistics count such a
    # person once from these few rows (a small partial index) instead of grouping every
    # case by person (himoya.stats). Set by save(); the bulk writers create a new person
    # for every case, so theirs stay False.
    shares_person = models.BooleanField(default=False, editable=False)
    # The national identity of the person when linkage found them registered elsewhere
    # too (himoya/linkage): statistics count persons by it. Never shown on a page.
    national_person_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="cases_unique_reference"
            ),
        ]
        indexes = [
            # Covering indexes for the case list: the newest page under any combination
            # of filters is found by an index-only scan, without visiting the table.
            models.Index(
                fields=["organisation", "-registered_on", "-id"],
                name="cases_org_registered_idx",
                include=LIST_FILTER_COLUMNS,
            ),
            models.Index(
                fields=["-registered_on", "-id"],
                name="cases_registered_idx",
                # The statistics' columns too: a year's figures are one index range scan.
                include=[
                    "organisation",
                    *LIST_FILTER_COLUMNS,
                    *(c for c in STATISTICS_COLUMNS if c not in LIST_FILTER_COLUMNS),
                ],
            ),
            models.Index(
                fields=["person"],
                name="cases_person_idx",
                include=["organisation", "registered_on", *LIST_FILTER_COLUMNS[2:]],
            ),
            # A name search finds persons first, then their cases by person: id and
            # registered_on in the index make each look-up index-only.
            models.Index(
                fields=["person", "-registered_on", "-id"],
                name="cases_person_page_idx",
                include=["organisation"],
            ),
            # Rare combinations of the list's filters start from the country of
            # exploitation (the most selective filter), then region and sex, newest first.
            models.Index(
                fields=["exploitation_country", "region_of_origin", "sex", "-registered_on", "-id"],
                name="cases_country_region_idx",
                include=["organisation", "age_group", "case_status", "exploitation_codes"],
            ),
            models.Index(fields=["registered_by", "-registered_on"], name="cases_registrar_idx"),
            models.Index(
                fields=["source_key"],
                name="cases_source_key_idx",
                condition=~models.Q(source_key=""),
            ),
            models.Index(
                fields=["registered_on"],
                name="cases_shared_person_idx",
                include=[
                    "person",
                    "id",
                    "organisation",
                    "status_decided_on",
                    *STATISTICS_COLUMNS,
                ],
                condition=models.Q(shares_person=True),
            ),
            models.Index(
                fields=["status_decided_on"],
                name="cases_status_decided_idx",
                include=[
                    "id",
                    "person",
                    "national_person_id",
                    "organisation",
                    "trafficking_status",
                ],
                condition=models.Q(status_decided_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self._state.adding and self.person_id and not self.shares_person:
            others = Case.objects.filter(person_id=self.person_id)
            if others.exists():
                others.filter(shares_person=False).update(shares_person=True)
                self.shares_person = True
        super().save(*args, **kwargs)

    def codes_by_field(self) -> dict[str, list[str]]:
        """The codes of every multi-valued field, sorted (one query, or the prefetched rows)."""
        found: dict[str, list[str]] = {}
        for c in self.codes.all():
            found.setdefault(c.field, []).append(c.code)
        return {field: sorted(values) for field, values in found.items()}

    @property
    def is_open(self) -> bool:
        return self.case_status in codes.OPEN_STATUSES

    def exploitation_types(self) -> list[str]:
        """Return the exploitation-type codes from the row's denormalised copy."""
        return [c for c in self.exploitation_codes.split("|") if c]

    def status_label(self) -> str:
        return codes.label(codes.TRAFFICKING_STATUS, self.trafficking_status)

    def case_status_label(self) -> str:
        return codes.label(codes.CASE_STATUS, self.case_status)


class CaseNumberSequence(models.Model):
    """The last reference number given by an organisation in a year."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="cases_unique_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class TraffickingSituation(models.Model):
    """How the person was recruited, moved and exploited (HTCDS victim fields)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="situation"
    )
    recruitment_country = models.CharField(_("country of recruitment"), max_length=2, blank=True)
    recruitment_place = models.CharField(_("place of recruitment"), max_length=200, blank=True)
    recruiter_relationship = models.CharField(
        _("relationship to the recruiter"), max_length=40, blank=True
    )
    exploitation_country = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    exploitation_region = models.CharField(_("region of exploitation"), max_length=16, blank=True)
    exploitation_district = models.CharField(
        _("district of exploitation"), max_length=32, blank=True
    )
    exploitation_place = models.CharField(_("place of exploitation"), max_length=200, blank=True)
    cross_border_derived = models.BooleanField(_("cross-border (derived)"), null=True, blank=True)
    cross_border_override = models.BooleanField(
        _("cross-border (set by hand)"), null=True, blank=True
    )
    cross_border_override_reason = models.CharField(
        _("reason for setting it by hand"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("trafficking situation")
        verbose_name_plural = _("trafficking situations")

    def __str__(self) -> str:
        return f"situation of case {self.case_id}"

    @property
    def is_cross_border(self) -> bool | None:
        if self.cross_border_override is not None:
            return self.cross_border_override
        return self.cross_border_derived

    def codes_of(self, field: str) -> list[str]:
        """Return the codes of a multi-valued field (uses prefetched `case.codes`)."""
        return [c.code for c in self.case.codes.all() if c.field == field]


def derive_cross_border(
    exploitation_country: str, citizenship: str, region_of_origin: str = ""
) -> bool | None:
    """Internal when exploited in the country of citizenship or origin; None if unknown."""
    if not exploitation_country:
        return None
    home = {c for c in (citizenship, "TJ" if region_of_origin else "") if c}
    if not home:
        return None
    return exploitation_country not in home


def codes_text(codes_: list[str]) -> str:
    """Return the `|code|code|` copy of a case's codes of one field (sorted, unique)."""
    return f"|{'|'.join(sorted(set(codes_)))}|" if codes_ else ""


def sync_copied_codes(case_ids=None) -> None:
    """Recompute the case rows' copies of their codes (Case.COPIED_CODES) from CaseCode.

    For bulk writes of CaseCode rows that did not fill the copies.
    """
    from django.db import connection

    for field, column in Case.COPIED_CODES.items():
        if connection.vendor == "postgresql":
            where = "AND c.id = ANY(%s)" if case_ids is not None else ""
            with connection.cursor() as cur:
                cur.execute(
                    f"""UPDATE cases_case c SET {column} = COALESCE(
                          (SELECT '|' || string_agg(code, '|' ORDER BY code) || '|'
                           FROM cases_casecode k
                           WHERE k.case_id = c.id AND k.field = %s), '')
                        WHERE TRUE {where}""",
                    [field, *([list(case_ids)] if case_ids is not None else [])],
                )
            continue
        cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
        for case in cases.only("pk").iterator():
            found = CaseCode.objects.filter(case=case, field=field)
            text = codes_text(list(found.values_list("code", flat=True)))
            Case.objects.filter(pk=case.pk).update(**{column: text})


def sync_shared_persons() -> int:
    """Mark every case of a person with several cases; return how many were unmarked.

    Case.save() keeps the mark; this repairs rows written around it.
    """
    other = Case.objects.filter(person_id=models.OuterRef("person_id")).exclude(
        pk=models.OuterRef("pk")
    )
    return Case.objects.filter(models.Exists(other), shares_person=False).update(shares_person=True)


class CaseCode(models.Model):
    """One code of a multi-valued field of a case, in a table statistics can group by."""

    class Field(models.TextChoices):
        RECRUITMENT_METHODS = "recruitment_methods", _("methods of recruitment")
        ONLINE_PLATFORMS = "online_platforms", _("online platforms used to recruit")
        TRANSIT_COUNTRIES = "transit_countries", _("countries of transit")
        EXPLOITATION_TYPES = "exploitation_types", _("types of exploitation")
        LABOUR_SECTORS = "labour_sectors", _("forced-labour industries")
        SEXUAL_EXPLOITATION_TYPES = "sexual_exploitation_types", _("types of sexual exploitation")
        MEANS_OF_CONTROL = "means_of_control", _("means of control")

    # The vocabulary list each field's codes come from.
    LISTS = {
        Field.RECRUITMENT_METHODS: "vic_MethodOfRecruitment",
        Field.ONLINE_PLATFORMS: "vic_RecruitmentWebsitesAndApps",
        Field.TRANSIT_COUNTRIES: codes.COUNTRY,
        Field.EXPLOITATION_TYPES: "vic_TypeOfExploitation",
        Field.LABOUR_SECTORS: "vic_ForcedLabourIndustry",
        Field.SEXUAL_EXPLOITATION_TYPES: "vic_TypeOfSexExploitation",
        Field.MEANS_OF_CONTROL: "vic_MethodsOfControl",
    }

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="codes", db_index=False
    )  # indexed first in cases_unique_code
    field = models.CharField(max_length=32, choices=Field.choices)
    code = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "field", "code"], name="cases_unique_code")
        ]
        indexes = [models.Index(fields=["field", "code", "case"], name="cases_code_group_idx")]

    def __str__(self) -> str:
        return f"{self.field}={self.code}"


class CaseEvent(models.Model):
    """One entry of a case's timeline (registration, status, referral, service …)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", db_index=False
    )  # indexed first in cases_event_case_idx
    kind = models.CharField(max_length=40)
    date = models.DateField()
    summary_list = models.CharField(max_length=64, blank=True)
    summary_code = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["case", "date"], name="cases_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"

    def label(self) -> str:
        return codes.event_label(self.kind)

    def summary(self) -> str:
        if not self.summary_code:
            return ""
        if self.summary_list:
            return codes.label(self.summary_list, self.summary_code)
        if self.summary_code in StatusDecision.Kind.values:
            return str(StatusDecision.Kind(self.summary_code).label)
        return ""


class StatusDecision(models.Model):
    """A requested change of a case's status; applied at once or after approval."""

    class Kind(models.TextChoices):
        IDENTIFY = "identify", _("Identify as a victim")
        NOT_VICTIM = "not_victim", _("Decide not a victim")
        CLOSE = "close", _("Close the case")
        REOPEN = "reopen", _("Reopen the case")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_decisions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.CharField(_("deciding organisation"), max_length=40, blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    basis = models.TextField(_("basis of the decision"), blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="pending"),
                name="cases_one_pending_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"

    @property
    def organisation(self):
        return self.case.organisation
