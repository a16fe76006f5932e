import re

import pytest

from bot.knowledge.base import KnowledgeError, knowledge, parse_knowledge
from bot.rasa.importer import KnowledgeImporter
from bot.settings import PROJECT_ROOT

FACT_SHEET = PROJECT_ROOT.parent / "shared" / "knowledge" / "facts.md"


def entry(**overrides):
    base = {
        "id": "lanh_hai",
        "topic": "vung_bien",
        "title": "Lãnh hải rộng bao nhiêu?",
        "facts": ["LB-13"],
        "answer": "Lãnh hải rộng 12 hải lý.",
        "source": "Luật Biển Việt Nam số 18/2012/QH13, Điều 11",
        "questions": ["lãnh hải rộng bao nhiêu", "lanh hai", "lãnh hải là gì", "lanh hai bn hl", "lãnh hải"],
    }
    return {**base, **overrides}


def test_the_shipped_knowledge_file_is_valid_and_covers_every_topic():
    kb = knowledge()
    assert len(kb.entries) > 100
    assert {e.topic for e in kb.entries} == set(kb.topics)


def test_the_entries_stating_a_fact_are_found_by_its_id():
    kb = knowledge()
    entry = kb.entries[0]
    assert entry.intent in kb.intents_stating([entry.facts[0]])
    assert all(set(kb.by_intent(i).facts) & {entry.facts[0]} for i in kb.intents_stating([entry.facts[0]]))
    assert kb.intents_stating(["NO-SUCH-FACT"]) == set()


def test_every_answer_names_its_source():
    for e in knowledge().entries:
        assert e.source and e.render().endswith(f"Nguồn: {e.source}")


@pytest.mark.skipif(not FACT_SHEET.exists(), reason="the shared fact sheet is not next to this checkout")
def test_every_cited_fact_exists_in_the_fact_sheet():
    ids = set(re.findall(r"\*\*([A-Z]{2,3}-\d{2})\*\*", FACT_SHEET.read_text(encoding="utf-8")))
    for e in knowledge().entries:
        assert e.facts, e.id
        assert set(e.facts) <= ids, (e.id, set(e.facts) - ids)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topic": "weather"}, "unknown topic"),
        ({"id": "Lãnh hải"}, "lowercase ASCII"),
        ({"title": "x" * 41}, "title longer"),
        ({"questions": ["a", "b"]}, "at least 5"),
        ({"source": ""}, "missing source"),
        ({"answer": "TODO: câu trả lời đã kiểm tra"}, "answer still hold TODO"),  # a draft from a ticket
        ({"source": "TODO: số văn bản, điều, khoản"}, "source still hold TODO"),
    ],
)
def test_malformed_entries_are_refused_with_a_clear_message(change, message):
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge({"topics": {"vung_bien": "Vùng biển"}, "entries": [entry(**change)]})


def test_duplicate_ids_and_shared_questions_are_refused():
    topics = {"vung_bien": "Vùng biển"}
    with pytest.raises(KnowledgeError, match="appears twice"):
        parse_knowledge({"topics": topics, "entries": [entry(), entry(questions=["x1", "x2", "x3", "x4", "x5"])]})
    with pytest.raises(KnowledgeError, match="is in both"):
        parse_knowledge({"topics": topics, "entries": [entry(), entry(id="khac")]})


def test_a_file_without_entries_is_refused():
    with pytest.raises(KnowledgeError):
        parse_knowledge(["not", "a", "mapping"])


def test_importer_adds_an_intent_and_a_response_per_entry():
    importer = KnowledgeImporter(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "nlu"), str(PROJECT_ROOT / "stories")],
    )
    kb = knowledge()
    domain = importer.get_domain()
    assert {e.intent for e in kb.entries} <= set(domain.intents)
    assert {e.response for e in kb.entries} <= set(domain.responses)
    assert "greet" in domain.intents  # the hand-written domain is still there
    examples = importer.get_nlu_data().intent_examples
    assert sum(1 for m in examples if m.get("intent") == kb.entries[0].intent) == len(kb.entries[0].questions)
