"""Topic tagging on short made-up pages, through the real spaCy pipeline (term rules and the
trained classifier), the evidence the term rules find, and how the two are combined."""

from __future__ import annotations

from pipeline.extract import extract_records
from pipeline.nlp.build import load_nlp
from pipeline.nlp.language import detect_language, pipeline_language
from pipeline.nlp.topics import RULE_CAP, combine_topics, load_topic_terms, rule_strengths, topic_floor


def topics_of(text: str, **extra: str) -> list[str]:
    [result] = extract_records([{"id": "x", "text": text, "reference_date": "2025-01-15", **extra}])
    return result["topics"]


def rule_topics_of(text: str) -> set[str]:
    """The topics the term rules alone would assign (rule strength of at least 1)."""
    nlp = load_nlp(pipeline_language(detect_language(text)))
    doc = nlp.make_doc(text)
    scores, settled = nlp.get_pipe("callwatch_topics").scores(doc)
    return {topic for topic, strength in rule_strengths(scores, len(text)).items() if strength >= 1} | settled


def test_a_programme_named_on_every_line_leaves_room_for_the_page_subjects() -> None:
    text = """Interreg Nord opens its call for cross-border projects

Interreg Nord funds cross-border cooperation between Sweden, Finland and Norway. In this Interreg
Nord call, projects on climate adaptation and biodiversity in the Arctic are welcome. Interreg
Nord partners apply together; the Interreg Nord secretariat answers questions. Interreg Nord
projects last three years."""
    topics = topics_of(text)
    assert "international-cooperation" in topics
    assert "climate-environment" in topics


def test_a_funds_name_is_no_rule_evidence_of_what_the_page_is_about() -> None:
    # The rules read a fund's name as who pays; the annotators of the real corpus did tag most pages
    # naming the regional fund regional-development, and the classifier learned that from them.
    text = """Stöd till energieffektivisering i industrin

Företag kan söka stöd för energieffektivisering och förnybar energi i sina lokaler. Projekten
medfinansieras av Europeiska regionala utvecklingsfonden. Frågor om Europeiska regionala
utvecklingsfonden besvaras av handläggaren."""
    assert "energy" in topics_of(text)
    assert "energy" in rule_topics_of(text)
    assert "regional-development" not in rule_topics_of(text)


def test_a_short_notice_is_tagged_by_one_clear_mention_that_a_long_page_needs_more_of() -> None:
    notice = "Call open\n\nThe call funds hydrogen valleys. Apply by 5 May."
    assert "energy" in topics_of(notice)
    filler = " ".join(["Applicants must follow the general conditions of the programme guide."] * 25)
    long_page = "Call for proposals\n\n" + filler + " A project may include hydrogen. " + filler
    assert "energy" not in topics_of(long_page)


def test_english_function_words_and_generic_adjectives_are_no_rule_evidence() -> None:
    text = """Open call for associations

The call is open to all non-profit associations. It supports sustainable and innovative ideas of
any kind, and it closes on 3 May. It is run by the municipality; it pays up to 50 % of the costs."""
    topics = rule_topics_of(text)
    assert "digitalisation" not in topics  # "it" is a pronoun here, not information technology
    assert "climate-environment" not in topics
    assert "innovation-smes" not in topics
    assert "digitalisation" not in topics_of(text)


def test_the_vocabulary_of_a_field_tags_it_without_the_taxonomy_words() -> None:
    # None of the taxonomy's seed terms for these topics appear: the field's own vocabulary does.
    text = """Joint transnational call on rare diseases

The ERA-NET funds multinational consortia of scientists working on rare diseases, from
diagnosis to new therapies. Each consortium needs partners from at least three countries."""
    topics = topics_of(text)
    assert {"research", "health-care", "international-cooperation"} <= set(topics)


def test_swedish_compounds_ending_in_a_field_word_count_for_that_field() -> None:
    text = """Medel till klimatforskning och solenergi

Stiftelsen delar ut medel till klimatforskningen vid landets lärosäten. Även projekt om
solenergi och bioenergi kan få stöd."""
    topics = topics_of(text)
    assert "research" in topics
    assert "energy" in topics


def test_a_phrase_starting_with_a_digit_is_found() -> None:
    text = "Utbyggnad av 5G\n\nKommunen bygger ut 5G och bredband på landsbygden under 2026."
    assert "digitalisation" in topics_of(text)


def test_a_title_given_apart_from_the_text_counts_as_a_title() -> None:
    text = "The programme supports projects in the region. Applications are welcome from all sectors."
    assert "culture-creative" not in topics_of(text)
    assert "culture-creative" in topics_of(text, title="Support for museums and cultural heritage")


def test_floor_grows_with_length_and_with_the_strongest_topic_up_to_a_cap() -> None:
    assert topic_floor({"energy": 2.0}, 500) < topic_floor({"energy": 2.0}, 2000)
    assert topic_floor({"energy": 2.0}, 100_000) == topic_floor({"energy": 2.0}, 200_000)  # bounded
    assert topic_floor({"energy": 2.0, "research": 30.0}, 500) > topic_floor({"energy": 2.0}, 500)
    assert topic_floor({"research": 1000.0}, 500) == topic_floor({"research": 100.0}, 500)  # capped


def test_each_further_topic_needs_a_little_more_than_the_one_before() -> None:
    floor = topic_floor({"a": 3.0, "b": 3.0, "c": 3.0}, 2000)
    even = rule_strengths({"a": floor, "b": floor, "c": floor}, 2000)
    assert even["a"] == even["b"] == 1.0  # what the rules alone would assign...
    assert even["c"] < 1.0  # ...but the third needs more than the floor


def test_strong_rule_evidence_is_enough_and_weak_evidence_needs_the_classifier() -> None:
    unsure = {"energy": 0.05, "research": 0.05}
    assert combine_topics({"energy": RULE_CAP}, set(), unsure) == ["energy"]
    assert combine_topics({"energy": 1.0}, set(), unsure) == []
    assert combine_topics({"energy": 1.0}, set(), {**unsure, "energy": 0.6}) == ["energy"]


def test_the_classifier_alone_adds_a_topic_when_it_is_sure_and_the_strongest_comes_first() -> None:
    assert combine_topics({}, set(), {"energy": 0.95, "research": 0.3}) == ["energy"]
    strengths = {"research": RULE_CAP, "energy": 1.0}
    assert combine_topics(strengths, set(), {"research": 0.6, "energy": 0.9})[0] == "research"


def test_a_decisive_name_settles_its_topic_even_under_the_floor() -> None:
    strengths = rule_strengths({"research": 14.0, "international-cooperation": 2.0}, 2000)
    unsure = {"research": 0.1, "international-cooperation": 0.1}
    assert "international-cooperation" not in combine_topics(strengths, set(), unsure)
    assert "international-cooperation" in combine_topics(strengths, {"international-cooperation"}, unsure)


def test_the_term_file_can_weaken_a_taxonomy_seed_word() -> None:
    terms = load_topic_terms()
    # "sustainability" is a seed of climate-environment in the taxonomy but said of anything on
    # real pages: the term file makes it weak, below a plain term.
    assert terms["climate-environment"]["sustainability"] < terms["climate-environment"]["klimat"]
    assert terms["climate-environment"]["sustainability"] > 0


def test_words_pages_use_in_passing_do_not_tag_a_page_on_their_own() -> None:
    # On the real corpus, pages saying a meeting is held "digitalt", that "pandemin" delayed
    # something or that "äldre" calls are archived are seldom about digitalisation or health.
    text = """Informationsmöte om höstens utlysning

Mötet hålls digitalt den 12 maj. På grund av pandemin flyttades vårens möte, och äldre
utlysningar finns i arkivet. Vi går igenom ansökan, budget och redovisning, och svarar på
frågor om de digitala formulären."""
    found = rule_topics_of(text)
    assert "digitalisation" not in found
    assert "health-care" not in found


def test_a_field_named_in_its_own_words_is_still_found_by_the_rules() -> None:
    text = """Utlysning: digitalisering i vården

Stöd till projekt om digitalisering av hälso- och sjukvård, artificiell intelligens för
diagnostik och digitala vårdtjänster för patienter i glesbygd."""
    found = rule_topics_of(text)
    assert "digitalisation" in found
    assert "health-care" in found


def test_a_consortium_is_no_evidence_of_international_cooperation_on_its_own() -> None:
    text = """Call for research projects

Applicants form a consortium of a university and a company. The consortium leader submits the
proposal; consortium members sign the consortium agreement before the project starts."""
    assert "international-cooperation" not in rule_topics_of(text)


def test_fields_named_in_other_words_than_the_taxonomy_are_found_by_the_rules() -> None:
    # Real pages name health through ill-health, education through teaching, regional policy
    # through its funds' full name and the peripheral regions it serves, inclusion through who is
    # disadvantaged.
    swedish = """Utlysning: psykisk ohälsa bland unga

Stöd till projekt som förebygger psykisk ohälsa och kroniska sjukdomar bland unga, med
undervisning i gymnasieskolan om hur man söker hjälp."""
    found = rule_topics_of(swedish)
    assert "health-care" in found
    assert "skills-education" in found
    english = """Call for proposals: services in remote areas

The European Structural and Investment Funds support projects in peripheral regions that reach
disadvantaged groups and people facing inequalities."""
    found = rule_topics_of(english)
    assert "regional-development" in found
    assert "social-inclusion" in found


def test_digital_health_is_found_under_its_own_swedish_name() -> None:
    # The topic has too few annotated pages for the classifier to learn it: the rules must know
    # its plain names, the taxonomy label's own words among them.
    text = """Innovationstävling inom digital hälsa

Förstudie om hur en tävling kan få fram nya lösningar inom digital hälsa för patienter och
vårdgivare."""
    assert "digital-health" in rule_topics_of(text)
