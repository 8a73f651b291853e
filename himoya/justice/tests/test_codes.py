from himoya.vocab import registry

JUSTICE_LISTS = [n for n in registry.names() if n.startswith("jus_")]


def test_every_justice_code_has_three_languages():
    assert "jus_CriminalCodeArticle" in JUSTICE_LISTS
    for name in JUSTICE_LISTS:
        for code in registry.codelist(name):
            assert set(code.labels) == {"tg", "ru", "en"}, (name, code.code)


def test_role_groups_cover_every_htcds_role_once():
    grouped = [c for g in registry.codelist("jus_RoleGroup") for c in g.extra["htcds"]]
    assert sorted(grouped) == sorted(registry.codes("per_RoleInProcess"))


def test_the_articles_the_issue_names_are_there():
    for article in ("130.1", "130.2", "132", "167", "241.2"):
        assert registry.is_valid("jus_CriminalCodeArticle", article)


def test_every_kind_starts_at_a_real_stage():
    for kind in registry.codelist("jus_ProceedingKind"):
        assert registry.is_valid("jus_Stage", kind.extra["first_stage"])
