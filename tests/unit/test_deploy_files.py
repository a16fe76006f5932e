"""The deployment files (Dockerfile, deploy/): each one parsed and checked against its schema, offline, and
against the code: every variable they set is one bot/settings.py reads, every command one the bot has.

Schemas: Kubernetes 1.28's from kubernetes-validate; the Compose Specification's from tests/schemas/
(check-jsonschema 0.38.2's vendored copy, Apache-2.0). HAProxy's own check (``haproxy -c``) and systemd's
(``systemd-analyze verify``) run where those programs are installed, and are skipped elsewhere.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from bot.cli import build_parser
from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SYSTEMD = DEPLOY / "systemd"
HAPROXY_CFG = DEPLOY / "haproxy" / "haproxy.cfg"
KUBERNETES_VERSION = "1.28.0"
SYSTEMD_CHECKOUT = "/opt/trolybiendao"  # where the units expect the checkout
# Variables read by the software under the bot rather than by bot/settings.py.
THIRD_PARTY_VARIABLES = {
    "SANIC_REQUEST_MAX_SIZE": "Sanic (Rasa's HTTP server): body limit",
    "SANIC_HOST": "rasa_sdk's action server: interface",
    "TF_CPP_MIN_LOG_LEVEL": "TensorFlow: fewer log lines",
    "CUDA_VISIBLE_DEVICES": "TensorFlow: no GPU probing",
    "RASA_TELEMETRY_ENABLED": "Rasa: no telemetry",
    "PATH": "the image's venv first",
    "PYTHONUNBUFFERED": "Python: logs as they happen",
    "PYTHONDONTWRITEBYTECODE": "Python: read-only code in the image",
    "PIP_NO_CACHE_DIR": "pip, while building the image",
    "PIP_DISABLE_PIP_VERSION_CHECK": "pip, while building the image",
}


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _manifests() -> list[Path]:
    return sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", [])


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _bot_services() -> dict[str, dict]:
    """The compose services that run the bot's image (built from the Dockerfile)."""
    return {name: service for name, service in _compose()["services"].items() if "build" in service}


def _units() -> list[Path]:
    return sorted(p for p in SYSTEMD.iterdir() if p.suffix in (".service", ".target"))


def _unit_values(key: str) -> Iterator[str]:
    for unit in _units():
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{key}="):
                yield line.split("=", 1)[1]


def _dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [line.strip() for line in "\n".join(lines).replace("\\\n", " ").splitlines() if line.strip()]


# --- schemas -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _manifests(), ids=lambda p: p.name)
def test_kubernetes_manifests_match_the_schema(path: Path) -> None:
    for doc in _documents(path):
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{path.name}: {doc['kind']} {doc['metadata']['name']}: {error.message}")


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text(encoding="utf-8"))
    assert sorted(kustomization["resources"]) == [p.name for p in _manifests()]


def test_kubernetes_pods_are_probed_and_unprivileged() -> None:
    for path in _manifests():
        for doc in _documents(path):
            for container in _containers(doc):
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, f"{path.name}: {container['name']}"
                # Whatever listens gets both probes; workers without a port restart when they exit.
                if container.get("ports"):
                    assert {"readinessProbe", "livenessProbe"} <= set(container), f"{path.name}: {container['name']}"


def _allowed_service_keys(schema: dict) -> tuple[set[str], list[str]]:
    """Keys a compose service may have. The schema says so with ``unevaluatedProperties`` (JSON Schema
    2020-12), which jsonschema 3.2 (pinned for Rasa) ignores: collected here from the service's parts."""
    names: set[str] = set()
    patterns: list[str] = []
    parts = [schema["$defs"]["service"]]
    while parts:
        part = parts.pop()
        names |= set(part.get("properties", {}))
        patterns += list(part.get("patternProperties", {}))
        parts += [schema["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in part.get("allOf", [])]
    return names, patterns


def test_compose_file_matches_the_compose_spec() -> None:
    schema = json.loads((PROJECT_ROOT / "tests" / "schemas" / "compose-spec.json").read_text(encoding="utf-8"))
    compose = _compose()
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
    names, patterns = _allowed_service_keys(schema)
    for name, service in compose["services"].items():
        unknown = [k for k in service if k not in names and not any(re.match(p, k) for p in patterns)]
        assert not unknown, f"service {name}: unknown keys {unknown}"


def test_compose_references_exist() -> None:
    compose = _compose()
    services = compose["services"]
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), name
        assert set(service.get("secrets", [])) <= set(compose["secrets"]), name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in compose["volumes"] or (DEPLOY / source).exists(), f"{name}: {volume}"
    haproxy = services["haproxy"]["environment"]
    for variable, address in haproxy.items():
        if variable.endswith("_ADDR"):
            assert address.split(":")[0] in services, f"haproxy's {variable} names no service: {address}"


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="Debian's haproxy is not installed")
@pytest.mark.parametrize("where", ["systemd", "compose"])
def test_haproxy_accepts_its_configuration(where: str) -> None:
    env = {"PATH": "/usr/sbin:/usr/bin:/bin"}
    if where == "compose":
        env |= _compose()["services"]["haproxy"]["environment"]
    result = subprocess.run(
        ["haproxy", "-c", "-f", str(HAPROXY_CFG)], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _presets() -> dict[str, str]:
    return dict(re.findall(r"^\s*presetenv (\S+) (\S+)", HAPROXY_CFG.read_text(encoding="utf-8"), re.M))


def test_haproxy_variables_have_defaults_and_compose_values() -> None:
    used = set(re.findall(r"\$\{(\w+)\}", HAPROXY_CFG.read_text(encoding="utf-8")))
    optional = {"TLS_CERT"}  # HTTPS only where a certificate is given (an .if block)
    presets = _presets()
    assert used - optional == set(presets)
    assert used - optional <= set(_compose()["services"]["haproxy"]["environment"])


@pytest.mark.parametrize("process,start", [("rasa", 5016), ("actions", 5066)])
def test_systemd_instances_are_haproxys_servers(process: str, start: int) -> None:
    """The target starts the instances whose ports HAProxy's defaults name."""
    wanted = " ".join(_unit_values("Wants"))
    instances = sorted(int(port) for port in re.findall(rf"trolybiendao-{process}@(\d+)\.service", wanted))
    servers = sorted(int(v.rsplit(":", 1)[1]) for k, v in _presets().items() if k.startswith(f"{process.upper()}_"))
    assert instances == servers == [start, start + 1]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path: Path) -> None:
    """``systemd-analyze verify`` on the units as installed in this checkout (it checks that the
    programs exist): unknown keys or bad values are printed, and fail the test."""
    if not (PROJECT_ROOT / ".venv" / "bin" / "bot").exists():
        pytest.skip("no .venv in this checkout (make venv)")
    for unit in _units():
        text = unit.read_text(encoding="utf-8").replace(SYSTEMD_CHECKOUT, str(PROJECT_ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    names = [u.name.replace("@.", "@1.") for u in _units()]
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def test_systemd_config_beside_the_units_is_haproxys() -> None:
    assert (SYSTEMD / "haproxy.cfg").resolve() == HAPROXY_CFG.resolve()


def test_image_runs_as_bot_with_the_model_built_in_by_default() -> None:
    instructions = _dockerfile_instructions()
    stages = [i.split()[-1] for i in instructions if i.startswith("FROM ")]
    assert stages == ["builder", "runtime", "model", "with-model"]  # the last one is what `docker build` makes
    runtime = instructions[instructions.index(next(i for i in instructions if i.endswith("AS runtime"))) :]
    assert "USER bot" in runtime and any(i.startswith("HEALTHCHECK ") for i in runtime)
    assert any(i.startswith("COPY --from=model") and "/app/models" in i for i in instructions)
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "var", "models", "tests"} <= ignored


# --- the files and the code agree ---------------------------------------------------------------------


def _declared_variables() -> set[str]:
    """The environment variables bot/settings.py reads (it names each one in a string)."""
    source = (PROJECT_ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"[\"']([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[\"']", source))


def _variables_set() -> dict[str, set[str]]:
    """Every variable the deployment files give the bot's processes, with where each is set."""
    found: dict[str, set[str]] = {}

    def add(names: object, where: str) -> None:
        for name in names:  # type: ignore[attr-defined]
            found.setdefault(str(name), set()).add(where)

    for name, service in _bot_services().items():
        add(service.get("environment", {}), f"compose.yaml: {name}")
    for path in _manifests():
        for doc in _documents(path):
            if doc["kind"] == "ConfigMap":
                add(doc["data"], path.name)
            if doc["kind"] == "Secret":
                add(doc["stringData"], path.name)
            for container in _containers(doc):
                add((e["name"] for e in container.get("env", [])), path.name)
    for value in _unit_values("Environment"):
        add((assignment.split("=", 1)[0] for assignment in shlex.split(value)), "deploy/systemd")
    for example in DEPLOY.glob("bot.env.example"):
        add(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example.read_text(encoding="utf-8"), re.M), example.name)
    for instruction in _dockerfile_instructions():
        if instruction.startswith("ENV "):
            add(re.findall(r"([A-Z][A-Z0-9_]+)=", instruction), "Dockerfile")
    return found


def test_every_variable_set_is_one_the_bot_reads() -> None:
    declared = _declared_variables() | set(THIRD_PARTY_VARIABLES)
    unknown = {name: sorted(where) for name, where in _variables_set().items() if name not in declared}
    assert not unknown, f"set in the deployment files but read by nothing: {unknown}"


def test_secrets_are_the_same_names_everywhere() -> None:
    """The Kubernetes Secret and the env file of compose and systemd hold the same secrets."""
    secret = next(d for d in _documents(KUBERNETES / "secret.yaml") if d["kind"] == "Secret")
    example = (DEPLOY / "bot.env.example").read_text(encoding="utf-8")
    in_file = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.M))
    assert in_file <= set(secret["stringData"]), in_file - set(secret["stringData"])


def _commands() -> Iterator[tuple[str, list[str]]]:
    """(where, argv) of every command the deployment files run."""
    for name, service in _bot_services().items():
        if "command" in service:
            yield f"compose.yaml: {name}", service["command"]
    for path in _manifests():
        for doc in _documents(path):
            for container in _containers(doc):
                yield f"{path.name}: {container['name']}", container["command"]
    for value in _unit_values("ExecStart"):
        command = value.replace(f"{SYSTEMD_CHECKOUT}/.venv/bin/", "").replace("%i", "5016")  # an instance's port
        yield "deploy/systemd", shlex.split(command)
    for instruction in _dockerfile_instructions():
        if instruction.startswith("CMD "):
            yield "Dockerfile CMD", json.loads(instruction[4:])
        if instruction.startswith("RUN "):
            for part in instruction[4:].split("&&"):
                command = part.strip().replace("/opt/venv/bin/", "")
                if command.startswith("bot "):
                    yield "Dockerfile RUN", shlex.split(command)


def _simple_commands(argv: list[str]) -> list[list[str]]:
    """``sh -c "a && b"`` is two commands."""
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def _check_command(argv: list[str]) -> None:
    if argv[0] == "bot":
        build_parser().parse_args(argv[1:])  # exits (SystemExit) on a command or option the bot lacks
        return
    assert argv[:2] == ["python", "-m"], f"not a command of the bot: {argv}"
    module, args = argv[2], argv[3:]
    if module == "bot.rasa.server":
        from rasa.__main__ import create_argument_parser as rasa_parser

        options = rasa_parser().parse_args(args)
        assert (PROJECT_ROOT / options.credentials).is_file() and (PROJECT_ROOT / options.endpoints).is_file()
    elif module == "bot.rasa.action_server":
        from rasa_sdk.endpoint import create_argument_parser as sdk_parser

        options = sdk_parser().parse_args(args)
        assert (PROJECT_ROOT / options.actions / "__init__.py").is_file()
    else:
        pytest.fail(f"unexpected module: {module}")


def test_every_command_is_one_the_bot_has() -> None:
    commands = list(_commands())
    assert len(commands) > 20
    for where, argv in commands:
        for simple in _simple_commands(argv):
            try:
                _check_command(simple)
            except SystemExit:
                pytest.fail(f"{where}: {shlex.join(simple)} is not a valid command")


def test_rasa_reads_the_limit_the_settings_declare() -> None:
    from bot.settings import RASA_MAX_REQUEST_BYTES

    compose_limit = int(_compose()["services"]["rasa-1"]["environment"]["SANIC_REQUEST_MAX_SIZE"])
    haproxy_limits = {int(n) for n in re.findall(r"content-length\) gt (\d+)", HAPROXY_CFG.read_text(encoding="utf-8"))}
    assert compose_limit == RASA_MAX_REQUEST_BYTES and haproxy_limits == {RASA_MAX_REQUEST_BYTES}
