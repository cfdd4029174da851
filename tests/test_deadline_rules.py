"""Which date a page's deadline is, read by the real `callwatch_dates` component on blank sv/en
pipelines: several rounds on one page, yearly deadlines written without a year, dates in layouts
and tables, and dates that look like deadlines but are someone else's. The pages are short and
made up for the tests; each test states the rule it checks."""

from __future__ import annotations

import pytest

# --- the choice among several deadlines ----------------------------------------------------------


def test_a_round_closed_months_ago_gives_way_to_the_coming_one(deadline):
    text = ("Stödet för förstudier stängde den 12 oktober 2025. Nu kan du söka stöd för "
            "genomförandeprojekt: sista ansökningsdag är 3 mars 2026.")
    assert deadline(text, "2026-01-20") == "2026-03-03"


def test_a_round_that_closed_days_ago_is_the_pages_own(deadline):
    # a news item written just after closing is about that round, not the next window
    text = ("I förrgår, den 14 april, stängde vi vårens utlysning. Nästa ansökningsperiod är "
            "1 september till 15 oktober 2026.")
    assert deadline(text, "2026-04-16") == "2026-04-14"


def test_a_closed_two_stage_call_keeps_its_first_stage(deadline):
    text = ("Outline proposals had to be submitted by 4 March 2026. "
            "The deadline for full proposals was 20 May 2026.")
    assert deadline(text, "2026-07-01", "en") == "2026-03-04"


def test_a_list_of_yearly_cut_offs_gives_the_next_one(deadline):
    text = "Bidrag för föreningar:\n • Lokalt stöd senast 10 februari\n • Grundbidrag senast 20 maj\n"
    assert deadline(text, "2026-03-02") == "2026-05-20"


# --- yearly deadlines written without a year -------------------------------------------------------


def test_a_yearly_deadline_that_passed_is_next_years(deadline):
    text = "Ansökan ska ha kommit in i god tid och senast 30 november. Vi behandlar ansökningarna i januari."
    assert deadline(text, "2026-02-10") == "2026-11-30"


def test_a_deadline_told_in_the_past_stays_in_its_year(deadline):
    text = "When the deadline came on 2 March, 57 proposals had been received by the programme."
    assert deadline(text, "2026-03-20", "en") == "2026-03-02"


def test_yearly_windows_in_separate_sentences_each_take_their_coming_year(deadline):
    text = ("Stiftelsen tar emot ansökningar två gånger om året. Den första omgången är 1-31 mars. "
            "Den andra omgången är 1-30 oktober.")
    assert deadline(text, "2026-09-15") == "2026-10-30"
    assert deadline(text, "2026-01-15") == "2026-03-31"


def test_a_year_less_date_after_a_dated_one_leans_to_the_months_after(deadline):
    text = "Ansökningstiden börjar den 3 februari 2027 och går ut den 25 september kl. 12."
    assert deadline(text, "2027-10-20") == "2027-09-25"


# --- date forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, reference, expected",
    [
        ("Ansökningstiden är oktober månad (1-31.10).", "2026-06-01", "2026-10-31"),
        ("Understöd som kan sökas 1–30.4 är: föreningsbidrag.", "2026-03-10", "2026-04-30"),
        ("Ansökningar som lämnats in 16.2-15.3: beslut i april.", "2026-01-05", "2026-03-15"),
        ("Ansökningstiden för utställare är 28.8−19.9.2026.", "2026-08-01", "2026-09-19"),
    ],
)
def test_numeric_day_month_ranges_close_on_their_last_day(deadline, text, reference, expected):
    assert deadline(text, reference) == expected


def test_a_decimal_range_of_an_amount_is_no_date(deadline):
    assert deadline("Deadline: the budget per project is 1-2.5 million euro.", "2026-01-05", "en") is None


# --- dates that are someone else's -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Sidan uppdaterades senast den 2026-03-02.", "sv"),
        ("By on 4 februari, 2026", "sv"),
        ("Filmen ska levereras färdig senast 30 september 2026.", "sv"),
        ("Skicka gärna ert utkast till oss före 15 maj 2026.", "sv"),
        ("We recommend that you contact the secretariat before 15 May 2026.", "en"),
        ("Send us your idea for feedback no later than 15 May 2026.", "en"),
        ("Topics outside the strategy adopted by the regional council on 2 May 2026.", "en"),
        ("Applicants who obtained their degree in the submission year (1 January 2024 - 31 December 2026).", "en"),
    ],
)
def test_dates_that_are_not_the_calls_closing_date(deadline, text, lang):
    assert deadline(text, "2026-03-01", lang) is None


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Ansökningstiden gick ut den 6 mars 2026 kl. 16.", "sv", "2026-03-06"),
        ("Ansökningstider\n\nNästa ansökan är 5 oktober 2026.", "sv", "2026-10-05"),
        ("Full proposals must be submitted by 14.00 hours (Dublin time) on Tuesday 9th June 2026.",
         "en", "2026-06-09"),
        ("The submission of applications runs from 2 February 2026 to 12 March 2026.", "en", "2026-03-12"),
    ],
)
def test_ways_of_stating_the_closing_date(deadline, text, lang, expected):
    assert deadline(text, "2026-01-10", lang) == expected


# --- layouts and tables ----------------------------------------------------------------------------


def test_a_block_of_dates_with_labels_below_ending_on_an_unlabelled_line(deadline):
    # the last label has no cue word, which does not turn the block's labels to the dates below
    text = ("Important dates\n02 Feb 2026\nOpen for applications\n11 Mar 2026\nApplication deadline\n"
            "01 Sep 2026\nEarliest permitted project start\n30 Jun 2030\nLatest permitted completion")
    assert deadline(text, "2026-01-10", "en") == "2026-03-11"


def test_a_news_listing_of_dates_and_headlines_is_not_a_block_of_labels(deadline):
    listing = "Latest news\n\n6 March 2026\nDeadline extended\n\n2 March 2026\nNew partners join"
    assert deadline(listing, "2026-03-10", "en") is None


def test_a_bulleted_list_under_a_short_label_takes_the_label(deadline):
    text = "Om bidraget\n\nAnsökningsdatum\n\n • 1 mars\n • 1 juni\n • 1 oktober\n\nAnsök här"
    assert deadline(text, "2026-04-10") == "2026-06-01"
    periods = "Ansökningsperiod\n • 1 februari – 28 februari\n • 1 augusti – 31 augusti"
    assert deadline(periods, "2026-04-10") == "2026-08-31"


def test_a_yearly_cut_off_just_passed_gives_way_to_the_next_in_a_list(deadline):
    # days after one listed cut-off, the page is read for the next (it tells of no closed round)
    text = "Ansökningsdatum\n\n • 15 mars\n • 15 september"
    assert deadline(text, "2026-03-20") == "2026-09-15"


# --- windows -----------------------------------------------------------------------------------------


def test_a_window_that_opened_and_runs_until_a_date_closes_then(deadline):
    text = "The second window opened on Monday 2 March and runs until Friday 10 April."
    assert deadline(text, "2026-03-05", "en") == "2026-04-10"
    assert deadline("Utlysningen öppnade den 2 mars och pågår till den 10 april.", "2026-03-05") == "2026-04-10"
    # without an opening before it, "runs until" is some other period's end
    assert deadline("The project runs until 31 December 2027.", "2026-03-05", "en") is None


def test_a_range_an_event_is_held_over_is_no_window(deadline):
    text = "From 5 October until 8 October in Brussels the week of cities and regions will be held."
    assert deadline(text, "2026-09-01", "en") is None


def test_a_cue_after_two_dates_is_the_nearer_ones(deadline):
    text = "(2 March 2026) Friday, March 20 is the deadline for partnership applications."
    assert deadline(text, "2026-03-02", "en") == "2026-03-20"
    # a list of dates shares the cue after it
    assert deadline("4 May and 9 September are the deadlines this year.", "2026-03-02", "en") == "2026-05-04"


def test_a_range_under_a_heading_of_applying_is_the_window(deadline):
    text = "Apply for funding in 2026\n\n2.-27. March 2026 (step one):\n– Regular projects\n"
    assert deadline(text, "2026-01-10", "en") == "2026-03-27"
    # a title that speaks of a call does not make the range under it a window
    title = "Regions: third call for projects\n20. mars 2026 @ 08:00 – 6. juni 2026 @ 12:00"
    assert deadline(title, "2026-01-10", "sv") is None


def test_short_fields_under_a_label_take_the_label(deadline):
    text = "Sista ansökningsdatum\nvår: 15 mars\nhöst: 15 oktober\n\nAnsökningar kan skickas in till midnatt."
    assert deadline(text, "2026-05-02") == "2026-10-15"
    other = "Styrelsemöten\nvår: 15 mars\nhöst: 15 oktober"
    assert deadline(other, "2026-05-02") is None


def test_a_window_that_opens_and_ends_closes_on_its_end(deadline):
    assert deadline("The call opens on 2 March and ends on 30 April.", "2026-01-10", "en") == "2026-04-30"
    assert deadline("The project starts on 2 March and ends on 30 April 2028.", "2026-01-10", "en") is None


def test_a_table_row_takes_its_columns_label_from_the_header(deadline):
    text = ("Deadline date Board meeting date\n"
            "Round 1 Friday 6th March 2026 Friday 27th March 2026\n"
            "Round 2 Monday 1st June 2026 Friday 26th June 2026\n")
    assert deadline(text, "2026-04-10", "en") == "2026-06-01"
    both = ("Opening date Closing date\n"
            "Round 1 2 February 2026 6 March 2026\n")
    assert deadline(both, "2026-01-10", "en") == "2026-03-06"
    # a header whose first column has no cue labels no column of the rows
    plain = "Meeting Date Deadline\nRound 1 6 March 2026 27 March 2026\n"
    assert deadline(plain, "2026-01-10", "en") is None


def test_a_round_that_is_a_date_range_is_the_window(deadline):
    text = ("Nästa ansökningsomgång för resebidrag och vistelsestipendier till Helsingfors är "
            "8 januari - 2 februari 2026.")
    assert deadline(text, "2025-12-01") == "2026-02-02"
    # a round word in a sentence about what the money pays for, with no verb making it the range
    text = "Ansökningsomgången gäller resor för aktiviteter 8 januari - 2 februari 2026."
    assert deadline(text, "2025-12-01") is None


def test_a_qualifier_after_a_cue_that_follows_its_date_makes_it_someone_elses(deadline):
    text = ("Preliminary timeline\n28 January: Deadline for sending ideas to the secretariat for feedback\n"
            "9 April: Call for applications closes")
    assert deadline(text, "2026-01-05", "en") == "2026-04-09"
    assert deadline("5 May: registration deadline for the info day", "2026-01-05", "en") is None


def test_a_verb_of_applying_later_in_the_sentence_makes_a_range_the_window(deadline):
    text = "Under tiden 1 oktober – 30 november kan hembygdsföreningar varje år ansöka om bidrag."
    assert deadline(text, "2026-10-05") == "2026-11-30"
    # a call named later in the sentence is no verb of applying
    text = "On 6-7 October, representatives of the 14 call 1 projects met in Lille."
    assert deadline(text, "2026-10-20", "en") is None


# --- date forms and cues met on pages read after the rules were written ---------------------------


def test_a_window_of_slashed_day_month_dates_closes_on_its_second_date(deadline):
    text = "Sök pengar för energiprojekt! Ansökningsperioden är preliminärt 16/2-15/4."
    assert deadline(text, "2016-01-27") == "2016-04-15"


def test_a_slashed_date_with_a_two_digit_year_is_read(deadline):
    assert deadline("Deadline: 14/09/21", "2021-07-01", "en") == "2021-09-14"


def test_money_to_apply_for_until_a_date_gives_the_deadline(deadline):
    text = "45 miljoner kronor i landsbygdsstöd att söka till 12 mars 2026"
    assert deadline(text, "2026-01-15") == "2026-03-12"


def test_the_date_funded_work_must_be_done_by_is_no_deadline(deadline):
    text = "Funded festivals shall be implemented by 31 March 2025 in the partner regions."
    assert deadline(text, "2024-01-01", "en") is None


def test_a_label_ending_in_a_colon_labels_the_fields_under_it(deadline):
    text = ("Joint call with partner agencies\n\nDeadline for submission to both agencies:\n\n"
            "Research Council: June 9th 2026, 12:00 Central European Summer Time\n\n"
            "Partner Fund: June 9th 2026, 18:00 Japan Standard Time")
    assert deadline(text, "2026-02-14", "en") == "2026-06-09"


def test_a_bylines_date_is_no_deadline(deadline):
    text = ("How to Write a Strong Budget\n\nby Lena Holm | Mar 12, 2026 | Reading time: 7 minutes\n\n"
            "The fund takes applications all year: you can submit anytime.")
    assert deadline(text, "2026-03-12", "en") is None


def test_a_meeting_to_decide_on_applications_is_no_deadline(deadline):
    text = ("The selection panel met in Tallinn 3 - 4 June 2026 to decide on the concept notes and full "
            "proposals submitted to the second call.")
    assert deadline(text, "2026-06-04", "en") is None


def test_a_call_that_starts_and_remains_open_until_a_date_closes_then(deadline):
    text = ("The Green Ports Open Call #2 starts today with a budget of €350.000 and will remain open "
            "until the 30th November 2026 or until the budget is used up.")
    assert deadline(text, "2026-03-01", "en") == "2026-11-30"


def test_a_round_going_on_has_its_own_last_day(deadline):
    text = "Nu pågår den femte omgången av stödet; sista ansökningsdag för den är 4 september."
    assert deadline(text, "2026-07-15") == "2026-09-04"


def test_a_project_going_on_until_a_date_still_gives_no_deadline(deadline):
    text = "Projektet pågår till och med den 31 december 2021 och finansieras av Tillväxtverket."
    assert deadline(text, "2020-07-15") is None


def test_the_call_for_applications_ending_on_a_date_is_the_deadline(deadline):
    text = "Remember: this call for applications ends on the 9th of October 2026."
    assert deadline(text, "2026-09-15", "en") == "2026-10-09"


def test_completing_an_application_form_before_a_date_is_applying(deadline):
    text = "Schools that want to take part should complete the short application form before the 12th of May 2026."
    assert deadline(text, "2026-04-20", "en") == "2026-05-12"


@pytest.mark.parametrize(("text", "lang", "reference_date", "expected"), [
    ("Ansökan kommer att vara öppen mellan 10e mars och 10e april 2026.", "sv", "2026-03-05", "2026-04-10"),
    ("Stödet kan sökas löpande. Nästa stoppdatum är den 8 september 2026.", "sv", "2026-06-15", "2026-09-08"),
    ("Our following collection date is 3 February 2026 at 12.00 (noon) CET.", "en", "2025-11-01", "2026-02-03"),
])
def test_cut_offs_written_in_other_words(deadline, text, lang, reference_date, expected):
    assert deadline(text, reference_date, lang) == expected


@pytest.mark.parametrize(("text", "lang", "reference_date", "expected"), [
    ("Key facts\n\nOpening: March 2nd, 2026\n\nClosure: May 29th, 2026 at 14.00 CEST", "en",
     "2026-03-02", "2026-05-29"),
    ("Torsdag den 14 oktober är det hög tid för föreningar att lämna in sin ansökan om lokalbidrag för år 2028.",
     "sv", "2027-10-08", "2027-10-14"),
    ("Proposals are welcome on a rolling basis up to and including March 31, 2026.", "en",
     "2026-01-27", "2026-03-31"),
])
def test_closing_dates_in_more_words(deadline, text, lang, reference_date, expected):
    assert deadline(text, reference_date, lang) == expected
