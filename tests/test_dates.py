"""Deadlines, openings, events and call status read from Swedish and English text by the real
spaCy component (`callwatch_dates` on blank sv/en pipelines). Sentences are made up for the tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipeline.nlp.date_mentions import find_dates
from pipeline.vocabulary import today_in_stockholm


@pytest.fixture(scope="module")
def read(dates_doc):
    return dates_doc


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


# --- date forms and years --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Deadline: 9-Apr-27", "en"),  # database style, two-digit year
        ("Proposals are due 09-Apr-2027.", "en"),
        ("Ansökan ska vara inne senast 09-04-2027.", "sv"),  # day-month-year with hyphens
        ("Closing date April 9. 2027.", "en"),
        ("Sista ansökningsdag: fredag9 april 2027", "sv"),  # the weekday lost its space with the markup
        ("The deadline for letters of intent09.04.2027 at noon.", "en"),  # so did the label
    ],
)
def test_more_written_date_forms(read, text, lang):
    assert read(text, "2027-01-10", lang)._.deadline == "2027-04-09"


def test_a_number_is_not_read_as_a_hyphenated_date(read):
    assert read("Programmet 2021-2027 har 12-15 utlysningar. Deadline: 1 mars 2027.", "2027-01-10")._.deadline == (
        "2027-03-01"
    )


def test_a_year_less_date_after_another_in_the_same_sentence_lies_after_it(read):
    # in December, "27 augusti" alone would be the August just gone; after "22 juni" next year it is next August
    text = "Omgång 1 öppnar 18 mars och stänger 8 april. Omgång 2 öppnar 22 juni och stänger 27 augusti."
    found = [m.value.isoformat() for m in find_dates(text, date(2026, 12, 2))]
    assert found == ["2027-03-18", "2027-04-08", "2027-06-22", "2027-08-27"]
    # but a date just written earlier in the same year stays in it
    doc = read("The forum meets on 30 and 31 October, with a side event on 29 October.", "2026-06-01", "en")
    assert doc._.events == ["2026-10-29", "2026-10-30"]


# --- deadlines stated as the end of a period -------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Utlysningens tid: 2027-02-01 – 2027-03-15\nAnsökan görs i e-tjänsten.", "sv"),
        ("The call will be open between 1 February and 15 March 2027.", "en"),
        ("Du kan söka stödet mellan den 1 februari och den 15 mars 2027.", "sv"),
        ("Ansökningsomgång 1: 1 februari-15 mars 2027\nAnsökningsomgång 2: 1 augusti-1 september 2027", "sv"),
        ("Under perioden 1 februari – 15 mars 2027 går det att ansöka om stöd.", "sv"),
        ("The dates of the second call for proposals are 1 February 2027 – 15 March 2027.", "en"),
    ],
)
def test_a_window_closes_on_its_last_day(read, text, lang):
    doc = read(text, "2027-01-10", lang)
    assert (doc._.opening, doc._.deadline) == ("2027-02-01", "2027-03-15")


def test_a_range_that_is_not_an_application_window(read):
    # what the money may be spent on, or when the funded work happens
    for text in (
        "Bidraget kan användas för kostnader under perioden 1 juli–31 december 2027.",
        "Ansök om stöd för aktiviteter som genomförs mellan 1 juli och 31 december 2027.",
        "Utlysningen gäller resor 1 juli–31 december 2027.",
    ):
        assert read(text, "2027-01-10")._.deadline is None, text
    doc = read("Call 2: activities must be carried out 1 July – 31 December 2027.", "2027-01-10", "en")
    assert doc._.deadline is None
    # an event that opens its doors over a week
    doc = read("Under en vecka, 5–13 maj, öppnar projekten sina dörrar för besökare.", "2027-01-10")
    assert doc._.deadline is None
    # a sentence ending on a year, then another starting on a date
    doc = read("Ansökningstiden är 1 februari till 15 mars 2027. 20–21 april hålls en träff för sökande.",
               "2027-01-10")
    assert (doc._.deadline, doc._.events) == ("2027-03-15", ["2027-04-20"])


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Utlysningen avslutas den 15 mars.", "sv"),
        ("Sista ansöknings dag är 15 mars.", "sv"),
        ("The application date is 15 March.", "en"),
        ("Öppen för ansökningar till 15 mars", "sv"),
        ("Utlysningen öppnades den 1/2 och stänger den 15/3.", "sv"),
        ("Call 2, closed 15 March 2027", "en"),
        ("Följande ansökningstid utgår 15.3.2027.", "sv"),
    ],
)
def test_more_ways_of_stating_the_closing_date(read, text, lang):
    assert read(text, "2027-01-10", lang)._.deadline == "2027-03-15"


# --- labels in the page's layout ----------------------------------------------------------------


def test_labels_written_below_their_dates(read):
    text = ("Key dates\nFebruary 1, 2027\nOpens for applications\nMarch 15, 2027, 12:00 noon\nApplication deadline\n"
            "June 2027\nDecision")
    doc = read(text, "2027-01-10", "en")
    assert (doc._.opening, doc._.deadline) == ("2027-02-01", "2027-03-15")


def test_labels_written_above_their_dates_stay_above(read):
    text = "- Opening date\n- February 1, 2027\n- Deadline\n- March 15, 2027\n- Deadline model\n- two-stage"
    doc = read(text, "2027-01-10", "en")
    assert (doc._.opening, doc._.deadline) == ("2027-02-01", "2027-03-15")


def test_a_news_headline_under_its_date_is_not_a_label(read):
    doc = read("News\n\n12 January 2027\nNorth Sea programme - call 4 open\nRead more", "2027-01-12", "en")
    assert (doc._.opening, doc._.deadline) == (None, None)


def test_a_label_line_ending_in_its_cue(read):
    text = "HOW TO APPLY\nSend your project idea to the network coordinator no later than:\n15 March 2027\n"
    assert read(text, "2027-01-10", "en")._.deadline == "2027-03-15"
    # without the colon a long line over a date is a heading, not its label: in a block that
    # opens on a date, with blank lines between all its lines, each label stands below its date
    text = ("Key dates\n\n1 Feb 2027\n\nDate the call is made active\n\n15 Mar 2027\n\n"
            "Application submission deadline\n\n1 Jun 2027\n\nEarliest project start")
    assert read(text, "2027-01-10", "en")._.deadline == "2027-03-15"


def test_a_field_value_is_not_labelled_by_the_next_field(read):
    text = "Key dates: Call announcement: 10 January 2027 Deadline for outline proposals: 15 March 2027"
    doc = read(text, "2027-01-10", "en")
    assert doc._.deadline == "2027-03-15"


# --- dates that are not the call's deadline -------------------------------------------------------


def test_a_byline_is_not_a_submission(read):
    doc = read("Submitted by Anna on 12 January 2027\n\nThe partnership met in Lund.", "2027-01-12", "en")
    assert doc._.deadline is None
    assert read("Applications must be submitted by 17 March 2027.", "2027-01-12", "en")._.deadline == "2027-03-17"
    assert read("Final reports must be submitted by 17 March 2027.", "2027-01-12", "en")._.deadline is None


def test_a_replaced_deadline_is_not_the_deadline(read):
    text = "The call now has a new deadline of 15 March 2027. It originally had a deadline of 1 February."
    assert read(text, "2027-01-10", "en")._.deadline == "2027-03-15"


def test_a_date_something_else_happens_by(read):
    doc = read("By 15 March 2027, applicants will be notified of the outcome.", "2027-01-10", "en")
    assert doc._.deadline is None
    doc = read("Senast den 15 mars beslutar vi om fördelningen.", "2027-01-10")
    assert doc._.deadline is None
    assert read("Svara på enkäten innan den 15 mars.", "2027-01-10")._.deadline is None


def test_a_year_less_date_told_in_the_past_tense_lies_in_the_past(read):
    # a news item of December: the call closed last June, not next June
    doc = read("Formas stängde sin utlysning den 10 juni. Ett hundratal skisser kom in.", "2026-12-02")
    assert doc._.deadline == "2026-06-10"
    assert read("Utlysningen stänger den 10 juni.", "2026-12-02")._.deadline == "2027-06-10"
    doc = read("Seminariet hölls den 10 januari i Umeå.", "2026-12-20")
    assert doc._.events == []


def test_a_spending_limit_is_not_a_deadline(read):
    doc = read("Grant funds must be spent by June 30, 2027. Applications close on 1 March 2027.", "2027-01-10", "en")
    assert doc._.deadline == "2027-03-01"


def test_open_before_a_noun_does_not_open_a_date(read):
    doc = read("The deadline for both open calls is on 15 March 2027.", "2027-01-10", "en")
    assert (doc._.opening, doc._.deadline) == (None, "2027-03-15")


def test_a_deadline_far_after_an_event_word_is_a_deadline(read):
    text = "Proposals to host the annual conference should be sent to the secretariat by 15 March 2027."
    doc = read(text, "2027-01-10", "en")
    assert (doc._.deadline, doc._.events) == ("2027-03-15", [])
    doc = read("The workshop took place in Tampere from 21-23 May 2026.", "2026-06-01", "en")
    assert (doc._.deadline, doc._.opening) == (None, None)
    doc = read("From 20 to 21 May 2027 a seminar on cooperation is held in Vienna.", "2027-01-10", "en")
    assert (doc._.deadline, doc._.opening, doc._.events) == (None, None, ["2027-05-20"])


def test_a_news_listing_date_over_a_headline_is_not_a_deadline(read):
    listing = "Latest news\n\n5 January 2027\nDeadline extended\n\n2 January 2027\nNew partners join"
    assert read(listing, "2027-01-10", "en")._.deadline is None
    cut_off = "Stage one\n\n15 March 2027 at 16:00\nDeadline for project ideas\n\nStage two by invitation."
    assert read(cut_off, "2027-01-10", "en")._.deadline == "2027-03-15"


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
