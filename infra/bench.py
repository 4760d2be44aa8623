"""`make bench`: the skill's cost on its production path, beside ask-sdk baselines.

What is timed is what Lambda runs: the skill on DynamoDB, making real calls that succeed,
against a moto server this script starts on 127.0.0.1 with the table infra/template.yaml
declares. The baseline is the ask-sdk hello world with the official DynamoDbAdapter,
making its own real get + save at launch (on its own table: the adapter wants a single
`id` key). Every figure comes from fresh processes (BENCH_RUNS each, default 15), run
interleaved with the order rotated each round, so a busy spell on this shared machine
falls on every side of a ratio. Both sides run with bytecode compiled for this
interpreter (the skill's modules are compiled before the first run, as the libraries'
already are). Nothing is fetched from a registry here.

Rows, each checked against its target (issue 22):

- cold start on DynamoDB (import + LaunchRequest, its calls, one write): median of the
  paired ratios <= 1.0x the DynamoDbAdapter hello world;
- the same with the user-key secret read from SSM at init: <= 1.1x the same baseline;
- peak RSS < 64 MB in every set-up (DynamoDB, SSM, SQLite);
- warm turn (a scripted conversation on SQLite, 20 rounds) <= 2x the hello-world turn;
- DynamoDB calls counted per turn (botocore's own API-call path): launch <= 2, a guide
  step <= 1;
- dist/lambda.zip < 5 MB (built by `make package`, which does need the registry);
- replies as heard, and signed requests on the web endpoint beside a forged flood:
  p99 < 1.5 s (Alexa gives up at 8 s).

BENCH_ROOT=<checkout> runs the same measurement against another checkout (for a
before/after comparison); its children import that checkout's `skill`.
"""

from __future__ import annotations

import compileall
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("BENCH_ROOT") or HERE).resolve()
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
WARM_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
TABLE = "leg-pain-guide-bench"
HELLO_TABLE = "hello-world-bench"
PARAMETER = "/leg-pain-guide/bench/user-key-secret"
SECRET = "bench-secret-not-for-production"

# Shared by every child: build request envelopes and time them. Kept as source text so
# each child process starts from nothing.
PRELUDE = textwrap.dedent('''
    import json, os, resource, sys, time, uuid
    T0 = time.perf_counter()
    APP = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
    USER = os.environ.get("BENCH_USER", "amzn1.ask.account.bench")

    def envelope(request, attributes=None, new=False, user=None):
        user = user or USER
        system = {"application": {"applicationId": APP}, "user": {"userId": user},
                  "device": {"deviceId": "d", "supportedInterfaces": {}},
                  "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "t"}
        session = {"new": new, "sessionId": "amzn1.echo-api.session.bench",
                   "application": {"applicationId": APP}, "user": {"userId": user}}
        if attributes is not None:
            session["attributes"] = attributes
        return {"version": "1.0", "session": session, "context": {"System": system},
                "request": {"requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                            "timestamp": "2026-11-25T10:00:00Z", "locale": "en-US",
                            **request}}

    def intent(name, **slots):
        def slot(k, v):
            if k in ("score", "duration", "time"):
                return {"name": k, "value": v}
            return {"name": k, "value": v, "resolutions": {"resolutionsPerAuthority": [{
                "authority": "a", "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": v, "id": v}}]}]}}
        return {"type": "IntentRequest", "intent": {
            "name": name, "confirmationStatus": "NONE",
            "slots": {k: slot(k, v) for k, v in slots.items()}}}

    def cpu_s():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def report(**figures):
        # VmHWM: this process's own peak (ru_maxrss would carry the parent's over fork).
        with open("/proc/self/status") as status:
            hwm = next(line for line in status if line.startswith("VmHWM:"))
        figures["rss_mb"] = int(hwm.split()[1]) / 1024
        print(json.dumps(figures))

    CONVERSATION = [
        {"type": "LaunchRequest"},
        intent("DescribePainIntent", location="hamstring", trigger="exercise", onset="sudden"),
        intent("AMAZON.NoIntent"), intent("AMAZON.NoIntent"), intent("AMAZON.NoIntent"),
        intent("AMAZON.NoIntent"), intent("AMAZON.NoIntent"),
        intent("AMAZON.YesIntent"),                       # RICE, step one
        intent("StretchIntent", stretch="calf"),          # a stretch, step one
        intent("AMAZON.NextIntent"),                      # a guide step
        intent("AMAZON.StopIntent"),
    ]
''')

# The skill through its Lambda entry: import, then the first LaunchRequest (which, on
# DynamoDB, makes the launch's calls and writes the new account's profile).
SKILL = PRELUDE + textwrap.dedent('''
    sys.path.insert(0, "lambda")
    import lambda_function
    first = lambda_function.handler(envelope({"type": "LaunchRequest"}, new=True), None)
    cold, cold_cpu = time.perf_counter() - T0, cpu_s()
    assert first["response"]["outputSpeech"]
    turns = 0
    start = time.perf_counter()
    for _ in range(ROUNDS):
        attributes = None
        for request in CONVERSATION:
            out = lambda_function.handler(envelope(request, attributes, attributes is None), None)
            attributes = out.get("sessionAttributes")
            turns += 1
    warm = (time.perf_counter() - start) / max(turns, 1)
    report(cold_s=cold, cpu_s=cold_cpu, warm_s=warm)
''')

# The calls each turn makes, counted where every botocore client call passes (not timed).
CALLS = PRELUDE + textwrap.dedent('''
    import botocore.client
    calls = []
    real = botocore.client.BaseClient._make_api_call
    def counted(self, operation, params):
        calls.append((self.meta.service_model.service_name, operation))
        return real(self, operation, params)
    botocore.client.BaseClient._make_api_call = counted
    sys.path.insert(0, "lambda")
    import lambda_function
    per_turn = []
    for _ in range(2):  # a new account, then the same account again
        attributes = None
        for request in CONVERSATION:
            calls.clear()
            out = lambda_function.handler(envelope(request, attributes, attributes is None), None)
            attributes = out.get("sessionAttributes")
            per_turn.append([op for service, op in calls if service == "dynamodb"])
    names = ["launch", "statement", "no 1", "no 2", "no 3", "no 4", "no 5", "guide start (RICE)",
             "guide start (stretch)", "guide step", "stop"]
    print(json.dumps({"first": dict(zip(names, per_turn[:11])),
                      "again": dict(zip(names, per_turn[11:]))}))
''')

HELLO = textwrap.dedent('''
    {extra_imports}
    from ask_sdk_core.skill_builder import {builder}
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.utils import is_request_type, is_intent_name

    class Launch(AbstractRequestHandler):
        def can_handle(self, handler_input):
            return is_request_type("LaunchRequest")(handler_input)
        def handle(self, handler_input):
            {touch_store}
            return handler_input.response_builder.speak("Hello world").ask("Hello?").response

    class Hello(AbstractRequestHandler):
        def can_handle(self, handler_input):
            return is_intent_name("HelloWorldIntent")(handler_input)
        def handle(self, handler_input):
            return handler_input.response_builder.speak("Hello world").ask("Hello?").response

    sb = {builder_call}
    sb.add_request_handler(Launch())
    sb.add_request_handler(Hello())
    handler = sb.lambda_handler()
    first = handler(envelope({{"type": "LaunchRequest"}}, new=True), None)
    cold, cold_cpu = time.perf_counter() - T0, cpu_s()
    turns = 0
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for request in ({{"type": "LaunchRequest"}}, intent("HelloWorldIntent")) * 5 + (
                intent("HelloWorldIntent"),):
            handler(envelope(request), None)
            turns += 1
    warm = (time.perf_counter() - start) / max(turns, 1)
    report(cold_s=cold, cpu_s=cold_cpu, warm_s=warm)
''')

HELLO_PLAIN = PRELUDE + HELLO.format(extra_imports="", builder="SkillBuilder",
                                     builder_call="SkillBuilder()", touch_store="")
# The official adapter builds its boto3 resource at import (AWS_ENDPOINT_URL points it at
# the bench's moto server); the launch reads and saves the persistent attributes: a real
# GetItem and a real PutItem, as a skill that counts visits would.
HELLO_DYNAMO = PRELUDE + HELLO.format(
    extra_imports="from ask_sdk_dynamodb.adapter import DynamoDbAdapter",
    builder="CustomSkillBuilder",
    builder_call=f"CustomSkillBuilder(persistence_adapter=DynamoDbAdapter("
                 f"table_name='{HELLO_TABLE}', create_table=False))",
    touch_store="attrs = handler_input.attributes_manager.persistent_attributes\n"
                "        attrs['visits'] = attrs.get('visits', 0) + 1\n"
                "        handler_input.attributes_manager.save_persistent_attributes()",
)

STARTUP = {
    "console": "import skill.console.cli",
    "web": "import skill.web.app",
}
def number_figures() -> dict[str, float]:
    """Issue 18: for every emergency sign in every locale, the seconds of speech (espeak-ng)
    from the skill's first reply after an opening naming it until the number is heard."""
    sys.path.insert(0, str(ROOT / "tests"))
    from number_timing import timings

    rows = timings()
    seconds = [s for *_, s in rows]
    return {
        "checked": len(rows),
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
        "not_first": sum(1 for _, _, first, _ in rows if not first),
    }


def speech_figures() -> dict[str, float] | None:
    """Replies as heard, over the project's vignette conversations: words per reply from
    the opening to the outcome, the words of each outcome's first reply, and the seconds
    of speech from the opening to the outcome (espeak-ng at its default rate; the same
    engine the audio tests use). None when espeak-ng or sox is missing."""
    import shutil

    if not (shutil.which("espeak-ng") and shutil.which("soxi")):
        return None
    sys.path.insert(0, str(HERE / "tests"))
    from vignettes.patient import load_cases
    from vignettes.report import run_all

    results = run_all(load_cases())
    seconds_of: dict[str, float] = {}

    def seconds(text: str) -> float:
        if text not in seconds_of:
            with tempfile.TemporaryDirectory() as tmp:
                wav = Path(tmp) / "reply.wav"
                subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
                out = subprocess.run(["soxi", "-D", str(wav)], check=True,
                                     capture_output=True, text=True)
                seconds_of[text] = float(out.stdout)
        return seconds_of[text]

    words, outcome_words, spoken = [], [], []
    for result in results:
        replies = []
        for turn in result.turns[: next((i + 1 for i, t in enumerate(result.turns)
                                         if t.disposition), len(result.turns))]:
            replies.append(turn.speech)
        if not replies or not result.final_level:
            continue
        words += [len(r.split()) for r in replies]
        outcome_words.append(len(replies[-1].split()))
        spoken.append(sum(seconds(r) for r in replies))
    return {
        "conversations": len(spoken),
        "replies": len(words),
        "median_words": statistics.median(words),
        "max_words": max(words),
        "max_outcome_words": max(outcome_words),
        "median_speech_s": statistics.median(spoken),
        "max_speech_s": max(spoken),
    }


def flood_figures() -> dict[str, float]:
    """Signed-request latency on the self-hosted web endpoint, alone and beside a forged
    flood from another process (tests/web_support.py flood_run, as the e2e test runs it)."""
    sys.path.insert(0, str(HERE / "tests"))
    from web_support import FloodRun, flood_run, percentile

    from skill import keys

    keys.allow_development_secret()
    logging.disable(logging.WARNING)  # each refused forgery and waitress's queue depth
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run = flood_run(Path(tmp) / "flood.sqlite3")
    finally:
        logging.disable(logging.NOTSET)
    quiet, loud = FloodRun.latencies(run.quiet), FloodRun.latencies(run.loud)
    return {
        **cold_flood_figures(),
        "attackers": run.attackers,
        "quiet_p50": percentile(quiet, 50),
        "quiet_p99": percentile(quiet, 99),
        "loud_p50": percentile(loud, 50),
        "loud_p99": percentile(loud, 99),
        "loud_n": len(loud),
        "fetches": run.fetches,
    }




def cold_flood_figures() -> dict[str, float]:
    """Genuine signed requests answered by a server just started (no certificate chain
    cached) beside a flood of forgeries with a fresh certificate URL each (tests/web_support.py
    cold_flood_run, as the e2e test runs it; issue 23, row 5)."""
    from web_support import cold_flood_run

    logging.disable(logging.WARNING)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run = cold_flood_run(Path(tmp) / "cold.sqlite3", attackers=16, seconds=5.0)
    finally:
        logging.disable(logging.NOTSET)
    return {
        "cold_answered": run.answered,
        "cold_n": len(run.genuine),
        "cold_forged": run.forged["sent"],
        "cold_fetches": run.fetches,
    }


class ChildFailed(RuntimeError):
    pass


def run_child(source: str, env: dict[str, str], rounds: int = WARM_ROUNDS) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source.replace("ROUNDS", str(rounds)))
    try:
        out = subprocess.run([sys.executable, f.name], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    # A figure from a run whose storage failed would time the failure, not the path.
    if out.returncode != 0 or "storage failure" in out.stderr or "Traceback" in out.stderr:
        raise ChildFailed(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def template_table() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "infra" / "template.yaml").read_text())
    return template["Resources"]["Table"]["Properties"]  # type: ignore[no-any-return]


class Moto:
    """A moto server on 127.0.0.1 in its own process, with the template's table, the
    hello world's table and the user-key secret as an SSM SecureString."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("the moto server did not start") from None
                time.sleep(0.1)
        import boto3

        session = boto3.session.Session(aws_access_key_id="bench",
                                        aws_secret_access_key="bench",
                                        region_name="us-east-1")
        self.dynamodb = session.client("dynamodb", endpoint_url=self.url)
        props = template_table()
        self.dynamodb.create_table(TableName=TABLE, KeySchema=props["KeySchema"],
                                   AttributeDefinitions=props["AttributeDefinitions"],
                                   BillingMode=props["BillingMode"])
        ttl = props["TimeToLiveSpecification"]
        self.dynamodb.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
            "Enabled": ttl["Enabled"], "AttributeName": ttl["AttributeName"]})
        self.dynamodb.create_table(
            TableName=HELLO_TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        session.client("ssm", endpoint_url=self.url).put_parameter(
            Name=PARAMETER, Value=SECRET, Type="SecureString")

    def items(self, table: str, sk: str | None = None) -> int:
        kwargs: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
        if sk:
            kwargs.update(FilterExpression="sk = :sk",
                          ExpressionAttributeValues={":sk": {"S": sk}})
        return int(self.dynamodb.scan(**kwargs)["Count"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def interleaved(children: dict[str, tuple[str, dict[str, str], int]],
                fresh_user: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Each child RUNS times, one of each per round, the order rotated every round."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in children}
    names = list(children)
    for i in range(RUNS):
        order = names[i % len(names):] + names[: i % len(names)]
        for name in order:
            source, env, rounds = children[name]
            if name in fresh_user:  # a new account: the launch creates its profile
                env = {**env, "BENCH_USER": f"amzn1.ask.account.bench-{uuid.uuid4()}"}
            results[name].append(run_child(source, env, rounds))
    return results


def spread(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def ratios(a: list[dict[str, Any]], b: list[dict[str, Any]], key: str) -> list[float]:
    """Paired: run i of one side over run i of the other (the same round)."""
    return [x[key] / y[key] for x, y in zip(a, b, strict=True)]


def startup_seconds(statement: str, env: dict[str, str]) -> float | None:
    source = f"import time\nt = time.perf_counter()\n{statement}\n" \
             "print(time.perf_counter() - t)"
    times = []
    for _ in range(min(RUNS, 7)):
        out = subprocess.run([sys.executable, "-c", source], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        if out.returncode != 0:
            return None
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def precompile() -> None:
    """The skill's modules as bytecode for this interpreter, as the libraries' are."""
    for folder in ("skill", "lambda"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def fmt(triple: tuple[float, float, float], scale: float = 1000, digits: int = 1) -> str:
    return "/".join(f"{v * scale:.{digits}f}" for v in triple)


def main() -> int:
    precompile()
    moto = Moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            base = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "TABLE_NAME", "USER_KEY_SECRET",
                                         "PYTHONDONTWRITEBYTECODE"))}
            base["PYTHONPATH"] = str(ROOT)  # this checkout's `skill`, whatever is installed
            sqlite_env = {**base, "LEG_PAIN_DB": str(Path(tmp) / "bench.sqlite3"),
                          "USER_KEY_SECRET": SECRET}
            aws = {**base, "AWS_ENDPOINT_URL": moto.url, "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
                   "AWS_SECRET_ACCESS_KEY": "bench"}
            ddb_env = {**aws, "TABLE_NAME": TABLE, "USER_KEY_SECRET": SECRET}
            ssm_env = {**aws, "TABLE_NAME": TABLE, "USER_KEY_SECRET_PARAMETER": PARAMETER}
            children = {
                "skill_ddb": (SKILL, ddb_env, 0),
                "hello_ddb": (HELLO_DYNAMO, aws, 0),
                "skill_ssm": (SKILL, ssm_env, 0),
                "skill_sqlite": (SKILL, sqlite_env, WARM_ROUNDS),
                "hello": (HELLO_PLAIN, base, WARM_ROUNDS),
            }
            before = moto.items(TABLE, "PROFILE"), moto.items(HELLO_TABLE)
            runs = interleaved(children, fresh_user={"skill_ddb", "hello_ddb", "skill_ssm"})
            profiles = moto.items(TABLE, "PROFILE") - before[0]
            hello_items = moto.items(HELLO_TABLE) - before[1]
            calls = run_child(CALLS, {**ddb_env, "BENCH_USER": "amzn1.ask.account.calls"})
            startups = {name: startup_seconds(stmt, sqlite_env)
                        for name, stmt in STARTUP.items()}
    finally:
        moto.stop()
    zip_path = ROOT / "dist" / "lambda.zip"
    zip_mb = zip_path.stat().st_size / 1e6 if zip_path.exists() else None

    print(f"Leg Pain Guide benchmark — Python {sys.version.split()[0]}, {RUNS} fresh "
          f"processes per figure, interleaved; moto server on 127.0.0.1 with the template's "
          f"table; bytecode precompiled on both sides")
    print(f"writes that landed: {profiles} skill profiles for {2 * RUNS} skill launches, "
          f"{hello_items} hello-world items for {RUNS} launches")
    print(f"{'figure':34}{'skill min/med/max':>22}{'baseline min/med/max':>24}"
          f"{'ratio min/med/max':>20}{'CPU':>7}{'RSS skill/base MB':>19}")
    s_ddb, h_ddb, s_ssm = runs["skill_ddb"], runs["hello_ddb"], runs["skill_ssm"]
    s_sql, hello = runs["skill_sqlite"], runs["hello"]

    def row(label: str, skill: list[dict[str, Any]], baseline: list[dict[str, Any]],
            key: str, cpu: bool = True) -> float:
        r = spread(ratios(skill, baseline, key))
        cpu_ratio = (statistics.median(x["cpu_s"] for x in skill)
                     / statistics.median(x["cpu_s"] for x in baseline)) if cpu else None
        rss = (max(x["rss_mb"] for x in skill), max(x["rss_mb"] for x in baseline))
        digits = 3 if key == "warm_s" else 1
        print(f"{label:34}{fmt(spread([x[key] for x in skill]), digits=digits):>22}"
              f"{fmt(spread([x[key] for x in baseline]), digits=digits):>24}"
              f"{fmt(r, 1, 2):>20}{(f'{cpu_ratio:.2f}' if cpu_ratio else '-'):>7}"
              f"{f'{rss[0]:.1f}/{rss[1]:.1f}':>19}")
        return r[1]

    cold_ddb = row("cold start, DynamoDB (ms)", s_ddb, h_ddb, "cold_s")
    cold_ssm = row("cold start, secret from SSM (ms)", s_ssm, h_ddb, "cold_s")
    cold_sql = row("cold start, SQLite (ms, info)", s_sql, hello, "cold_s")
    warm = row("warm turn, SQLite (ms)", s_sql, hello, "warm_s", cpu=False)
    rss = {"DynamoDB": max(x["rss_mb"] for x in s_ddb),
           "SSM": max(x["rss_mb"] for x in s_ssm),
           "SQLite": max(x["rss_mb"] for x in s_sql)}
    print(f"{'peak RSS, max of runs (MB)':34}" + ", ".join(
        f"{k} {v:.1f}" for k, v in rss.items()) +
        f"; hello+DynamoDbAdapter {max(x['rss_mb'] for x in h_ddb):.1f}")
    print(f"{'DynamoDB calls per turn':34}new account: " + ", ".join(
        f"{name} {len(ops)}" for name, ops in calls["first"].items()))
    print(f"{'':34}returning: " + ", ".join(
        f"{name} {len(ops)}" for name, ops in calls["again"].items()))
    print(f"{'':34}launch: {' + '.join(calls['first']['launch']) or 'none'}; guide step: "
          f"{' + '.join(calls['first']['guide step']) or 'none'}")
    for name, seconds in startups.items():
        shown = f"{seconds * 1000:.1f} ms" if seconds is not None else "not available"
        print(f"{name + ' start-up (info)':34}{shown}")
    print(f"{'dist/lambda.zip':34}" + (f"{zip_mb:.2f} MB" if zip_mb is not None
                                        else "missing: run make package"))

    quick = os.environ.get("BENCH_QUICK") == "1"  # development only: no speech, no flood
    speech = None if quick else speech_figures()
    if speech is None:
        print("replies as heard: not available (needs espeak-ng and sox)")
    else:
        print(f"replies as heard ({speech['conversations']:.0f} vignette conversations, "
              f"{speech['replies']:.0f} replies from the opening to the outcome):")
        print(f"{'  words per reply':34}median {speech['median_words']:.0f}, "
              f"max {speech['max_words']:.0f}; outcome first reply max "
              f"{speech['max_outcome_words']:.0f}")
        print(f"{'  speech to the outcome':34}median {speech['median_speech_s']:.1f} s, "
              f"max {speech['max_speech_s']:.1f} s (espeak-ng, default rate)")

    number = None if speech is None else number_figures()
    if number is not None:
        print(f"{'  the number, after a red flag':34}median {number['median_s']:.1f} s, "
              f"max {number['max_s']:.1f} s of speech until it is heard "
              f"({number['checked']:.0f} signs x locales; {number['not_first']:.0f} not in "
              "the first sentence)")

    flood = {"quiet_p50": 0, "quiet_p99": 0, "attackers": 0, "loud_p50": 0, "loud_p99": 9,
             "loud_n": 0, "fetches": 0, "cold_answered": 0, "cold_n": 0, "cold_forged": 0,
             "cold_fetches": 0} if quick else flood_figures()
    print(f"signed requests, web endpoint: alone p50 {flood['quiet_p50'] * 1000:.0f} ms, "
          f"p99 {flood['quiet_p99'] * 1000:.0f} ms; beside {flood['attackers']:.0f} forging "
          f"connections p50 {flood['loud_p50'] * 1000:.0f} ms, p99 "
          f"{flood['loud_p99'] * 1000:.0f} ms (n={flood['loud_n']:.0f}, "
          f"{flood['fetches']:.0f} certificate fetches)")
    print(f"signed requests after a restart, beside a fresh-URL flood: "
          f"{flood['cold_answered']:.0%} of {flood['cold_n']:.0f} answered "
          f"({flood['cold_forged']:.0f} forgeries, {flood['cold_fetches']:.0f} certificate "
          f"fetches)")

    launch_calls = max(len(calls[k]["launch"]) for k in ("first", "again"))
    step_calls = max(len(calls[k]["guide step"]) for k in ("first", "again"))
    checks = {
        "every DynamoDB launch wrote its profile (real calls, no failures)":
            profiles == 2 * RUNS and hello_items == RUNS,
        f"cold start, DynamoDB <= 1.0x hello world + DynamoDbAdapter ({cold_ddb:.2f}x)":
            cold_ddb <= 1.0,
        f"cold start, secret from SSM <= 1.1x the same ({cold_ssm:.2f}x)": cold_ssm <= 1.1,
        "peak RSS < 64 MB in every set-up (" + ", ".join(
            f"{v:.1f}" for v in rss.values()) + ")": all(v < 64 for v in rss.values()),
        f"warm turn <= 2x hello world ({warm:.2f}x)": warm <= 2,
        f"DynamoDB calls: launch <= 2 ({launch_calls}), guide step <= 1 ({step_calls})":
            launch_calls <= 2 and step_calls <= 1,
        "package < 5 MB": zip_mb is not None and zip_mb < 5,
        "signed p99 beside a forged flood < 1.5 s": flood["loud_p99"] < 1.5,
        f"signed answered after a restart beside a fresh-URL flood >= 95 % "
        f"({flood['cold_answered']:.0%})": flood["cold_answered"] >= 0.95,
    }
    del cold_sql
    if speech is not None:
        checks["outcome first replies <= 60 words"] = speech["max_outcome_words"] <= 60
    if number is not None:
        checks[f"the emergency number heard within 5 s of naming a red flag "
               f"(max {number['max_s']:.1f} s)"] = number["max_s"] < 5 and not number["not_first"]
    print()
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
