"""Deadlines written other than as a day and its month, or after a cue glued to the word before
it, read by the real `callwatch_dates` component on blank sv/en pipelines: the end of a month,
eight-digit dates of e-services, the page's own day after a closing word; and the dates near them
that say what the programme does (decisions sent to applicants, calls published, applications
counted), which are no deadline. The pages are short and made up for the tests; each test states the rule it checks."""

from __future__ import annotations

import pytest

# --- the end of a month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Applications must be submitted by the end of September 2026 for a decision in the winter.", "en",
         "2026-09-30"),
        ("Small theatres can seek support; closing date at the end of September.", "en", "2026-09-30"),
        ("Proposals are due end-November 2026.", "en", "2026-11-30"),
        ("Ansökan ska vara inne senast vid utgången av september 2026.", "sv", "2026-09-30"),
        ("Søknadsfristen er ved utgangen av september 2026.", "sv", "2026-09-30"),
        ("Applications close on the last day of September 2026.", "en", "2026-09-30"),
        ("Ansökan ska vara inne senast sista september.", "sv", "2026-09-30"),
        ("Sista dagen i september stänger utlysningen.", "sv", "2026-09-30"),
    ],
)
def test_the_end_of_a_month_is_its_last_day(deadline, text, lang, expected):
    assert deadline(text, "2026-06-01", lang) == expected


def test_the_end_of_february_is_the_29th_in_a_leap_year(deadline):
    assert deadline("Ansökningstiden löper ut vid utgången av februari 2028.", "2027-12-01") == "2028-02-29"
    assert deadline("Ansökningstiden löper ut vid utgången av februari 2027.", "2026-12-01") == "2027-02-28"


def test_a_list_of_month_ends_gives_each_month_its_end(deadline):
    # ends of February, June and October: read in December, the next one is February's
    text = ("Bidrag till hembygdsföreningar beviljas i omgångar. Varje omgång går ut vid utgången av "
            "februari, juni och oktober.")
    assert deadline(text, "2027-12-01") == "2028-02-29"
    assert deadline(text, "2027-03-10") == "2027-06-30"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Applications can be submitted from 1 March to the end of April 2026.", "en"),
        ("Ansökan kan lämnas in från 1 mars till utgången av april 2026.", "sv"),
        ("The call is open between 1 March and the end of April 2026.", "en"),
    ],
)
def test_a_window_that_closes_at_a_months_end(read_dates, text, lang):
    found = read_dates(text, "2026-01-10", lang)
    assert (found.opening, found.deadline) == ("2026-03-01", "2026-04-30")


def test_late_in_a_month_is_no_day(deadline):
    assert deadline("Utlysningen stänger i slutet av april 2026.", "2026-02-01") is None


def test_a_month_end_does_not_date_the_day_before_it(deadline):
    # "3 October" written without a year stays the coming one, not the year of the later month end
    text = ("Proposals are accepted until 3 October at noon. Funding contracts with the chosen festivals "
            "are to be signed by the end of April 2027.")
    assert deadline(text, "2026-06-23", "en") == "2026-10-03"


# --- eight-digit dates --------------------------------------------------------------------------


def test_an_eight_digit_range_is_the_window(deadline, read_dates):
    text = "Stöd till lokala evenemang\n\nSå söker du\n\nE-tjänsten är öppen mellan 20260201-20260331\n\nRedovisning"
    assert deadline(text, "2026-02-01") == "2026-03-31"
    assert read_dates(text, "2026-02-01").opening == "2026-02-01"


@pytest.mark.parametrize(
    "text",
    [
        "Sista ansökningsdag 20260415.",
        "Deadline: 20260415",
        "Paraiškų pateikimo terminas (deadline): 2026.04.15",
    ],
)
def test_an_eight_digit_date_after_a_deadline_word(deadline, text):
    assert deadline(text, "2026-03-01") == "2026-04-15"


@pytest.mark.parametrize(
    "text",
    [
        "Download Draft_minutes_meeting_20260415 before the deadline of the next call.",
        "Starting Grant ERC-2026-StG_20260415 summary",
        "Closes 12345678901 items",
        "Deadline: 20261345",  # no thirteenth month
        "Deadline: see version 2026.04.1 of the guide",
        "Deadline: 2026.0415",  # dots on one side only
    ],
)
def test_digits_in_file_names_codes_and_numbers_are_no_date(deadline, text):
    assert deadline(text, "2026-03-01", "en") is None


# --- the page's own day after a closing word ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("The Fund counted 57 proposals in its second Call for Proposals, which ended today at noon.",
         "en", "2026-07-09"),
        ("The call closes today at 17:00 Brussels time.", "en", "2026-07-09"),
        ("Ansökningstiden går ut i dag klockan 16.", "sv", "2026-07-09"),
        ("Utlysningen stänger imorgon.", "sv", "2026-07-10"),
        ("The call closes at midnight tonight.", "en", "2026-07-09"),
        ("Ansökningstiden går ut kl. 16 i dag.", "sv", "2026-07-09"),
        ("Today is the last day to apply for the travel grant.", "en", "2026-07-09"),
        ("I dag är sista ansökningsdag för stipendiet.", "sv", "2026-07-09"),
    ],
)
def test_today_or_tomorrow_after_a_closing_word(deadline, text, lang, expected):
    assert deadline(text, "2026-07-09", lang) == expected


def test_today_said_of_a_launch_is_no_deadline(deadline):
    assert deadline("The fund was launched today by the minister.", "2026-07-09", "en") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Our office is closed today for the holiday.", "en"),
        ("The library is closed tomorrow; books can be returned on Monday.", "en"),
        ("Kansliet stänger i dag kl 15 för midsommar.", "sv"),
    ],
)
def test_an_office_closing_today_is_no_deadline(deadline, text, lang):
    # a closing word before "today" is a call's only where its line speaks of applying
    assert deadline(text, "2026-07-09", lang) is None


def test_a_written_date_after_tomorrow_says_the_day(deadline):
    text = "Utlysningen stänger i morgon fredag den 9 oktober kl. 12."
    assert deadline(text, "2026-10-09") == "2026-10-09"


# --- what the programme does by a date is no deadline -------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Besked om resebidragen skickas till samtliga sökande före utgången av november.", "sv"),
        ("Programmet för dagen skickas till alla deltagare via sms senast den 3 mars 2026.", "sv"),
        ("Applicants will be advised of our decision no later than the end of November 2026.", "en"),
        ("New calls for small grants are to be published by the end of November.", "en"),
        ("By the end of August, the council had received 64 applications in all.", "en"),
        # "had been received" is a not_call word: the "by" after it is no deadline word
        ("Forty-two proposals had been received by 2 March 2026.", "en"),
        ("Assessment of the proposals will continue until the end of July.", "en"),
        ("Interested? Contact our project developer before the end of April.", "en"),
        ("Vill du veta mer, kontakta oss senast den 5 maj 2026.", "sv"),
        ("The negotiations with the lead partners should be finished by the end of June.", "en"),
    ],
)
def test_what_the_programme_does_by_a_date_is_no_deadline(deadline, text, lang):
    assert deadline(text, "2026-01-10", lang) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The call is open to applicants from all regions until 5 May 2026.", "en"),
        ("Applicants are advised to submit their proposals by 5 May 2026.", "en"),
        ("Ansökan skickas till registrator senast den 5 maj 2026.", "sv"),
        ("The call will be published on 1 March 2026 and close on 5 May 2026.", "en"),
        ("The outcome of the first stage will be known in March, and full proposals are due by 5 May 2026.", "en"),
        ("All applicants, including those who attended the info day, must submit by 5 May 2026.", "en"),
    ],
)
def test_the_words_of_what_the_programme_does_leave_the_calls_own_deadline(deadline, text, lang):
    assert deadline(text, "2026-01-10", lang) == "2026-05-05"


def test_an_expression_of_interest_sent_to_a_contact_is_a_deadline(deadline):
    text = "Please send a short expression of interest to the contact below by 24 July."
    assert deadline(text, "2026-07-03", "en") == "2026-07-24"


def test_the_call_deadline_beside_a_link_sent_to_participants(deadline):
    text = ("Stöd till läxhjälpsprojekt kan sökas fram till måndagen den 16 mars 2026 kl. 12.00.\n\n"
            "Digital frågestund onsdagen den 4 februari 2026. Anmälan stänger den 2 februari 2026 och "
            "länken skickas till alla deltagare senast onsdagen den 4 februari 2026.")
    assert deadline(text, "2026-01-20") == "2026-03-16"


@pytest.mark.parametrize(
    "text",
    [
        "The submission of proposals for the second call was concluded on Monday, 1 June 2026.",
        "The call for proposals concluded on 1 June 2026.",
    ],
)
def test_a_call_concluded_on_a_date_closed_then(deadline, text):
    assert deadline(text, "2026-06-03", "en") == "2026-06-01"


def test_a_project_concluded_on_a_date_is_no_deadline(deadline):
    assert deadline("The project was concluded on 1 June 2026 with a conference.", "2026-06-03", "en") is None


# --- a cue glued to the word before it ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "reference", "expected"),
    [
        # a year-less deadline that passed the day before the page: this year's
        ("  • Stöd till körer och orkestrar i hela länetAnsökningsfristen var den 11 april. Besked lämnas "
         "i juni.", "sv", "2026-04-12", "2026-04-11"),
        ("Stöd för kulturprojektSista dag för ansökan är 3 mars 2026.", "sv", "2026-02-01", "2026-03-03"),
        ("Grants for small museumsDeadline for applications: 5 May 2026", "en", "2026-02-01", "2026-05-05"),
        ("Read the guidelines before you applyClosing date for applications: 5 May 2026", "en", "2026-02-01",
         "2026-05-05"),
    ],
)
def test_a_cue_glued_to_the_end_of_the_word_before_it(deadline, text, lang, reference, expected):
    assert deadline(text, reference, lang) == expected


def test_a_glued_word_that_is_no_cue_says_nothing(deadline):
    assert deadline("Projekt om mänskliga rättigheterBeslutet kom den 11 april 2026.", "2026-04-12") is None


# --- a bulleted item ending in a colon heads the items under it ------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Datum att hålla koll på\n- Utlysningen: öppnar 12 januari 2026 och stänger 15 oktober 2026.\n"
         "- Beslut: Styrelsen sammanträder fyra gånger om året. Inlämningsdagar inför varje sammanträde är:\n"
         "- 28 februari 2026\n- 30 maj 2026\n- 31 augusti 2026\n", "sv"),
        ("Key dates\n• Submission: applications may be sent at any time.\n"
         "• Deadlines for each cut-off are:\n• 28 February 2026\n• 30 May 2026\n", "en"),
    ],
)
def test_dates_under_a_bulleted_item_ending_in_a_colon_take_its_label(deadline, text, lang):
    assert deadline(text, "2026-01-10", lang) == "2026-02-28"


def test_dates_bulleted_one_a_line_are_a_list_not_a_range(deadline, read_dates):
    text = "Sista ansökningsdagar:\n- 28 februari 2026\n- 30 maj 2026\n"
    assert deadline(text, "2026-04-20") == "2026-05-30"
    assert read_dates(text, "2026-04-20").opening is None


# --- a cited document's date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The call was approved by the Order of the Director of the Agency by 12 November 2026 Order No. 1K-389.",
         "en"),
        ("The rules were amended by 3 March 2026 No. 45/2026 of the ministry.", "en"),
        ("Ansökningar prövas enligt föreskrifter som ska vara fastställda före 5 maj 2026, dnr 2026-00123.", "sv"),
    ],
)
def test_a_date_followed_by_a_documents_number_is_the_documents(deadline, text, lang):
    assert deadline(text, "2026-01-10", lang) is None


def test_a_deadline_followed_by_a_sentence_starting_with_no_stays_one(deadline):
    text = "Applications must be submitted by 12 November 2026. No late applications are accepted."
    assert deadline(text, "2026-01-10", "en") == "2026-11-12"


# --- deadlines in the other languages of the EU pages we read ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Oferta stypendialna\n\nSkładanie wniosków do 13 czerwca 2026\n\nGrants for visiting researchers",
        "Termin składania wniosków: 13 czerwca 2026",
        "Anträge können bis zum 13. Juni 2026 eingereicht werden.",
        "Einreichungsfrist: 13. Juni 2026",
        "Date limite de dépôt des candidatures : 13 juin 2026",
        "Le domande devono essere presentate entro il 13 giugno 2026.",
        "Plazo de presentación: 13 junio 2026",
        "Uiterste indiendatum: 13 juni 2026",
        "Stichtag für die Einreichung der Anträge ist der 13. Juni 2026.",
        "Date de clôture des candidatures : 13 juin 2026",
        "Clôture de l’appel : 13 juin 2026",
        "Scadenza per la presentazione delle domande: 13 giugno 2026",
        "Data scadenza: 13/06/2026 17:00",
        "Die Anträge müssen spätestens am 13. Juni 2026 eingereicht werden.",
        "Bewerbungen bis zum 13. Juni 2026 an das Sekretariat.",
        "L’appel est ouvert jusqu’au 13 juin 2026.",
        "Les dossiers doivent être déposés jusqu'au 13 juin 2026.",
        "La convocatoria está abierta hasta el 13 junio 2026.",
    ],
)
def test_a_deadline_written_in_another_eu_language(deadline, text):
    assert deadline(text, "2026-04-20", "en") == "2026-06-13"


@pytest.mark.parametrize(
    "text",
    [
        "Plazo de ejecución del proyecto: 31 diciembre 2027",
        "Stichtag für die Berechnung des Alters der Bewerber ist der 31. Dezember 2026.",
        "Clôture de l'exercice comptable : 31 décembre 2026",
        "Date de clôture de l'exercice : 31 décembre 2026",
        "I progetti devono concludersi entro il 30 giugno 2027",
        "Scadenza del contratto di affitto: 31 dicembre 2027",
        "Das Projekt läuft bis zum 31. Dezember 2027.",
        "Die Projekte müssen spätestens am 30. Juni 2027 abgeschlossen sein.",
        "Le projet se déroule jusqu'au 31 décembre 2027.",
        "El proyecto se ejecutará hasta el 31 diciembre 2027.",
    ],
)
def test_a_term_cut_off_or_closing_of_something_else_in_another_eu_language_is_no_deadline(deadline, text):
    # "plazo", "Stichtag", "clôture", "scadenza", and "entro", "bis zum", "spätestens", "jusqu'au",
    # "hasta el" alone say a term, a cut-off, an end or an "until" of anything: only phrases of
    # applying make a deadline
    assert deadline(text, "2026-04-20", "en") is None


def test_month_names_of_other_languages_in_an_english_text(read_dates):
    assert read_dates("The info day takes place on 3 marca 2026 in Warsaw.", "2026-01-10", "en").events == [
        "2026-03-03"
    ]


# --- asking to attend a session by a date is no deadline -------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The secretariat offers short advisory meetings. Partners who want to avail of one should email "
         "the team by COB on Friday, 20th March 2026.", "en"),
        ("To attend the information session, write to the secretariat by 5 May 2026.", "en"),
        ("Vill du närvara vid genomgången, meddela oss senast den 5 maj 2026.", "sv"),
    ],
)
def test_asking_to_attend_a_session_by_a_date_is_no_deadline(deadline, text, lang):
    assert deadline(text, "2026-01-10", lang) is None


def test_the_call_deadline_beside_a_session_to_attend(deadline):
    text = ("Full proposals are to be submitted by 12.00 hours (CET) on Tuesday 9th June 2026.\n"
            "To avail of a consultation slot, please email the joint secretariat by COB on "
            "Thursday, 16th April 2026.")
    assert deadline(text, "2026-03-20", "en") == "2026-06-09"


# --- a date alone on its line with a closing time, its label missing --------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Local Heritage Exchanges\nFunding scheme\nCulture and Communities strand\nReference\n"
         "14.10.2026 17:00\nAvailable budget\n€ 1,250,000.00\n", "en", "2026-10-14"),
        ("Travel Grants for Doctoral Students\n\nHow to apply\n\n\n2 November at 3 pm.\n\n"
         "The Trust funds short research stays abroad.", "en", "2026-11-02"),
        ("Kulturstöd till föreningar\n\n15 mars 2026 kl. 12.00\n\nStödet riktar sig till ideella föreningar.",
         "sv", "2026-03-15"),
    ],
)
def test_a_date_alone_with_a_time_on_the_hour_is_a_closing_time(deadline, text, lang, expected):
    assert deadline(text, "2026-02-01", lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a page's own stamp is to the minute
        ("Nyheter\n11 dec 2025 16:48\nRegionen har beviljat stöd till tolv projekt.", "sv"),
        # on a page that speaks of a meeting the time may be the meeting's
        ("Samverkan inför programperioden\n\n25.11.2026 kl. 13:00\n\nEn diskussion hålls i Tammerfors.", "sv"),
        # a date with no time on its line is the page's dateline
        ("Local Heritage Exchanges\nReference\n14.10.2026\nAvailable budget\n€ 1,250,000.00\n", "en"),
    ],
)
def test_a_stamp_a_meeting_or_a_dateline_is_no_closing_time(deadline, text, lang):
    assert deadline(text, "2025-10-01", lang) is None
