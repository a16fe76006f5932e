# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
export TF_CPP_MIN_LOG_LEVEL := 2

CHROMIUM := /usr/bin/chromium
HAPROXY := /usr/sbin/haproxy

.PHONY: run test test-fast bench loadtest lint train venv validate stories clean

$(STAMP): requirements.lock pyproject.toml scripts/make-venv.sh
	scripts/make-venv.sh
	touch $(STAMP)

venv: $(STAMP)

train: venv
	@$(BIN)/bot train

# `bot run` trains first if needed, then shows each step with its time; the details are in var/logs/.
run: venv
	@$(BIN)/bot run

lint: venv
	$(BIN)/ruff check bot actions tests benchmarks
	$(BIN)/ruff format --check bot actions tests benchmarks

validate: venv
	$(BIN)/bot kb check
	@mkdir -p var
	@# Knowledge intents are mapped by KnowledgePolicy, not by rules, so Rasa lists each as "not used in any
	@# story or rule"; the full report is in var/validate.log, and shown whenever validation fails.
	@$(BIN)/rasa data validate --config config.yml --domain domain.yml --data nlu stories --fail-on-warnings \
		> var/validate.log 2>&1 || (cat var/validate.log; exit 1)
	@echo "rasa data validate: OK (report in var/validate.log)"

stories: train
	$(BIN)/rasa test core --e2e --stories tests/conversations --model $$($(BIN)/python -c 'from bot.training import model_path; print(model_path())') --fail-on-prediction-errors --out var/results/stories

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
		(echo "Could not install chromium: run 'sudo apt-get install chromium', then make test again"; exit 1)

# The production profile runs two Rasa servers and two action servers behind Debian's HAProxy, on the
# configuration compose and systemd use (deploy/haproxy/haproxy.cfg).
$(HAPROXY):
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy || \
		(echo "Could not install haproxy: run 'sudo apt-get install haproxy', then make test again"; exit 1)

# The fast tier: no servers of ours, no trained model (under a minute).
test-fast: venv
	$(BIN)/pytest -q tests/unit

# Every test once, in the set-up it is about: the fast tier and the bot's behaviour on the embedded default,
# then the production guarantees (marker `production`) on PostgreSQL, Redis, RabbitMQ and two Rasa servers and
# two action servers behind HAProxy on this machine (tests/deployment.py), then the conversation stories.
test: lint validate train $(CHROMIUM) $(HAPROXY)
	$(BIN)/pytest -q --durations=10 tests/unit tests/e2e -m "not production"
	BOT_TEST_PROFILE=production $(BIN)/pytest -q --durations=10 tests/e2e -m production
	$(MAKE) stories

bench: train
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.broadcast
	$(BIN)/python -m benchmarks.dashboard

# 50 people through REST and Telegram, production set-up (PostgreSQL, Redis, RabbitMQ), 1 and 2 replicas.
loadtest: train
	$(BIN)/python -m benchmarks.loadtest

clean:
	rm -rf $(VENV) var models
