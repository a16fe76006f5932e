"""Everything that extends or patches Rasa, in one place.

- ``nlu/``: the pipeline's components (config.yml): tokenizer, nearest questions, language rules, the danger model,
  the answer decision, vessel lengths;
- ``policy.py`` (dialogue policy) and ``importer.py`` (training data from the knowledge file), in config.yml;
- ``tracker_store.py``, ``lock_store.py``, ``event_broker.py`` (endpoints.yml), ``rest_channel.py``
  (credentials.yml);
- ``server.py`` and ``action_server.py``: Rasa's and rasa_sdk's servers with their HTTP patches
  (``http_guard.py``).

Each private Rasa hook they rely on has a test in tests/unit/test_rasa_contract.py, so a Rasa upgrade fails
there. The Rasa-free logic they use stays beside the rest of the project (bot/vietnamese.py, bot/nlu/,
bot/knowledge/). Importing this package does not load Rasa.
"""
