"""Paging the lists by keys then rows gives exactly what OFFSET over whole rows gave, in order."""

from __future__ import annotations

from itertools import pairwise

import pytest
import sqlalchemy as sa

from tests.benchmarks.worklist_data import load
from tests.conftest import USING_POSTGRES
from tests.helpers import TODAY, count_queries
from tracker.extensions import db
from tracker.models import Authority, Case, Recommendation
from tracker.plumbing.pagination import MAX_PER_PAGE, paginate
from tracker.services import case_search, worklists

RECOMMENDATIONS = 1_200


@pytest.fixture
def many(app, build):
    """1,200 recommendations over 400 councils (A000…): many share a due date, 1 in 50 has none."""
    build.authority("A000")
    build.user("caseworker")  # evidence needs someone who sent it
    with app.app_context():
        now = db.session.scalar(sa.select(Authority.created_at))
        db.session.execute(
            sa.insert(Authority),
            [
                {"code": f"A{n:03d}", "name": f"A {n}", "type": "district", "population": 1000}
                | {"created_at": now, "updated_at": now}
                for n in range(1, 400)
            ],
        )
        first = db.session.scalar(sa.select(sa.func.min(Authority.id)))
        db.session.commit()
        load(db.session, RECOMMENDATIONS, TODAY, first)
        officers_council = db.session.scalar(
            sa.select(Authority.id).where(Authority.code == "A003")
        )
    return {"A003": officers_council}


def lists(council_id: int) -> dict[str, sa.Select]:
    """Every list statement that pages, by name."""
    officer = Recommendation.authority_id == council_id  # as access.recommendation_scope
    officer_cases = Case.authority_id == council_id  # as access.case_scope
    return {
        "due list": worklists.due_list(sa.true()),
        "due list, one council": worklists.due_list(sa.true(), authority="a003"),
        "officer's due list": worklists.due_list(officer),
        "officer filtering another council": worklists.due_list(officer, authority="A004"),
        "officer filtering their own council": worklists.due_list(officer, authority="A003"),
        "review queue": worklists.review_queue(sa.true()),
        "review queue, one council": worklists.review_queue(sa.true(), authority="A000"),
        "officer's review queue": worklists.review_queue(officer),
        "chase list": worklists.chase_list(sa.true(), TODAY),
        "chase list, one council": worklists.chase_list(sa.true(), TODAY, authority="A000"),
        "officer's chase list": worklists.chase_list(officer, TODAY),
        "API list, overdue": worklists.recommendation_list(sa.true(), TODAY, overdue=True),
        "API list, not overdue": worklists.recommendation_list(sa.true(), TODAY, overdue=False),
        "API list, one council": worklists.recommendation_list(sa.true(), TODAY, authority="A000"),
        "officer's API list": worklists.recommendation_list(officer, TODAY),
        "case list": case_search.case_search(sa.true(), case_search.CaseFilters()),
        "officer's case list": case_search.case_search(officer_cases, case_search.CaseFilters()),
    }


@pytest.mark.parametrize("per_page", [7, 20, 100])
def test_every_page_holds_what_offset_over_whole_rows_held(app, many, per_page) -> None:
    with app.app_context():
        for name, statement in lists(many["A003"]).items():
            everything = list(db.session.scalars(statement).unique())
            pages = max(1, -(-len(everything) // per_page))
            for number in [*range(1, min(pages, 4) + 1), pages // 2 or 1, pages, pages + 1]:
                page = paginate(db.session, statement, number, per_page)
                start = (number - 1) * per_page
                assert page.items == everything[start : start + per_page], (name, number)
                assert (page.total, page.pages) == (len(everything), pages), name


def test_the_due_list_is_soonest_first_ties_by_id_and_undated_last(app, many) -> None:
    with app.app_context():
        statement = worklists.due_list(sa.true())
        total = paginate(db.session, statement, 1, 1).total
        shown = [
            item
            for number in range(1, -(-total // MAX_PER_PAGE) + 1)
            for item in paginate(db.session, statement, number, MAX_PER_PAGE).items
        ]
    keys = [(item.due_date is None, item.due_date or TODAY, item.id) for item in shown]
    assert len(shown) == total > 400
    assert any(earlier[1] == later[1] for earlier, later in pairwise(keys)), "ties exist"
    assert keys[-1][0] and not keys[0][0], "undated ones exist, and come last"
    assert keys == sorted(keys)
    assert all(not item.status.closed for item in shown)


def test_officers_see_only_their_own_councils_work(app, many) -> None:
    with app.app_context():
        statements = lists(many["A003"])
        own = paginate(db.session, statements["officer's due list"], 1, MAX_PER_PAGE)
        other = paginate(db.session, statements["officer filtering another council"], 1, 20)
    assert own.total > 0 and {item.case.authority.code for item in own.items} == {"A003"}
    assert (other.items, other.total) == ([], 0)


@pytest.mark.parametrize(("asked", "given"), [(0, 1), (-5, 1), (500, MAX_PER_PAGE)])
def test_per_page_is_kept_within_bounds(app, many, asked, given) -> None:
    with app.app_context():
        page = paginate(db.session, worklists.due_list(sa.true()), 1, asked)
    assert page.per_page == len(page.items) == given


def test_a_page_runs_three_queries_however_deep(app, many) -> None:
    def queries(number: int) -> int:
        with app.app_context(), count_queries(app) as statements:
            paginate(db.session, worklists.due_list(sa.true()), number, 20)
        return len(statements)

    assert queries(1) == queries(20) == 3
    assert queries(10_000) == 1, "past the end, only the count"


@pytest.mark.skipif(USING_POSTGRES, reason="SQLite's plan: PostgreSQL's is in the benchmark")
def test_the_due_list_reads_its_order_from_the_open_work_index(app, many) -> None:
    with app.app_context():
        statement = worklists.due_list(sa.true()).with_only_columns(
            Recommendation.id, maintain_column_froms=True
        )
        compiled = statement.limit(20).compile(
            db.engine, compile_kwargs={"literal_binds": True, "render_postcompile": True}
        )
        plan = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = " ".join(row[-1] for row in plan)
    assert "ix_recommendations_open_due" in details
    assert "TEMP B-TREE" not in details, "no sort of its own"


@pytest.mark.skipif(USING_POSTGRES, reason="SQLite's plan: PostgreSQL's is in the benchmark")
@pytest.mark.parametrize(
    "name",
    ["officer's due list", "due list, one council", "officer's review queue", "officer's API list"],
)
def test_one_councils_list_reads_its_order_from_that_councils_index(app, many, name):
    with app.app_context():
        statement = lists(many["A003"])[name].with_only_columns(
            Recommendation.id, maintain_column_froms=True
        )
        compiled = statement.limit(20).compile(
            db.engine, compile_kwargs={"literal_binds": True, "render_postcompile": True}
        )
        plan = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = " ".join(row[-1] for row in plan)
    assert "INDEX ix_recommendations_authority_" in details
    assert "cases" not in details, "the case is not read to scope or order the page"
    assert "TEMP B-TREE" not in details, "no sort of its own"


def test_a_count_up_to_a_bound_says_more_and_pages_as_far_as_the_bound(app, many) -> None:
    statement = case_search.case_search(sa.true(), case_search.CaseFilters())
    with app.app_context():
        everything = list(db.session.scalars(statement))
        bounded = paginate(db.session, statement, 2, 20, count_up_to=50)
        last = paginate(db.session, statement, 3, 20, count_up_to=50)
        beyond = paginate(db.session, statement, 4, 20, count_up_to=50)
        exact = paginate(db.session, statement, 1, 20, count_up_to=len(everything))
    assert len(everything) > 50
    assert (bounded.total, bounded.more, bounded.pages) == (50, True, 3)
    assert bounded.items == everything[20:40] and last.items == everything[40:60]
    assert beyond.items == []
    assert (exact.total, exact.more) == (len(everything), False)


def test_a_bounded_count_reads_no_further_than_one_past_the_bound(app, many) -> None:
    statement = case_search.case_search(sa.true(), case_search.CaseFilters())
    with app.app_context(), count_queries(app) as statements:
        paginate(db.session, statement, 1, 20, count_up_to=50)
    assert "LIMIT" in statements[0].upper() and "count(" in statements[0].lower()
