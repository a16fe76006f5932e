# syntax=docker/dockerfile:1
# One image for every process of the bot: Rasa, the action server, the web app, the gateways, the
# broadcast worker, the metrics consumer, and `bot run` (everything in one container) by default.
#
#   docker build -t trolybiendao .                   # the trained model built in (trains: ~2 min on 2 cores)
#   docker build --target runtime -t trolybiendao .  # no model: mount one at /app/models
#
# deploy/compose.yaml and deploy/kubernetes/ run it; README.md, "Deployment", says how.

ARG PYTHON_IMAGE=python:3.10-slim-bookworm

# --- builder: the virtual environment from the lock file, the project, the handbooks -----------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --quiet "pip<25"
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --quiet -r /tmp/requirements.lock
WORKDIR /app
COPY . /app
# Editable, as scripts/make-venv.sh does: the code reads its data files next to itself (/app).
RUN /opt/venv/bin/pip install --quiet --no-deps -e . \
    && /opt/venv/bin/pip check \
    && /opt/venv/bin/bot publications build

# --- runtime: the venv and the code, owned by root; only var/ and models/ writable by `bot` ----------
FROM ${PYTHON_IMAGE} AS runtime
RUN useradd --create-home --uid 10001 --user-group bot
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    CUDA_VISIBLE_DEVICES=-1 \
    RASA_TELEMETRY_ENABLED=false
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app
RUN mkdir -p /app/var /app/models && chown bot:bot /app/var /app/models
USER bot
# 8000: web chat, dashboard and Zalo webhook; 5005: Rasa; 5055: action server; 8443: Telegram webhook.
EXPOSE 8000 5005 5055 8443
# The web app's page (for `bot run` and `bot web`); compose and Kubernetes give each process its own check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('WEB_PORT', '8000')}/\", timeout=4)"]
CMD ["bot", "run"]

# --- model: `bot train` in a throw-away stage (its caches stay here) ---------------------------------
FROM runtime AS model
USER root
RUN bot train

# --- the default image: runtime with the trained model ---------------------------------------------
FROM runtime AS with-model
COPY --from=model --chown=bot:bot /app/models /app/models
