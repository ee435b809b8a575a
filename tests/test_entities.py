"""People with roles, organisations with acronyms, and places (`newsbrief.facts.entities`)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import build_article

from newsbrief.facts.entities import Entities, Token, extract_entities, tokens
from newsbrief.ingest import ingest
from newsbrief.records import Article
from newsbrief.segment import split_sentences


def entities_of(*paragraphs: str) -> Entities:
    article = build_article(*paragraphs)
    return extract_entities(article, split_sentences(article))


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> tuple[Article, Entities]:
    article = ingest(seed_path).unwrap()
    return article, extract_entities(article, split_sentences(article))


def test_entities_seed_people_have_roles_and_affiliations(seed, seed_expected) -> None:
    _, found = seed
    got = [(p.name, p.role, p.affiliation) for p in found.people]
    want = [(p["name"], p["role"], p["affiliation"]) for p in seed_expected["people"]]
    assert got == want


def test_entities_seed_later_mentions_resolve_to_the_full_name(seed, seed_expected) -> None:
    _, found = seed
    for person in seed_expected["people"]:
        for alias in person["also_called"]:
            assert found.aliases[alias] == person["name"]


def test_entities_seed_person_spans_are_the_mentions(seed) -> None:
    article, found = seed
    for person in found.people:
        assert len(person.spans) >= 2  # introduced once, named again
        for span in person.spans:
            assert article.text[span.start : span.end] in (person.name, *person.name.split())


def test_entities_seed_organisations_with_acronym_resolved(seed, seed_expected) -> None:
    _, found = seed
    assert sorted(found.organizations) == sorted(seed_expected["organizations"])
    for acronym, name in seed_expected["org_aliases"].items():
        assert found.aliases[acronym] == name


def test_entities_seed_places(seed, seed_expected) -> None:
    _, found = seed
    assert sorted(found.places) == sorted(seed_expected["places"])


def test_entities_seed_json_shape(seed) -> None:
    _, found = seed
    data = json.loads(json.dumps(found.to_dict()))
    assert data["aliases"]["TTP"] == "Tehreek-e-Taliban Pakistan"
    assert data["people"][0]["name"] == "Khawaja Asif"
    assert hash(found)  # frozen, and usable as a cache key despite the aliases dict


@pytest.mark.parametrize(
    ("sentence", "name", "role", "affiliation"),
    [
        ("Secretary of State John Kerry flew to Geneva on Monday.",
         "John Kerry", "Secretary of State", None),
        ("The deal was confirmed by Jane Doe, a spokeswoman for the State Department, on Friday.",
         "Jane Doe", "spokeswoman", "State Department"),
        ("India's former Prime Minister Manmohan Singh met the delegation.",
         "Manmohan Singh", "former Prime Minister", "India"),
        ("Mr. Alan Brooks said the vote would go ahead.", "Alan Brooks", None, None),
    ],
)
def test_entities_role_as_the_article_states_it(sentence: str, name: str, role: str | None,
                                                affiliation: str | None) -> None:
    found = entities_of(sentence)
    person = next(p for p in found.people if p.name == name)
    assert (person.role, person.affiliation) == (role, affiliation)


def test_entities_acronym_defined_in_parentheses_resolves_later_uses() -> None:
    found = entities_of(
        "The World Health Organization (WHO) warned of a new outbreak.",
        "WHO officials said the risk was high.",
    )
    assert "World Health Organization" in found.organizations
    assert found.aliases["WHO"] == "World Health Organization"


def test_entities_surname_and_first_name_resolve_to_the_right_person() -> None:
    found = entities_of(
        "Hillary Clinton and Bill Clinton arrived in Iowa.",
        "Clinton said the campaign was strong.",
    )
    names = [p.name for p in found.people]
    assert names == ["Hillary Clinton", "Bill Clinton"]
    assert "Iowa" in found.places


def test_entities_sentence_openers_and_demonyms_are_not_names() -> None:
    found = entities_of(
        "However, Afghan officials met Pakistani diplomats in Kabul on Tuesday.",
        "Both sides said the talks would continue.",
    )
    everything = [p.name for p in found.people] + list(found.organizations) + list(found.places)
    assert everything == ["Kabul"]


def test_entities_the_latest_person_of_a_surname_takes_it() -> None:
    article = build_article(
        "Bill Clinton spoke in Iowa on Monday.",
        "Later, Hillary Clinton, a senator from New York, spoke too.",
        "Clinton said the campaign was strong.",
    )
    found = extract_entities(article, split_sentences(article))
    mentions = {p.name: [article.text[s.start : s.end] for s in p.spans] for p in found.people}
    assert mentions == {"Bill Clinton": ["Bill Clinton"],
                        "Hillary Clinton": ["Hillary Clinton", "Clinton"]}


def test_entities_a_middle_initial_names_the_same_person() -> None:
    found = entities_of("Donald Trump arrived.", "Donald J. Trump said he would stay.",
                        "Trump left.")
    assert [(p.name, len(p.spans)) for p in found.people] == [("Donald Trump", 3)]


def test_entities_many_people_each_keep_their_surname() -> None:
    # Hundreds of people: surnames are looked up in an index, not by scanning everyone.
    syllables = ["bar", "kel", "mon", "dra", "vik", "tos", "lun", "zer", "pha", "qui"]
    surnames = ["".join(p).capitalize() for p in itertools.product(syllables, repeat=3)][:300]
    firsts = ["Amira", "Bruno", "Chidi", "Dana", "Emil", "Farah"]
    paragraphs = []
    for i, last in enumerate(surnames):
        paragraphs.append(f"Deputy Minister {firsts[i % 6]} {last} visited the border on Tuesday.")
        paragraphs.append(f"{last} said the talks had gone well.")
    found = entities_of(*paragraphs)
    assert len(found.people) == 300
    assert all(len(p.spans) == 2 and p.role == "Deputy Minister" for p in found.people)
    assert all(found.aliases[last] == f"{firsts[i % 6]} {last}"
               for i, last in enumerate(surnames))


def test_entities_tokens_split_off_possessives() -> None:
    got = tokens("Pakistan's envoy met the Clintons' aide")
    assert [(t.text, t.possessive) for t in got] == [
        ("Pakistan", True), ("envoy", False), ("met", False), ("the", False),
        ("Clintons", True), ("aide", False)]
    assert got[0] == Token("Pakistan", 0, 8, True) and got[0].end == 8
