"""Deadlines, openings, events and call status read from Swedish and English text by the real
spaCy component (`callwatch_dates` on blank sv/en pipelines). Sentences are made up for the tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import spacy

import pipeline.nlp.dates  # noqa: F401  (registers the factory)
from pipeline.vocabulary import today_in_stockholm


@pytest.fixture(scope="module")
def read():
    pipelines = {}

    def run(text: str, reference_date: str | None = None, lang: str = "sv"):
        if lang not in pipelines:
            nlp = spacy.blank(lang)
            nlp.add_pipe("callwatch_dates")
            pipelines[lang] = nlp
        nlp = pipelines[lang]
        doc = nlp.make_doc(text)
        doc._.reference_date = reference_date
        doc._.lang = lang
        return nlp(doc)

    return run


def test_year_less_deadline_takes_the_year_ahead_of_the_reference_date(read):
    doc = read("Välkommen att söka! Ansökan ska vara inne senast den 14 mars klockan 15.00.", "2025-01-20")
    assert doc._.deadline == "2025-03-14"
    # published in November: a January deadline is next year's
    doc = read("Sista ansökningsdag är 20 januari.", "2024-11-20")
    assert doc._.deadline == "2025-01-20"


def test_without_reference_date_year_less_dates_are_read_against_today(read):
    doc = read("Deadline: 1 June", lang="en")
    deadline = date.fromisoformat(doc._.deadline)
    today = today_in_stockholm()
    assert (deadline.month, deadline.day) == (6, 1)
    assert today - timedelta(days=190) <= deadline <= today + timedelta(days=366)


def test_an_unreadable_reference_date_falls_back_instead_of_failing(read):
    doc = read("Ansök senast 2025-04-01.", "sometime in spring")
    assert doc._.deadline == "2025-04-01"


def test_a_programme_period_is_not_a_deadline(read):
    doc = read("Programmet gäller för perioden 2023–2027 och omfattar hela Norrland.", "2024-02-01")
    assert doc._.deadline is None
    doc = read("The project runs from 2023-10-01 to 2026-06-30.", "2024-02-01", lang="en")
    assert doc._.deadline is None


def test_stated_closed_call_is_closed_with_its_closing_date(read):
    doc = read("Skåne och Blekinge\n\n• Stängd 16 mars 2023\n\nProjekt för kompetensförsörjning.", "2023-03-01")
    assert doc._.call_status == "closed"  # stated, even though the reference date is before it
    assert doc._.deadline == "2023-03-16"


def test_registration_deadline_for_a_meeting_is_not_the_call_deadline(read):
    doc = read(
        "Välkommen till ett informationsmöte om utlysningen den 12 mars kl 10-11 via Teams. "
        "Anmäl dig senast 10 mars.",
        "2025-02-01",
    )
    assert doc._.deadline is None
    assert doc._.events == ["2025-03-12"]
    doc = read("Registration deadline: 5 May 2025. The info day takes place on 12 May 2025.", "2025-04-01", "en")
    assert doc._.deadline is None
    assert doc._.events == ["2025-05-12"]


def test_reporting_decision_and_update_dates_are_not_deadlines(read):
    doc = read(
        "Slutrapport ska lämnas senast 2026-12-31. Beslut fattas senast 15 juni.\n\n"
        "Senast uppdaterad: 2025-01-10",
        "2025-01-10",
    )
    assert doc._.deadline is None


def test_english_call_page_with_opening_and_deadline_is_open_between_them(read):
    text = (
        "Opening date: 6 May 2025\n"
        "Deadline: 17 September 2025 17:00 Brussels time\n"
        "Proposals must be submitted electronically."
    )
    doc = read(text, "2025-06-01", "en")
    assert (doc._.opening, doc._.deadline, doc._.call_status) == ("2025-05-06", "2025-09-17", "open")
    assert read(text, "2025-10-01", "en")._.call_status == "closed"


def test_call_that_opens_later_is_forthcoming(read):
    doc = read("The call will open on 3 March and close on 30 April 2025.", "2025-01-15", "en")
    assert doc._.opening == "2025-03-03"
    assert doc._.deadline == "2025-04-30"
    assert doc._.call_status == "forthcoming"


def test_open_from_to_range_gives_opening_and_deadline_with_the_year_of_its_end(read):
    doc = read("The first call will be open from 10 February to 31 March 2026.", "2025-12-01", "en")
    assert (doc._.opening, doc._.deadline) == ("2026-02-10", "2026-03-31")
    doc = read("Ansökningsperiod: 1–15 mars 2025", "2025-01-10")
    assert (doc._.opening, doc._.deadline) == ("2025-03-01", "2025-03-15")


def test_two_stage_call_deadline_is_the_first_closing_date(read):
    doc = read(
        "Intresseanmälan ska lämnas senast den 2 april. Fullständig ansökan ska vara inne senast 20 maj.",
        "2025-02-01",
    )
    assert doc._.deadline == "2025-04-02"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Sista ansökningsdag: 19.3.2025", "sv"),
        ("Ansök senast 19/3.", "sv"),
        ("Utlysningen stänger 2025-03-19 kl. 14.00.", "sv"),
        ("Submission deadline: March 19th, 2025", "en"),
        ("Closing date: 19 Mar 2025", "en"),
        ("Applications close on the 19th of March.", "en"),
        ("The call closes on 19. 3. 2025 at noon.", "en"),
    ],
)
def test_written_date_forms(read, text, lang):
    assert read(text, "2025-01-10", lang)._.deadline == "2025-03-19"


def test_ordinary_words_are_not_months(read):
    doc = read("Step 5 may be skipped if the partner is public. Deadline: 2 June 2025", "2025-01-10", "en")
    assert doc._.deadline == "2025-06-02"
    assert doc._.opening is None


def test_a_written_weekday_chooses_the_year(read):
    # 8 December was a Thursday in 2022, not in 2021 or 2023
    doc = read("Torsdag 8 december öppnar utlysningen.", "2023-10-01")
    assert doc._.opening == "2022-12-08"


def test_only_upcoming_events_are_listed_by_their_first_day(read):
    doc = read(
        "Seminariet hölls den 10 januari 2025. Konferensen äger rum 4–5 februari 2025 i Umeå. "
        "Webbinarium 3 mars 2025 om nästa utlysning.",
        "2025-01-20",
    )
    assert doc._.events == ["2025-02-04", "2025-03-03"]


def test_status_from_words_when_the_page_gives_no_dates(read):
    assert read("Utlysningen är öppen för ansökningar från små företag.", "2025-01-10")._.call_status == "open"
    assert read("Kommande utlysning inom hållbar industri.", "2025-01-10")._.call_status == "forthcoming"
    assert read("Vi berättar om regionens arbete.", "2025-01-10")._.call_status is None


def test_a_by_far_from_its_date_is_not_a_deadline(read):
    doc = read("The conference, organised by the region and its partners, takes place 5 May 2025.", "2025-01-10", "en")
    assert doc._.deadline is None
    assert doc._.events == ["2025-05-05"]
    assert read("Send your proposal by Friday 7 March.", "2025-01-10", "en")._.deadline == "2025-03-07"


def test_date_field_of_an_event_page_is_the_event(read):
    event_page = "Datum: 12 mars 2025\nTid: 09.00–12.00\nPlats: Umeå\n\nVälkommen till en workshop om EU-projekt."
    assert read(event_page, "2025-02-01")._.events == ["2025-03-12"]
    document = "Datum: 2025-02-01\nDiarienummer 2024-05331\n\nUtlysning av medel för innovationsprojekt."
    assert read(document, "2025-02-01")._.events == []


def test_open_until_is_the_deadline(read):
    doc = read("Öppen till 19 mars 2025\n\nVill ni utveckla besöksnäringen?", "2025-02-01")
    assert (doc._.deadline, doc._.call_status) == ("2025-03-19", "open")


def test_from_right_before_a_date_opens_the_call(read):
    text = "Från 15 januari kan ni ansöka om finansiering. Sista dagen för att ansöka är 28 februari."
    doc = read(text, "2024-12-01")
    assert (doc._.opening, doc._.deadline, doc._.call_status) == ("2025-01-15", "2025-02-28", "forthcoming")
    # ...but not when it is a project's running time
    doc = read("Projektet pågår från 1 mars 2024 till 28 februari 2026.", "2024-01-01")
    assert (doc._.opening, doc._.deadline) == (None, None)


def test_event_words_inside_swedish_compounds(read):
    doc = read(
        "Välkommen till vårt digitala nätverksmöte fredag 21 augusti kl 12.00-13.00. "
        "Anmälningar till mötet görs via länken nedan senast fredag 14 augusti.",
        "2020-07-01",
    )
    assert doc._.events == ["2020-08-21"]
    assert doc._.deadline is None  # signing up for the meeting
    assert read("Vi bemöter kritiken den 5 maj 2020.", "2020-01-01")._.events == []


def test_an_event_running_from_a_date_is_not_a_call_opening(read):
    doc = read("Mark your calendar: Horizon Europe Info Days, from June 28th to July 9th.", "2021-06-01", "en")
    assert (doc._.events, doc._.opening, doc._.deadline) == (["2021-06-28"], None, None)


def test_eligibility_dates_are_not_deadlines(read):
    doc = read(
        "Huvudsökande ska ha avlagt doktorsexamen tidigast den 1 januari 2016 eller senast den 31 december 2022."
        "\n\nSista ansökningsdatum: 2025-04-08 14:00",
        "2025-02-01",
    )
    assert doc._.deadline == "2025-04-08"


def test_year_less_date_takes_its_year_from_the_date_written_before_it(read):
    text = (
        "The call is open from 9 September to 7 October 2024. Applications are accepted until "
        "24:00 CET on 7 October. Projects must end by 31 December 2028."
    )
    # the reference date (a crawl years later) would put 7 October elsewhere; the page says 2024
    doc = read(text, "2026-11-20", "en")
    assert (doc._.opening, doc._.deadline, doc._.call_status) == ("2024-09-09", "2024-10-07", "closed")


def test_a_period_dates_a_year_less_neighbour_by_its_start(read):
    text = (
        "Projektet pågår från 1 mars 2026 till 28 februari 2029 och leds av kommunen. "
        "Ett öppet startseminarium hålls den 14 april."
    )
    assert read(text, "2026-01-15")._.events == ["2026-04-14"]


def test_a_headline_over_a_bare_date_is_the_pages_dateline(read):
    news = "Informationsmöte om regionens nya utlysning\n2026-11-02\nVälkommen till mötet den 9 december 2026."
    assert read(news, "2026-11-02")._.events == ["2026-12-09"]
    appointment = "Informationsmöte om regionens nya utlysning\n9 december 10:00-12:00 via Teams"
    assert read(appointment, "2026-11-02")._.events == ["2026-12-09"]
    closed = "Stängd utlysning: energi i industrin\n2026-03-01\nUtlysningen är stängd sedan 16 mars 2026."
    assert read(closed, "2026-04-01")._.deadline == "2026-03-16"


def test_open_to_all_is_not_a_call_opening(read):
    doc = read("Konferensen är öppen för alla och hålls den 5 maj 2025 i Luleå.", "2025-01-10")
    assert (doc._.opening, doc._.events) == (None, ["2025-05-05"])
    doc = read("Utlysningen är öppen mellan 1 februari och 15 mars 2025.", "2025-01-10")
    assert (doc._.opening, doc._.deadline) == ("2025-02-01", "2025-03-15")


def test_a_year_less_window_across_new_year(read):
    doc = read("Ansökningsperiod: 20 december–15 januari", "2024-12-01")
    assert (doc._.opening, doc._.deadline) == ("2024-12-20", "2025-01-15")


def test_a_list_of_dates_takes_its_year_from_the_end(read):
    doc = read("Full proposals can be submitted by the cut-offs 12 March, 4 June and 8 October 2026.",
               "2026-02-01", "en")
    assert doc._.deadline == "2026-03-12"
    doc = read("Ansökningar tas emot till och med 10 december och 20 januari 2027.", "2026-10-01")
    assert doc._.deadline == "2026-12-10"


def test_an_application_period_that_runs_between_two_dates(read):
    doc = read("Ansökningsperioden pågår 3 mars – 21 april 2027.", "2027-01-10")
    assert (doc._.opening, doc._.deadline) == ("2027-03-03", "2027-04-21")
    doc = read("Projektet pågår 1 mars 2027 – 28 februari 2029.", "2027-01-10")
    assert (doc._.opening, doc._.deadline) == (None, None)


def test_booking_a_consultation_by_a_date_is_not_the_deadline(read):
    text = ("Applicants should book a consultation with the secretariat by 5 February 2027. "
            "The call closes on 12 March 2027.")
    assert read(text, "2027-01-10", "en")._.deadline == "2027-03-12"


def test_dates_in_a_bulleted_list_under_a_labelled_heading(read):
    text = ("Application deadlines:\n- Small projects: 14 May 2027\n- Large projects, concept stage: 2 April 2027\n\n"
            "Meet us at the info day.")
    assert read(text, "2027-01-10", "en")._.deadline == "2027-04-02"
    plain = "Our projects:\n- Harbour renewal: 14 May 2027\n- New ferry line: 2 April 2027"
    assert read(plain, "2027-01-10", "en")._.deadline is None


def test_a_yearless_29_february_far_from_a_leap_year_is_read_not_crashed_on() -> None:
    from pipeline.nlp.dates import extract_dates

    found = extract_dates("Sista ansökningsdag är den 29 februari. Välkommen med din ansökan!", date(2026, 12, 3))
    assert found.deadline == "2028-02-29"  # the nearest leap year ahead
    assert extract_dates("Sista ansökningsdag är den 31 april.", date(2026, 12, 3)).deadline is None


def test_a_registration_deadline_is_kept_apart_from_the_calls_deadline(read):
    doc = read("Informationsmöte om Interreg Aurora den 14 januari kl. 10–11 via Teams.\n"
               "Anmäl dig senast 10 januari via länken nedan.", "2026-12-01")
    assert (doc._.registration, doc._.deadline, doc._.events) == ("2027-01-10", None, ["2027-01-14"])
    doc = read("Join our webinar on 10 February 2026. The next cut-off for full applications is 4 March 2026. "
               "Registration closes 6 February.", "2026-01-15", lang="en")
    assert (doc._.registration, doc._.deadline) == ("2026-02-06", "2026-03-04")
    doc = read("Konferensavgift 2 950 kronor. Sista dag för anmälan är 20 maj.", "2026-03-01")
    assert doc._.registration == "2026-05-20" and doc._.deadline is None
    # a reporting deadline is someone else's too, but not one to register by
    doc = read("Slutrapporten ska lämnas in senast den 30 juni 2026.", "2026-03-01")
    assert doc._.registration is None and doc._.deadline is None
    # a registration date already past is not shown as one still to meet
    assert read("Anmäl dig senast den 4 mars.", "2026-03-10")._.registration is None
