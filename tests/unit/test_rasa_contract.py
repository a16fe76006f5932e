"""The private Rasa hooks bot/rasa/ relies on, one test each: after a Rasa upgrade, a broken hook fails here.

Each test names the module that needs the hook. Public, documented API (component registration, message
keys) is not listed: an import or a call that breaks fails everywhere at once anyway.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import rasa
from rasa.core.brokers.broker import EventBroker
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.utils.endpoints import EndpointConfig

from bot.knowledge.base import knowledge
from bot.rasa import tracker_store
from bot.settings import PROJECT_ROOT, get_settings

RASA_SOURCES = Path(rasa.__file__).parent


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


# bot/rasa/nlu/tokenizer.py


def test_the_tokenizer_defaults_give_every_setting_the_base_tokenizer_reads():
    from rasa.nlu.tokenizers.tokenizer import Tokenizer

    from bot.rasa.nlu.tokenizer import VietnameseTokenizer

    read = set(re.findall(r"config(?:\[|\.get\()\"(\w+)\"", inspect.getsource(Tokenizer.__init__)))
    assert read and read <= set(VietnameseTokenizer.get_default_config())


def test_count_vectors_read_the_lemmas_the_tokenizer_folds():
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

    assert CountVectorsFeaturizer.get_default_config()["use_lemma"] is True


# bot/rasa/policy.py


def test_policy_default_predictions_are_zeros_for_every_action():
    domain = Domain.from_dict({"actions": ["action_a", "action_b"]})
    assert Policy._default_predictions(None, domain) == [0.0] * domain.num_actions  # type: ignore[arg-type]


def test_policy_prediction_carries_optional_events_and_the_no_user_flag():
    assert {"probabilities", "optional_events", "is_no_user_prediction"} <= set(parameters(Policy._prediction))
    fake = type("KnowledgePolicy", (), {"priority": 7})()
    prediction = Policy._prediction(fake, [1.0], optional_events=[], is_no_user_prediction=True)  # type: ignore[arg-type]
    assert isinstance(prediction, PolicyPrediction)
    assert prediction.is_no_user_prediction and prediction.optional_events == [] and prediction.policy_priority == 7


def test_policy_keeps_its_resource_for_train_to_return():
    assert "self._resource = resource" in inspect.getsource(Policy.__init__)


def test_a_prediction_without_user_input_outranks_a_higher_priority():
    """KnowledgePolicy takes over from an open form with ``is_no_user_prediction`` (RulePolicy's standing)."""
    close = [ActiveLoop(None)]
    ours = PolicyPrediction([0.0, 1.0], "KnowledgePolicy", 7, optional_events=close, is_no_user_prediction=True)
    form = PolicyPrediction([1.0, 0.0], "RulePolicy", 6, is_no_user_prediction=True)
    pick = DefaultPolicyPredictionEnsemble._pick_best_policy
    assert pick([PolicyPrediction([1.0, 0.0], "RulePolicy", 6), ours]).policy_name == "KnowledgePolicy"
    assert pick([form, ours]).events == close  # the chosen prediction's optional events are applied
    assert pick([form, PolicyPrediction([0.0, 1.0], "KnowledgePolicy", 7)]).policy_name == "RulePolicy"


# bot/rasa/importer.py


def test_custom_importers_get_the_file_importer_arguments_by_name():
    from bot.rasa.importer import KnowledgeImporter

    assert parameters(RasaFileImporter.__init__)[1:4] == ["config_file", "domain_path", "training_data_paths"]
    assert parameters(KnowledgeImporter.__init__)[1:4] == ["config_file", "domain_path", "training_data_paths"]
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "nlu")]
    )
    entry = knowledge().entries[0]
    domain = importer.get_domain()
    assert entry.intent in domain.intents and entry.response in domain.responses


def test_domain_merge_keeps_both_sides():
    hand_written = Domain.from_dict({"intents": ["greet"], "responses": {"utter_greet": [{"text": "Chào"}]}})
    generated = Domain.from_dict({"intents": ["kb_x"], "responses": {"utter_kb_x": [{"text": "Trả lời"}]}})
    merged = hand_written.merge(generated)
    assert {"greet", "kb_x"} <= set(merged.intents)
    assert {"utter_greet", "utter_kb_x"} <= set(merged.responses)


# bot/rasa/lock_store.py


def test_rasa_takes_conversation_locks_only_through_lock():
    uses = {
        name
        for path in RASA_SOURCES.rglob("*.py")
        if path.name != "lock_store.py"
        for name in re.findall(r"lock_store\.(\w+)", path.read_text(encoding="utf-8"))
    }
    assert uses <= {"lock", "type"}  # "type": of the endpoint configuration
    assert parameters(LockStore.lock) == ["self", "conversation_id", "lock_lifetime", "wait_time_in_seconds"]
    assert isinstance(LOCK_LIFETIME, (int, float)) and TicketLock("c").conversation_id == "c"


def test_rasa_builds_a_custom_lock_store_with_its_endpoint_configuration(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    from bot.rasa.lock_store import SettingsLockStore

    store = LockStore.create(EndpointConfig(type="bot.rasa.lock_store.SettingsLockStore"))
    assert isinstance(store, SettingsLockStore) and store.redis is None
    get_settings.cache_clear()


# bot/rasa/tracker_store.py


def test_the_events_table_is_what_the_history_queries_read():
    table = SQLTrackerStore.SQLEvent.__table__
    assert table.name == tracker_store.EVENTS_TABLE
    assert {"sender_id", "type_name"} <= set(table.columns.keys())
    assert UserUttered.type_name == "user"


def test_sql_save_streams_first_then_stores_the_additional_events():
    save = inspect.getsource(SQLTrackerStore.save)
    assert save.index("self.stream_events(tracker)") < save.index("self._additional_events(session, tracker)")
    assert parameters(SQLTrackerStore._additional_events) == ["self", "session", "tracker"]
    assert parameters(TrackerStore._stream_new_events) == ["self", "event_broker", "new_events", "sender_id"]
    assert {"engine", "sessionmaker"} <= set(re.findall(r"self\.(\w+) =", inspect.getsource(SQLTrackerStore)))


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.events.append(event)


def test_the_settings_tracker_store_publishes_and_stores_each_event_once(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    get_settings.cache_clear()
    tracker_store.tracker_engine.cache_clear()
    broker = RecordingBroker()
    store = TrackerStore.create(
        EndpointConfig(type="bot.rasa.tracker_store.SettingsTrackerStore"), Domain.empty(), broker
    )
    assert type(store).__name__ == "SettingsTrackerStore"  # built by Rasa from endpoints.yml's path

    async def conversation() -> None:
        tracker = DialogueStateTracker("person", [])
        tracker.update(UserUttered("chào"))
        await store.save(tracker)
        tracker = await store.retrieve("person")
        tracker.update(ActionExecuted("utter_greet"))
        tracker.update(UserUttered("cảm ơn"))
        await store.save(tracker)
        assert [e["event"] for e in broker.events] == ["user", "action", "user"]
        assert len((await store.retrieve("person")).events) == 3

    asyncio.run(conversation())
    assert tracker_store.user_messages("person") == 2
    tracker_store.erase_history("person")
    assert tracker_store.user_messages("person") == 0
    tracker_store.tracker_engine.cache_clear()
    get_settings.cache_clear()


# bot/rasa/event_broker.py


def test_rasa_builds_a_custom_event_broker_from_its_endpoint_configuration(app_database, monkeypatch):
    from rasa.core.brokers.pika import PikaEventBroker

    from bot.rasa.event_broker import InteractionLogBroker

    monkeypatch.delenv("RABBITMQ_URL", raising=False)
    get_settings.cache_clear()
    broker = asyncio.run(EventBroker.create(EndpointConfig(type="bot.rasa.event_broker.InteractionLogBroker")))
    assert isinstance(broker, InteractionLogBroker)
    asyncio.run(broker.close())
    pika = set(parameters(PikaEventBroker.__init__))
    assert {"host", "username", "password", "port", "queues", "event_loop", "exchange_name"} <= pika


# bot/rasa/rest_channel.py


def test_a_bot_reply_names_its_response_in_the_output_channel():
    from rasa.core.actions.action import ActionBotResponse
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    from bot.rasa.rest_channel import NamedOutputChannel

    domain = Domain.from_dict({"responses": {"utter_kb_x": [{"text": "Trả lời"}]}})
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    channel = NamedOutputChannel()

    async def reply() -> None:
        events = await ActionBotResponse("utter_kb_x").run(channel, nlg, DialogueStateTracker("s", []), domain)
        assert events[0].message()["utter_action"] == "utter_kb_x"  # BotUttered.message() carries metadata
        await channel.send_response("s", events[0].message())

    asyncio.run(reply())
    assert isinstance(channel, CollectingOutputChannel)
    assert [(m["text"], m["response"]) for m in channel.messages] == [("Trả lời", "utter_kb_x")]


def test_user_messages_take_the_channel_metadata_and_message_id():
    assert {"input_channel", "metadata", "message_id"} <= set(parameters(UserMessage.__init__))


# bot/rasa/server.py and bot/rasa/action_server.py


class Built(Exception):
    """Raised by a stand-in app factory: the server looked the factory up when it started."""


def refuse(*_: Any, **__: Any) -> None:
    raise Built


def test_rasa_looks_up_its_app_factory_when_it_starts(monkeypatch):
    from rasa import server
    from rasa.core import run

    monkeypatch.setattr(server, "create_app", refuse)
    with pytest.raises(Built):
        run.configure_app(enable_api=True)


def test_the_action_server_looks_up_its_app_factory_when_it_starts(monkeypatch):
    from rasa_sdk import endpoint

    monkeypatch.setattr(endpoint, "create_app", refuse)
    with pytest.raises(Built):
        endpoint.run("actions")


def test_rasa_reads_the_api_token_after_the_command():
    from rasa.__main__ import create_argument_parser

    args = create_argument_parser().parse_args(["run", "--enable-api", "--auth-token", "secret"])
    assert args.auth_token == "secret"


def test_rasa_keys_its_cache_on_the_danger_examples_too(tmp_path, monkeypatch):
    """Rasa reuses a trained component when its cache key is unchanged; the danger model reads knowledge/danger/
    itself, so that folder must be part of the key (``fingerprint_addon``)."""
    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    from bot.rasa.nlu import danger

    (tmp_path / "danger").mkdir()
    (tmp_path / "danger" / "a.yml").write_text('- {text: "cuu", emergency: true}\n')
    monkeypatch.setattr(danger, "EXAMPLES", tmp_path / "danger")
    before = calculate_fingerprint_key(danger.DangerDetector, {}, {})
    assert calculate_fingerprint_key(danger.DangerDetector, {}, {}) == before
    (tmp_path / "danger" / "b.yml").write_text('- {text: "gia dau", emergency: false}\n')
    assert calculate_fingerprint_key(danger.DangerDetector, {}, {}) != before
