"""Deadline wordings found on the fourth round of annotated pages (pages no rule had been written
from), read by the real `callwatch_dates` component on blank sv/en pipelines: a window's end said
by a pronoun or a bare "till", a date named by the word "deadline" right after it, label lines whose
date follows a time of day, yearly lists of cut-offs, and dates that are a tally, a consultation,
a question deadline or "most recently". The pages are short and made up for the tests."""

from __future__ import annotations

import pytest

# --- the window's end, said in other words ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Nu är den andra sökomgången för föreningsstöd öppen. Den avslutas den 14 oktober.",
    "Ansökningsperioden för kulturbidraget har börjat. Den stänger 14 oktober.",
])
def test_a_pronoun_carries_the_window_named_in_the_sentence_before(deadline, text):
    assert deadline(text, "2027-09-01") == "2027-10-14"


def test_a_pronoun_after_a_sentence_about_something_else_is_no_window(deadline):
    text = "Vår utställning om fjällens fåglar visas i foajén. Den avslutas den 14 oktober."
    assert deadline(text, "2027-09-01") is None


def test_the_window_named_then_till_a_date_runs_to_that_date(deadline):
    text = "I år förlängs ansökningstiden för landsbygdsstödet med två veckor till 20 mars 2028."
    assert deadline(text, "2028-01-10") == "2028-03-20"


def test_a_window_from_one_date_till_another_still_opens_on_the_first(dates_doc):
    found = dates_doc("Ansökningstiden för stipendiet är från 1 februari till 20 mars 2028.", "2028-01-10")._
    assert (found.opening, found.deadline) == ("2028-02-01", "2028-03-20")


def test_a_date_named_by_the_word_deadline_after_it_is_one_whatever_the_sentence_says_next(deadline):
    text = ("Proposals for the seed grants are collected twice a year and assessed right after the "
            "2 March 2028 deadline, so that applicants are notified in May.")
    assert deadline(text, "2028-01-10", "en") == "2028-03-02"


def test_a_deadline_word_after_the_date_that_names_someone_elses_deadline_is_not_the_calls(deadline):
    text = "Remember the 2 March 2028 deadline for registration to the matchmaking session in Lyon."
    assert deadline(text, "2028-01-10", "en") is None


def test_the_cost_organisation_named_in_capitals_is_no_word_about_costs(deadline):
    text = "The open call for new COST Action proposals closes on 9 November 2028 at 12:00 CET."
    assert deadline(text, "2028-06-01", "en") == "2028-11-09"


def test_costs_in_lower_case_still_make_the_date_not_the_calls(deadline):
    text = "Costs incurred by the partners are eligible if they are paid before 9 November 2028."
    assert deadline(text, "2028-06-01", "en") is None


# --- labels and layout ---------------------------------------------------------------------------


def test_a_label_line_over_a_date_that_opens_with_a_time_of_day_labels_it(deadline):
    text = ("Key dates\nPortal opens\n10.00 (CET) 4 January 2028\nQuestions deadline\n12.00 (CET) 1 February 2028\n"
            "Closing date for proposals\n17.00 (CET) 15 February 2028\nResults\nMay 2028\n")
    assert deadline(text, "2027-12-01", "en") == "2028-02-15"


def test_closure_of_call_is_a_label_of_the_closing_date(deadline):
    text = ("Timeline of the call\nLaunch of the call\n3 April 2028\nClosure of call\n29 May 2028\n"
            "Decision\nOctober 2028")
    assert deadline(text, "2028-03-01", "en") == "2028-05-29"


def test_a_date_alone_on_its_line_with_a_minute_to_midnight_is_a_closing_time(deadline):
    text = "Micro-projects fund\nProgramme\nInterreg Aurora\n12.09.2028 23:59\nFunding rate\nUp to 80 %"
    assert deadline(text, "2028-05-01", "en") == "2028-09-12"


def test_a_faq_deadline_label_is_not_the_calls_deadline(deadline):
    text = "Dates\nFAQ Deadline\n20 January 2028\nApplication Deadline\n3 February 2028"
    assert deadline(text, "2027-12-01", "en") == "2028-02-03"


# --- yearly cut-offs ---------------------------------------------------------------------------------


def test_a_yearly_list_of_cut_offs_gives_the_next_one_even_when_it_is_last_in_the_list(deadline):
    text = ("The travel grant can be applied for three times a year, with deadlines 15 February, "
            "15 May and 15 November. Apply in the grants portal.")
    assert deadline(text, "2027-10-20", "en") == "2027-11-15"


def test_a_list_of_stages_without_a_year_keeps_running_in_order(deadline):
    text = "Stage one closes 15 February and stage two closes 15 November. Apply in the grants portal."
    assert deadline(text, "2027-10-20", "en") == "2028-02-15"


# --- dates that are not a call's deadline -------------------------------------------------------------


@pytest.mark.parametrize("text", [
    # a tally of what a programme gave up to a date
    "Fram till 31 januari 2028 har Klimatstödet gett stöd till 240 laddstationer i länet.",
    # comments on a consultation
    "Lämna dina synpunkter på den regionala strategin innan den 12 februari 2028.",
    # "senast" as "most recently"
    "Senast i tisdags den 8 februari 2028 presenterade regeringen sin nya exportstrategi.",
])
def test_a_tally_a_consultation_or_most_recently_is_no_deadline(deadline, text):
    assert deadline(text, "2028-02-10") is None


def test_a_window_that_runs_until_a_date_is_still_a_deadline_in_swedish(deadline):
    assert deadline("Fram till 31 januari 2028 kan föreningar söka bidrag för lovaktiviteter.", "2028-01-05") \
        == "2028-01-31"


def test_applications_told_of_as_submitted_on_a_day_without_a_year_are_this_years(deadline):
    text = ("Results of the second call\nThe 118 proposals submitted on 14 April, at the end of the "
            "first step, are now being assessed by the joint secretariat.")
    assert deadline(text, "2029-06-20", "en") == "2029-04-14"


def test_an_application_procedure_open_over_a_period_closes_on_its_last_day(deadline):
    text = "Kulturnämndens ansökningsförfarande är öppet under perioden 12 januari till 9 februari 2029."
    assert deadline(text, "2029-01-12") == "2029-02-09"
