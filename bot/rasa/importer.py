"""Rasa training-data importer that adds the knowledge file to the hand-written data.

For every entry of ``knowledge/kb.yml`` it adds an intent ``kb_<id>`` with the entry's questions as
examples and a response ``utter_kb_<id>`` (answer + source), plus one response per vessel-length case
(``utter_kb_<id>__12_15``); KnowledgePolicy maps the intent to one of them.
Everything else (``domain.yml``, ``nlu/``, ``stories/``) is read as usual. ``config.yml`` names this
importer, so ``rasa train``, ``rasa data validate`` and ``rasa test`` all see the same data.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.base import KnowledgeBase, load_knowledge


class KnowledgeImporter(RasaFileImporter):
    """The project's files plus the intents, responses and rules generated from the knowledge file."""

    def __init__(self, config_file: Any = None, domain_path: Any = None, training_data_paths: Any = None) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        self._knowledge: KnowledgeBase = load_knowledge()

    def get_domain(self) -> Domain:
        generated = Domain.from_dict(
            {
                "intents": [entry.intent for entry in self._knowledge.entries],
                "responses": {
                    name: [{"text": text}]
                    for entry in self._knowledge.entries
                    for name, text in {entry.response: entry.render(), **entry.case_responses()}.items()
                },
            }
        )
        return super().get_domain().merge(generated)

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        examples = [
            Message.build(text=question, intent=entry.intent)
            for entry in self._knowledge.entries
            for question in entry.questions
        ]
        return super().get_nlu_data(language).merge(TrainingData(training_examples=examples))
