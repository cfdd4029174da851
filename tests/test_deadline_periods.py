"""Deadlines as newer pages state them, read by the real `callwatch_dates` component on blank
sv/en pipelines: windows opening "as of" a date, periods with från/till and from/to (a time of day
between the ends), day.month dates without a year, and dates of meetings, summits or documents
that are no deadline. The pages are short and made up for the tests; each test states the rule it
checks."""

from __future__ import annotations

import pytest

# --- a window that opens "as of" a date -------------------------------------------------------------


def test_as_of_a_date_opens_the_window_it_does_not_close_it(deadline, read_dates):
    text = ("As of 3 March 2026, applications can be submitted in the portal for the second call. "
            "The window stays open until 28 April 2026 at 14:00.")
    assert deadline(text, "2026-03-10", "en") == "2026-04-28"
    assert read_dates(text, "2026-03-10", "en").opening == "2026-03-03"


# --- dates that are no call's deadline ------------------------------------------------------------


def test_a_letter_dated_a_day_is_no_application_deadline(deadline):
    text = "Thank you for your application dated 14 May 2025; the board will consider it in the autumn."
    assert deadline(text, "2025-11-01", "en") is None


def test_a_summit_held_over_days_is_an_event_not_a_window(deadline, read_dates):
    text = "The network will hold its yearly Summit in Lyon from 9 to 11 June 2026, with a day for beneficiaries."
    assert deadline(text, "2026-02-01", "en") is None
    assert read_dates(text, "2026-02-01", "en").events == ["2026-06-09"]


def test_days_at_an_exhibition_are_an_event_not_a_window(deadline):
    text = "From 3 to 5 November our stand at the exhibition hall welcomed hundreds of visitors."
    assert deadline(text, "2026-11-10", "en") is None


def test_meetings_cancelled_until_a_date_leave_the_calls_deadline(deadline):
    text = ("Owing to the building works, all of our events are cancelled until 1 May 2026.\n"
            "The closing date for the youth arts fund, 12 May 2026, stays as announced.")
    assert deadline(text, "2026-04-20", "en") == "2026-05-12"


def test_completed_applications_are_applications_not_finished_work(deadline):
    text = "Completed applications are accepted until 16:00 on Friday 12 June 2026 via the online form."
    assert deadline(text, "2026-04-20", "en") == "2026-06-12"


def test_work_to_be_completed_by_a_date_is_no_deadline(deadline):
    text = "Every event paid for with the grant must be completed by 30 November 2026."
    assert deadline(text, "2026-04-20", "en") is None


def test_applications_counted_by_a_date_are_statistics_not_a_deadline(deadline):
    text = ("Hur stort har intresset varit?\n\n"
            "– Den 1 mars hade det kommit in 87 ansökningar till fonden.")
    assert deadline(text, "2026-03-05") is None


# --- periods of applying stated with från/till, from/to ----------------------------------------------


def test_an_application_period_that_goes_on_from_one_date_to_another_closes_on_the_last(deadline, read_dates):
    text = "Ansökningsperioden för nästa års bidrag pågår från den 15 juni till den 30 september 2026."
    assert deadline(text, "2026-06-15") == "2026-09-30"
    assert read_dates(text, "2026-06-15").opening == "2026-06-15"


def test_an_english_application_period_running_from_one_date_to_another(deadline):
    text = "The submission period for the second call runs from 2 March to 20 April 2026."
    assert deadline(text, "2026-02-10", "en") == "2026-04-20"


def test_a_project_that_goes_on_from_one_date_to_another_has_no_deadline(deadline):
    # the window named in an earlier clause does not make the project's period a window
    text = "Projektet beviljades under ansökningsperioden i våras, och det pågår från den 1 juli till den 30 juni 2028."
    assert deadline(text, "2026-06-15") is None


def test_a_time_of_day_before_a_periods_last_day_keeps_the_period_whole(deadline):
    text = "Applications can be submitted from 4 May to 16:00 (Central European Time) on 9 June 2026."
    assert deadline(text, "2026-04-01", "en") == "2026-06-09"


def test_a_swedish_period_with_the_hour_before_its_last_day(deadline):
    text = "Du kan ansöka från den 4 maj till kl. 15.00 den 9 juni 2026."
    assert deadline(text, "2026-04-01") == "2026-06-09"


def test_a_period_told_in_the_past_lies_before_the_page_without_a_year(deadline):
    # a results page in December: the call that "was opened from" March to April was this year's
    text = ("The call was opened in the portal from 2 March to 17:00 (local time) on 6 April. "
            "In total, 310 applications were submitted.")
    assert deadline(text, "2026-12-10", "en") == "2026-04-06"


# --- day.month. dates without a year -----------------------------------------------------------


def test_a_day_and_month_with_dots_after_den_takes_its_year_from_the_page(deadline):
    text = "14.10.2026\nAnsökningstiden för extra bidrag gick ut tisdagen den 13.10. Totalt kom 210 ansökningar in."
    assert deadline(text, "2026-10-14") == "2026-10-13"


def test_a_due_date_label_with_a_day_and_month(deadline):
    text = "Mobility grants for artists\nDue Date: 15.3.\nApply in the online service."
    assert deadline(text, "2026-02-01", "en") == "2026-03-15"


def test_section_numbers_are_no_dates(deadline):
    text = ("Deadline for applications: see section 4.2. below.\n"
            "Task 2.1. Organisation of info days, with a closing report.")
    assert deadline(text, "2026-02-01", "en") is None


# --- an event word and the deadline after it ------------------------------------------------------


def test_a_comma_ends_what_a_meeting_word_speaks_of(deadline):
    text = "Medlemsbidrag söks senast två månader efter årsmötet, dock senast 15 december."
    assert deadline(text, "2026-09-01") == "2026-12-15"


def test_a_deadline_right_after_a_webinar_word_is_the_webinars(deadline):
    text = "Vi går igenom utlysningen på webbinariet innan 5 maj. Ansökan ska vara inne senast 30 maj 2026."
    assert deadline(text, "2026-04-01") == "2026-05-30"


# --- tables flattened one cell a line ---------------------------------------------------------------


def test_a_flattened_table_with_its_column_labels_one_a_line(deadline, read_dates):
    text = ("Calls of the programme\n\nOpening date\n\nDeadline\n\n\n"
            "Call for proposals on rare diseases networks in the member states\n\n4 May 2026\n\n15 October 2026\n\n\n"
            "Call for proposals on operating grants to patient organisations\n\n4 May 2026\n\n10 September 2026\n")
    assert deadline(text, "2026-05-10", "en") == "2026-09-10"
    assert read_dates(text, "2026-05-10", "en").opening == "2026-05-04"


def test_a_flattened_table_with_its_column_labels_on_one_line(deadline):
    text = ("Call calendar:\n\nCall Opening date Closing date\nFirst call - priorities 1 and 2\n\n"
            "12/01/2026\n\n20/03/2026\nSecond call - priority 3\n\n01/09/2026\n\n30/11/2026\n")
    assert deadline(text, "2026-02-01", "en") == "2026-03-20"


def test_dates_under_titles_without_column_labels_say_nothing(deadline):
    text = ("Latest news\n\nRegional fund supports ten new projects\n\n4 May 2026\n\n15 October 2026\n\n"
            "Partners met in Umeå\n\n2 May 2026\n\n3 May 2026\n")
    assert deadline(text, "2026-05-10", "en") is None


# --- a window's end told after a long subject ------------------------------------------------------


def test_an_application_period_that_ended_after_a_long_subject(deadline):
    # the period is named far before its end word; told in the past, the year-less end is this year's
    text = ("The application period for the agency's funding for small firms and sole traders hit by "
            "the closure of the regional airport last autumn ended on 2 March. In total 4,200 "
            "applications were received.")
    assert deadline(text, "2026-03-20", "en") == "2026-03-02"


def test_a_project_that_ends_after_a_long_subject_has_no_deadline(deadline):
    text = ("The project for small firms and sole traders hit by the closure of the regional airport "
            "last autumn ends on 30 June 2027.")
    assert deadline(text, "2026-03-20", "en") is None


# --- a call's update log -----------------------------------------------------------------------------


def test_timestamps_of_a_calls_update_log_are_no_deadlines(deadline):
    text = ("Change log\nMar 3, 2026 11:05:12 AM\nThe call was closed on 26/02/2026.\n"
            "Jan 9, 2026 8:31:07 AM\nOnline submission has opened.\n")
    assert deadline(text, "2026-03-10", "en") == "2026-02-26"


# --- a list of days sharing their month ------------------------------------------------------------


def test_a_list_of_days_sharing_a_month_closes_on_its_first_day(deadline):
    text = "Ansökan öppnar den 12 oktober med sista ansökningsdatum 26, 27 och 28 oktober beroende på konstområde."
    assert deadline(text, "2026-10-01") == "2026-10-26"


def test_a_meeting_on_a_list_of_days_starts_on_the_first(read_dates):
    text = "The partner meeting takes place on 7, 8 and 9 May 2026 in Tartu."
    assert read_dates(text, "2026-03-01", "en").events[0] == "2026-05-07"


def test_a_number_before_a_date_that_is_no_earlier_day_is_no_list(deadline):
    text = "See article 14, 6 May 2026 is the closing date for applications."
    assert deadline(text, "2026-03-01", "en") == "2026-05-06"


# --- a clause after "och"/"and" that says what the date is for ---------------------------------------


def test_a_final_report_due_in_a_joined_clause_is_no_deadline(deadline):
    text = ("Det tidigare slutdatumet för projekten var 31 december 2025 och senast 30 april 2026 skulle "
            "projekten lämna in sin slutredovisning.")
    assert deadline(text, "2025-06-04") is None


def test_a_deadline_in_a_joined_clause_before_a_decision_sentence(deadline):
    text = ("Ansökan ska lämnas in i god tid och senast 31 december. "
            "Ansökan behandlas senast 30 april året efter.")
    assert deadline(text, "2026-03-01") == "2026-12-31"


def test_the_date_an_approval_round_closed_is_a_decisions_date(deadline):
    text = "The latest approval round was closed on 2 December 2026, and nine projects were selected."
    assert deadline(text, "2026-12-10", "en") is None


def test_an_italian_call_sheets_deadline_field(deadline):
    text = "European cooperation projects 2027\n\nBudget: EUR 60 000 000.\n\nData scadenza: 14/04/2027 17:00"
    assert deadline(text, "2027-01-15", "en") == "2027-04-14"


# --- a time of day between a short cue and its date ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Applications must reach us by 13.00 hours (local time) on Wednesday 27 May 2026.",
        "Proposals are due by 17:00 Brussels time on 27 May 2026.",
        "Send your application by 5 pm on Wednesday 27 May 2026.",
    ],
)
def test_a_time_of_day_between_by_and_its_date(deadline, text):
    assert deadline(text, "2026-03-01", "en") == "2026-05-27"


def test_a_year_after_by_is_no_time_of_day(deadline):
    text = "The strategy runs by 2030 on all sites; the new office opens on 5 May 2026."
    assert deadline(text, "2026-03-01", "en") is None


@pytest.mark.parametrize(
    "text",
    [
        "Utlysningen pågår från den 1 april till och med den 15 maj 2026.",
        "Ansökningsperioden för bidraget pågår mellan 1 april och 15 maj 2026.",
    ],
)
def test_a_call_or_its_period_that_goes_on_between_two_dates(deadline, read_dates, text):
    assert deadline(text, "2026-03-01") == "2026-05-15"
    assert read_dates(text, "2026-03-01").opening == "2026-04-01"


@pytest.mark.parametrize(
    "text",
    [
        "Projektet pågår från den 1 april till och med den 15 maj 2026.",
        "Projektet pågår mellan 1 april och 15 maj 2026.",
    ],
)
def test_a_project_that_goes_on_between_two_dates_has_no_deadline(deadline, text):
    assert deadline(text, "2026-03-01") is None


@pytest.mark.parametrize("text", ["Ansökningstiden går ut 6.5. kl. 16.15.", "Utlysningen stänger 6.5."])
def test_a_day_and_month_with_dots_right_after_a_closing_verb(deadline, text):
    assert deadline(text, "2026-03-01") == "2026-05-06"


# --- date ranges in a section headed by a deadline word ------------------------------------------


def test_ranges_under_labels_in_a_deadlines_section_are_windows(deadline, read_dates):
    text = ("Application deadlines\n\nTravel grants\n\nArtist residencies\n\n12.01.2026 to 20.02.2026\n\n"
            "Network funding\n\n05.01.2026 to 10.02.2026\n\n01.09.2026 to 01.10.2026\n")
    assert deadline(text, "2026-01-02", "en") == "2026-02-10"
    assert read_dates(text, "2026-01-02", "en").opening == "2026-01-05"


def test_ranges_under_labels_in_a_section_without_a_deadline_word_say_nothing(deadline):
    text = ("Our projects\n\nTravel grants\n\nArtist residencies\n\n12.01.2026 to 20.02.2026\n\n"
            "Network funding\n\n05.01.2026 to 10.02.2026\n")
    assert deadline(text, "2026-01-02", "en") is None


def test_a_reporting_period_under_a_deadlines_heading_is_no_window(deadline):
    text = "Deadlines\n\nReporting period\n\n01.01.2026 to 30.06.2026\n"
    assert deadline(text, "2025-12-01", "en") is None


def test_closing_a_named_round_of_a_call_on_a_date(deadline):
    text = ("Because of the many applications, the foundation closed this round of the Culture Needs "
            "Courage call on Tuesday 14 April 2026 at noon.")
    assert deadline(text, "2026-04-15", "en") == "2026-04-14"
