"""The learning library's search: ranking, diacritics, Cyrillic, prefixes, facets, tokens,
any text at all; through the FTS5 index and through the plain scan alike."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwms_desktop import library
from mwms_desktop.library.search import MARK_END, MARK_START
from tests.core.library_helpers import portfolio


def _ids(result, kind="learning"):
    return [h.id for h in result.hits if h.kind == kind]


def test_the_path_in_use_is_the_one_asked_for(services, backend):
    portfolio(services)
    assert library.search("checkout").indexed is (backend == "fts5")


def test_statement_ranks_above_notes(services, backend):
    ids = portfolio(services)
    found = _ids(library.search("checkout kind:learning"))
    # Both learnings carry the tag "checkout" (notes); only one says it in its statement.
    assert found[:2] == [ids["checkout"], ids["notes_only"]]


def test_diacritics_fold_both_ways(services, backend):
    ids = portfolio(services)
    assert ids["checkout"] in _ids(library.search("zoe"))
    assert ids["muller"] in _ids(library.search("muller"))
    assert ids["muller"] in _ids(library.search("MÜLLER"))
    assert _ids(library.search("zoë")) == _ids(library.search("zoe"))


def test_cyrillic_words_are_found(services, backend):
    ids = portfolio(services)
    assert _ids(library.search("отзывы")) == [ids["cyrillic"]]
    assert _ids(library.search("иванов")) == [ids["cyrillic"]]


def test_prefixes_match_as_the_user_types(services, backend):
    ids = portfolio(services)
    for typed in ("inv", "invo", "invoic", "invoices"):
        assert _ids(library.search(typed)) == [ids["muller"]], typed
    assert _ids(library.search("invoicesx")) == []


def test_every_word_must_match(services, backend):
    ids = portfolio(services)
    assert _ids(library.search("express first")) == [ids["notes_only"]]
    assert _ids(library.search("express invoices")) == []


def test_facet_counts_follow_the_query(services, backend):
    ids = portfolio(services)
    result = library.search("checkout")
    kinds = dict(result.facets["kind"])
    assert kinds["learning"] == 2
    assert sum(kinds.values()) == result.total
    learnings = library.search("checkout kind:learning")
    assert dict(learnings.facets["result"]) == {"win": 1, "loss": 1}
    assert dict(learnings.facets["client"]) == {"Zoë Ødegård Studio": 1, "Müller & Söhne GmbH": 1}
    assert dict(learnings.facets["confidence"]) == {"high": 1, "medium": 1}
    narrowed = library.search("checkout kind:learning is:loss")
    assert _ids(narrowed) == [ids["notes_only"]]
    assert dict(narrowed.facets["result"]) == {"loss": 1}
    refines = dict(library.search("kind:learning").facets["refinement"])
    assert refines == {"deeper_customer_insight": 1, "improved_hypothesis_quality": 1,
                       "prioritization_refinement": 1}  # fmt: skip
    assert dict(library.search("refines:deeper_customer_insight").facets["kind"]) == {"learning": 1}


def test_tokens_narrow_like_facets(services, backend):
    ids = portfolio(services)
    assert _ids(library.search("tag:payments")) == [ids["muller"]]
    consulting = set(_ids(library.search("type:consulting")))
    assert ids["cyrillic"] in consulting
    assert not {ids["muller"], ids["checkout"]} & consulting
    only = library.search("kind:learning checkout")
    assert {h.kind for h in only.hits} == {"learning"}
    assert _ids(library.search("is:win tag:trust")) == [ids["checkout"]]
    assert library.search("unknownkey:value").query.words == ("unknownkey", "value")


def test_the_snippet_marks_the_matched_word(services, backend):
    portfolio(services)
    (hit,) = library.search("invoices").hits
    assert f"{MARK_START}invoices{MARK_END}" in hit.snippet


def test_search_reaches_every_status(services, backend):
    ids = portfolio(services)
    services.portfolio.archive(ids["b"])
    found = library.search("invoices")
    assert ids["muller"] in _ids(found)
    assert found.hits[0].status == "archived"


_PIECES = [*"ab \"*-()^:+\\'é日\x00\t{}[]~", "is:", "tag:", "kind:", "AND", "OR", "NOT", "NEAR", "zoe"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(_PIECES), max_size=12).map("".join) | st.text(max_size=30))
def test_whatever_is_typed_is_never_a_query_error(services, backend, text):
    if services.portfolio.count() == 0:
        portfolio(services)
    result = library.search(text)
    assert result.total >= len(result.hits)


def test_quotes_hyphens_and_operators_are_text(services, backend):
    ids = portfolio(services)
    for typed in ('"invoices', "invoices-", "(invoices", "invoices AND", "*", "NOT invoices", "inv*oices"):
        result = library.search(typed)  # never raises
        assert result.total >= 0, typed
    assert ids["muller"] in _ids(library.search('"invoices" -cards'))


def test_words_alone_count_every_match_and_facet_the_best(services, monkeypatch):
    """While typing words alone, the index ranks every match but only the best of each kind
    are read: the total still counts all, the facets say how many they cover."""
    import importlib

    search_mod = importlib.import_module("mwms_desktop.library.search")

    ids = portfolio(services)
    full = library.search("checkout")
    monkeypatch.setattr(search_mod, "FACET_CAP", 1)
    capped = library.search("checkout")
    assert capped.total == full.total
    assert capped.counted == len({h.kind for h in full.hits})  # one of each kind
    assert capped.hits[0].id == full.hits[0].id
    assert [h.id for h in library.search("checkout kind:learning").hits][:1] == [ids["checkout"]]
    narrowed = library.search("checkout tag:trust")  # a facet token: every match is read
    assert (narrowed.total, narrowed.counted) == (1, 1)


def test_the_first_page_without_facets_is_the_same_page(services, backend):
    """The window's first paint asks without facets (its counts come next): the same best
    hits, snippets and total, no counts."""
    portfolio(services)
    for text in ("checkout", "ch", "zoe", "checkout tag:trust", ""):
        full, first = library.search(text, limit=2), library.search(text, limit=2, facets=False)
        assert first.hits == full.hits
        assert first.total == full.total
        assert (first.facets, first.counted) == ({}, 0)
        assert full.facets["kind"]


def test_the_first_page_reads_only_the_rows_it_shows_and_leaves_the_count(services, monkeypatch):
    """A keystroke's page: each kind ranked by the index, only the best ``limit`` overall
    read; the total comes from ``count`` unless the page holds every match."""
    from db.models import database

    portfolio(services)
    read: list[int] = []
    real = database.execute_sql

    def spy(sql, params=None, *a, **kw):
        if "WHERE r.id IN" in sql:
            read.append(len(params))
        return real(sql, params, *a, **kw)

    full = library.search("checkout", limit=2)
    assert full.total > 2
    monkeypatch.setattr(database, "execute_sql", spy)
    page = library.search("checkout", limit=2, facets=False, total=False)
    assert [(h.kind, h.id, h.snippet) for h in page.hits] == [(h.kind, h.id, h.snippet) for h in full.hits]
    assert page.total is None
    assert sum(read) == 2
    assert library.count("checkout") == full.total
    assert library.count("checkout tag:trust") == library.search("checkout tag:trust").total == 1
    every = library.search("invoices", limit=5, facets=False, total=False)
    assert every.total == len(every.hits) == 1  # the page holds every match: counted free


def test_pages_after_an_offset_continue_the_ranking(services, backend):
    ids = portfolio(services)
    for n in range(7):
        services.records.add("learning", ids["a"], statement=f"Checkout lesson {n}")
    for text in ("checkout", "checkout kind:learning", "checkout tag:checkout"):
        whole = [(h.kind, h.id) for h in library.search(text, limit=100).hits]
        assert len(whole) >= 3, text
        paged = []
        for offset in range(0, len(whole) + 3, 3):
            page = library.search(text, limit=3, offset=offset, facets=False, total=False)
            paged += [(h.kind, h.id) for h in page.hits]
        assert paged == whole, text


def test_capped_facets_count_the_best_evaluated_cycles_not_planned_ones(services, monkeypatch):
    """The library shows evaluated cycles only: with the facets capped to the best matches of
    each kind, a planned cycle that ranks higher must not take an evaluated one's place."""
    import importlib

    search_mod = importlib.import_module("mwms_desktop.library.search")
    eid = services.portfolio.add("Kestrel Analytics", "ecommerce_growth").id
    services.records.add("cycle", eid, title="Gallery gallery gallery swipe", status="planned")
    shown = services.records.add("cycle", eid, title="Gallery zoom", status="evaluated", result="win")
    monkeypatch.setattr(search_mod, "FACET_CAP", 1)
    result = library.search("gallery")
    assert result.total == 1
    assert result.counted == 1
    assert dict(result.facets["kind"]) == {"cycle": 1}
    assert [(h.kind, h.id) for h in result.hits] == [("cycle", shown.id)]
