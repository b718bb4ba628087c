"""The annual review letter: a manager writes it, reads it as a page and downloads it as a PDF,
with the year's published figures worded as the Ombudsman's letters word them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.helpers import csrf_token, sign_in, submit, text_of
from tests.statistics_data import Y2020, county_neighbours_2024_25, decided, leicestershire_2024_25
from tracker.extensions import db
from tracker.letters.pdf import render_pdf
from tracker.models import AnnualLetter, AuditEvent
from tracker.plumbing.years import FinancialYear

LETTER = "/authorities/LEICS/letters/2024-25"
NARRATIVE = (
    "During the year, we investigated a complaint about the Council's failure to safeguard "
    "a child.\r\n\r\n"
    "This year, we issued two public reports about your Council.\r\n"
    "The first reported failings in <b>Free Early Education Entitlement</b>."
)


def pdf_text(content: bytes) -> str:
    """The words in a PDF, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def manager(client, build):
    """Leicestershire's 2024-25 and 2020-21 as published, beside other county councils whose
    figures bring the county averages to those in the letters; a manager signed in."""
    leicestershire_2024_25(build)
    county_neighbours_2024_25(build)
    decided(build, "LEICS", Y2020, upheld=13, not_upheld=6, satisfactory_remedies=1, satisfied=7)
    # 11 of 15 upheld (73.3%) and 1 of 11 remedied (9.1%): the county averages become 71% and 8%.
    decided(build, "CTYB", Y2020, upheld=11, not_upheld=4, satisfactory_remedies=1, satisfied=3)
    sign_in(client, build.user("manager", name="Mary Manager"))
    return client


def write(client, **fields: object):
    """Save the letter through its form, as the manager's browser would."""
    html = client.get(LETTER).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version, "no letter form on the page"
    data = {
        "version": version.group(1),
        "addressee_name": "Mr Sinnott",
        "addressee_title": "Chief Executive",
        "letter_date": ["21", "7", "2025"],
        "narrative": NARRATIVE,
        **fields,
    }
    return submit(client, LETTER, data)


def stored(app) -> tuple[list[AnnualLetter], list[AuditEvent]]:
    with app.app_context():
        letters = list(db.session.scalars(sa.select(AnnualLetter)))
        events = list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.entity_type == "annualletter")
                .order_by(AuditEvent.id)
            )
        )
        db.session.expunge_all()
        return letters, events


def test_the_2024_25_letter_carries_the_published_figures(manager) -> None:
    response = manager.get(LETTER)
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    period = "for the period between 1 April 2024 to 31 March 2025"
    for words in (
        "Dear Chief Executive",
        "Annual Review letter 2025",  # titled, as the Ombudsman does, by the year it ends
        "about your authority for the year ending 31 March 2025",
        "Complaints upheld 83% of complaints we investigated were upheld. "
        "This compares to an average of 89% in similar authorities. 33 upheld decisions "
        f"Statistics are based on a total of 40 detailed investigations {period}",
        "Compliance with Ombudsman recommendations In 100% of cases we were satisfied the "
        "authority had successfully implemented our recommendations. This compares to an "
        f"average of 100% in similar authorities. Statistics are based on a total of 23 "
        f"compliance outcomes {period} Failure to comply with our recommendations is rare.",
        "Satisfactory remedy provided by the authority In 30% of upheld cases we found the "
        "authority had provided a satisfactory remedy before the complaint reached the "
        "Ombudsman. This compares to an average of 10% in similar authorities. "
        "10 satisfactory remedy decisions "
        f"Statistics are based on a total of 40 detailed investigations {period}",
        "Yours sincerely, The Ombudsman Local Government and Social Care Ombudsman",
    ):
        assert words in text
    assert "Nothing has been written for this letter yet" in text


def test_the_2020_21_letter_reads_as_the_one_the_ombudsman_sent(manager) -> None:
    text = text_of(manager.get("/authorities/LEICS/letters/2020-21").get_data(as_text=True))
    period = "for the period between 1 April 2020 to 31 March 2021"
    for words in (
        "for the year ending 31 March 2021",
        "68% of complaints we investigated were upheld. "
        "This compares to an average of 71% in similar authorities. 13 upheld decisions "
        f"Statistics are based on a total of 19 detailed investigations {period}",
        "In 100% of cases we were satisfied the authority had successfully implemented our "
        "recommendations. This compares to an average of 100% in similar authorities. "
        f"Statistics are based on a total of 7 compliance outcomes {period}",
        "In 8% of upheld cases we found the authority had provided a satisfactory remedy "
        "before the complaint reached the Ombudsman. This compares to an average of 8% in "
        "similar authorities. 1 satisfactory remedy decision Statistics",
    ):
        assert words in text


def test_a_year_without_data_says_so_rather_than_0_percent(manager, build) -> None:
    text = text_of(manager.get("/authorities/LEICS/letters/2019-20").get_data(as_text=True))
    assert "No data: no complaints were investigated." in text
    assert "No data: no compliance outcomes were recorded." in text
    assert "No data: no complaints were upheld." in text
    assert "There is no average for similar authorities: none had a complaint investigated" in text
    assert not re.search(r"(?<!\d)0%", text), "no data is never 0%"
    decided(build, "LEICS", FinancialYear(2018), not_upheld=2)
    text = text_of(manager.get("/authorities/LEICS/letters/2018-19").get_data(as_text=True))
    assert "0% of complaints we investigated were upheld." in text, "2 investigated, 0 upheld"
    assert "No data: no complaints were upheld." in text


def test_a_manager_writes_the_letter_and_the_change_is_audited(app, manager) -> None:
    response = write(manager)
    assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "The 2024-25 letter to Leicestershire County Council is saved." in page
    text = text_of(page)
    assert "21 July 2025 By email Mr Sinnott Chief Executive Leicestershire County Council" in text
    assert "Dear Mr Sinnott" in text and "Last saved" in text and "by Mary Manager" in text
    # Paragraphs at blank lines, line breaks kept, and never the manager's text as HTML.
    assert re.search(r"<p[^>]*>During the year, [^<]*a child\.</p>\s*<p", page)
    assert "Council.<br>The first reported failings in &lt;b&gt;Free" in page
    assert "<b>Free" not in page

    letters, events = stored(app)
    (letter,) = letters
    assert (letter.year, letter.addressee_name, letter.letter_date) == (
        "2024-25",
        "Mr Sinnott",
        date(2025, 7, 21),
    )
    assert "\r" not in letter.narrative and letter.updated_by_id is not None
    (created,) = events
    assert created.action == "annual_letter.created" and created.actor_id == letter.updated_by_id
    assert created.after["narrative"] == letter.narrative and created.after["year"] == "2024-25"

    assert write(manager, narrative="Only this paragraph now.").status_code == 302
    letters, events = stored(app)
    assert letters[0].version == 2
    changed = events[-1]
    assert changed.action == "annual_letter.updated"
    assert changed.before == {"narrative": letter.narrative}
    assert changed.after["narrative"] == "Only this paragraph now."
    assert changed.occurred_at == letters[0].updated_at


def test_saving_needs_the_csrf_token(app, manager) -> None:
    response = manager.post(LETTER, data={"version": "0", "narrative": "Forged."})
    assert response.status_code == 400
    assert stored(app) == ([], [])


def test_too_long_a_narrative_is_refused_and_nothing_is_saved(app, manager) -> None:
    response = write(manager, narrative="x" * 20_001, letter_date=["31", "2", "2025"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "The letter&#39;s narrative must be 20,000 characters or fewer" in page
    assert "Date of the letter must be a real date" in page
    assert stored(app) == ([], [])


def test_too_long_an_addressee_is_refused_and_nothing_is_saved(app, manager) -> None:
    response = write(manager, addressee_name="x" * 101, addressee_title="y" * 101)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The addressee must be 100 characters or fewer" in page
    assert "Their role must be 100 characters or fewer" in page
    assert stored(app) == ([], [])


def test_a_stale_form_does_not_overwrite_someone_elses_letter(app, manager) -> None:
    token = csrf_token(manager, LETTER)
    fields = {"csrf_token": token, "addressee_title": "Chief Executive", "version": "0"}
    first = manager.post(LETTER, data={**fields, "narrative": "Mine."})
    assert first.status_code == 302
    second = manager.post(LETTER, data={**fields, "narrative": "Theirs, from an old page."})
    assert second.status_code == 200
    assert "Someone else saved this letter while you were editing it" in second.get_data(
        as_text=True
    )
    letters, events = stored(app)
    assert [letter.narrative for letter in letters] == ["Mine."] and len(events) == 1


def test_the_letter_downloads_as_a_pdf(manager) -> None:
    assert write(manager).status_code == 302
    response = manager.get(f"{LETTER}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="annual-review-letter-LEICS-2024-25.pdf"'
    )
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "83% of complaints we investigated were upheld" in text
    assert "Leicestershire County Council" in text and "Dear Mr Sinnott" in text
    assert "This year, we issued two public reports about your Council." in text
    assert "<b>Free Early Education Entitlement</b>" in text, "shown as typed, not as HTML"
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


def test_printing_a_letter_fetches_nothing() -> None:
    from weasyprint.urls import FatalURLFetchingError

    for address in ("http://example.org/logo.png", "file:///etc/hostname"):
        with pytest.raises(FatalURLFetchingError):
            render_pdf(f'<html><body><img src="{address}" alt=""></body></html>')


@pytest.mark.parametrize("path", ["2024", "2024-26", "last-year", "2024-25x.pdf"])
def test_a_bad_year_is_not_found(manager, path) -> None:
    assert manager.get(f"/authorities/LEICS/letters/{path}").status_code == 404
    assert manager.get("/authorities/NOPE/letters/2024-25").status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "officer", "admin"])
def test_only_managers_read_and_write_letters(client, build, role) -> None:
    build.authority("LEICS")
    sign_in(client, build.user(role, authority="LEICS" if role == "officer" else None))
    assert client.get(LETTER).status_code == 403
    assert client.get(f"{LETTER}.pdf").status_code == 403
    token = csrf_token(client, "/")
    response = client.post(LETTER, data={"csrf_token": token, "narrative": "x", "version": "0"})
    assert response.status_code == 403


def test_letters_need_signing_in(client, build) -> None:
    build.authority("LEICS")
    for path in (LETTER, f"{LETTER}.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
