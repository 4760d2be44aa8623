"""Deployment checks without an AWS account: the SAM template lints clean, transforms,
and creates as a stack in moto with least-privilege IAM; the Lambda package builds
reproducibly, stays small, and its handler answers a LaunchRequest against a moto table;
the skill manifest has what certification needs."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from aws_support import ROOT, TEMPLATE, fake_aws, load_template
from moto import mock_aws

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
MAX_ZIP_BYTES = 5 * 1024 * 1024
ALLOWED_TABLE_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:Query", "dynamodb:BatchWriteItem",
}
ALLOWED_LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}
ALLOWED_SECRET_ACTIONS = {"ssm:GetParameter"}
ALLOWED_KEY_ACTIONS = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
SECRET_PARAMETER = "/leg-pain-guide/user-key-secret"
CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"
CLIENT_SECRET_PARAMETER = "/leg-pain-guide/alexa-client-secret"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
FUNCTIONS = ("SkillFunction", "AlertSenderFunction")
# moto does not model CloudWatch alarms inside stacks; the alarms are checked in the JSON.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS.*CloudWatch.*Alarm")


# --- template: lint and transform ----------------------------------------------------


# cfn-lint's runtime-deprecation rules read today's date (python3.13 is deprecated from
# 2029-06-30), so they would fail this suite on a later date for no change of ours. The
# runtime is pinned on purpose (the tests and the package target it); moving it is a
# planned change, not a lint finding.
DATE_DRIVEN_RULES = "E2531,E2533,W2531"


def test_cfn_lint_reports_nothing():
    result = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--ignore-checks",
                             DATE_DRIVEN_RULES, "--", str(TEMPLATE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


class NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs; we use none, so no IAM call."""

    def load(self) -> dict[str, str]:
        return {}


def transformed(code_uri: Any = None) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = load_template()
    for name in FUNCTIONS:  # one package for both
        template["Resources"][name]["Properties"]["CodeUri"] = code_uri or {
            "Bucket": "code-bucket", "Key": "lambda.zip"}
    return transform(template, {}, NoManagedPolicies())  # type: ignore[no-any-return]


@pytest.fixture
def cfn(monkeypatch) -> dict[str, Any]:
    fake_aws(monkeypatch)  # the translator resolves AWS::Region from the environment
    return transformed()


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_the_sam_template_uses_the_current_arm64_runtime_under_alexas_timeout(cfn):
    assert set(resources_of(cfn, "AWS::Lambda::Function")) == set(FUNCTIONS)
    props = cfn["Resources"]["SkillFunction"]["Properties"]
    assert props["Runtime"] == "python3.13" and props["Architectures"] == ["arm64"]
    assert props["Handler"] == "lambda_function.handler"
    assert props["Timeout"] < 8  # Alexa waits 8 s
    assert props["LoggingConfig"]["LogGroup"] == {"Ref": "FunctionLogGroup"}
    env = props["Environment"]["Variables"]
    assert env["TABLE_NAME"] == {"Ref": "Table"} and env["SKILL_ID"] == {"Ref": "SkillId"}
    raw = load_template()["Resources"]["SkillFunction"]["Properties"]
    assert raw["CodeUri"] == "../dist/lambda.zip"  # what `make package` writes
    assert (TEMPLATE.parent / raw["CodeUri"]).resolve() == ROOT / "dist" / "lambda.zip"


def test_the_alexa_permission_is_bound_to_the_skill_id(cfn):
    (perm,) = resources_of(cfn, "AWS::Lambda::Permission").values()
    props = perm["Properties"]
    assert props["Principal"] == "alexa-appkit.amazon.com"
    assert props["Action"] == "lambda:InvokeFunction"
    assert props["EventSourceToken"] == {"Ref": "SkillId"}  # no other skill may invoke


def test_the_table_is_encrypted_recoverable_retained_and_expires_items(cfn):
    table = cfn["Resources"]["Table"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    # Always encrypted; with KmsKeyArn, under the customer's own key.
    assert props["SSESpecification"] == {"Fn::If": [
        "HasKmsKey",
        {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": "KmsKeyArn"}},
        {"SSEEnabled": True}]}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_alarms_watch_errors_throttles_and_near_timeout_durations(cfn):
    alarms = {a["Properties"]["MetricName"]: a["Properties"]
              for a in resources_of(cfn, "AWS::CloudWatch::Alarm").values()
              if a["Properties"].get("Namespace") == "AWS/Lambda"}
    assert set(alarms) == {"Errors", "Throttles", "Duration"}
    for props in alarms.values():
        assert props["Namespace"] == "AWS/Lambda"
        assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SkillFunction"}}]
        assert props["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarms["Errors"]["Threshold"] == 0 and alarms["Throttles"]["Threshold"] == 0
    assert alarms["Duration"]["Statistic"] == "Maximum"
    assert alarms["Duration"]["Threshold"] == 6000


def test_log_group_has_a_retention(cfn):
    groups = resources_of(cfn, "AWS::Logs::LogGroup")
    assert set(groups) == {"FunctionLogGroup", "AlertSenderLogGroup"}
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert cfn["Parameters"]["LogRetentionDays"]["Default"] == 30


def test_skill_id_parameter_accepts_only_skill_ids(cfn):
    pattern = cfn["Parameters"]["SkillId"]["AllowedPattern"]
    assert re.fullmatch(pattern, SKILL_ID)
    for bad in ["", "amzn1.ask.skill.", "amzn1.echo-sdk-ams.app.x", f"{SKILL_ID} ", "*"]:
        assert not re.fullmatch(pattern, bad), bad


def test_outputs_give_the_function_arn_and_table_name(cfn):
    assert cfn["Outputs"]["FunctionArn"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}
    assert cfn["Outputs"]["TableName"]["Value"] == {"Ref": "Table"}


def test_the_user_key_secret_is_an_ssm_parameter_or_a_noecho_value_and_one_is_required(cfn):
    params = cfn["Parameters"]
    assert params["UserKeySecret"]["NoEcho"] is True and params["UserKeySecret"]["Default"] == ""
    assert re.fullmatch(params["UserKeySecretParameter"]["AllowedPattern"], SECRET_PARAMETER)
    assert not re.fullmatch(params["UserKeySecretParameter"]["AllowedPattern"], "no-slash")
    env = cfn["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    assert env["USER_KEY_SECRET_PARAMETER"] == {"Fn::If": [
        "HasSecretParameter", {"Ref": "UserKeySecretParameter"}, {"Ref": "AWS::NoValue"}]}
    assert env["USER_KEY_SECRET"] == {"Fn::If": [
        "HasSecret", {"Ref": "UserKeySecret"}, {"Ref": "AWS::NoValue"}]}
    (assertion,) = load_template()["Rules"]["UserKeySecretIsGiven"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Or": [
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "UserKeySecretParameter"}, ""]}]},
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "UserKeySecret"}, ""]}]}]}


def test_the_alexa_client_secret_is_an_ssm_parameter_read_at_run_time(cfn):
    """The Login with Amazon client secret never sits in the template or the
    function's configuration: only the SSM parameter's name, and the right to read it."""
    params = cfn["Parameters"]
    assert re.fullmatch(params["AlexaClientSecretParameter"]["AllowedPattern"],
                        CLIENT_SECRET_PARAMETER)
    assert re.fullmatch(params["AlexaClientId"]["AllowedPattern"], CLIENT_ID)
    for bad in ["no-slash", "*"]:
        assert not re.fullmatch(params["AlexaClientSecretParameter"]["AllowedPattern"], bad)
    assert not [p for p in params if "ClientSecret" in p and p != "AlexaClientSecretParameter"]
    assert params["AlexaEventsStage"]["AllowedValues"] == ["development", "live"]
    env = cfn["Resources"]["AlertSenderFunction"]["Properties"]["Environment"]["Variables"]
    assert env["ALEXA_CLIENT_SECRET_PARAMETER"] == {"Fn::If": [
        "HasClientSecretParameter", {"Ref": "AlexaClientSecretParameter"},
        {"Ref": "AWS::NoValue"}]}
    assert "ALEXA_CLIENT_SECRET" not in env
    assert env["ALEXA_EVENTS_STAGE"] == {"Ref": "AlexaEventsStage"}
    readers = [(role, st) for role, st in _statements(cfn)
               if "AlexaClientSecretParameter" in json.dumps(st)]
    ((role, statement),) = readers
    assert role == "AlertSenderRole", "only the sender may read the client secret"
    assert statement["Action"] == "ssm:GetParameter"
    skill_env = cfn["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    assert not [name for name in skill_env if name.startswith(("ALEXA_", "LWA_"))]
    assert skill_env["ALERT_SENDER"] == "stream", "the skill function makes no push"
    (assertion,) = load_template()["Rules"]["AlexaClientIsWhole"]["Assertions"]
    assert "AlexaClientId" in json.dumps(assertion) and "AlexaClientSecretParameter" in (
        json.dumps(assertion))


def test_alert_failures_raise_an_alarm(cfn):
    """Every alert that could not be queued or pushed is counted (skill.metrics) in either
    function's log group, and the count raises an alarm."""
    from skill.metrics import Metric

    alarm = _alarm(cfn, "AlertFailureAlarm")
    for metric, group in [("AlertFailureMetric", "FunctionLogGroup"),
                          ("AlertSenderFailureMetric", "AlertSenderLogGroup")]:
        props = cfn["Resources"][metric]["Properties"]
        assert props["LogGroupName"] == {"Ref": group}
        assert props["FilterPattern"] == f'{{ $.metric = "{Metric.ALERT_FAILURES}" }}'
        (transform,) = props["MetricTransformations"]
        assert (alarm["Namespace"], alarm["MetricName"]) == (
            transform["MetricNamespace"], transform["MetricName"])
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    for module in ("alert_flow", "alert_sender"):
        source = (ROOT / "skill" / "alexa" / f"{module}.py").read_text()
        assert '"%s: ' in source and not re.search(r'logger\.warning\(\s*"%s: ', source), (
            f"{module}: an alert failure logged past the counter")


def test_an_optional_customer_managed_key_encrypts_the_table_and_the_log_group(cfn):
    assert cfn["Parameters"]["KmsKeyArn"]["Default"] == ""
    assert re.fullmatch(cfn["Parameters"]["KmsKeyArn"]["AllowedPattern"], KEY_ARN)
    group = cfn["Resources"]["FunctionLogGroup"]["Properties"]
    assert group["KmsKeyId"] == {"Fn::If": [
        "HasKmsKey", {"Ref": "KmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
    sender_group = cfn["Resources"]["AlertSenderLogGroup"]["Properties"]
    assert sender_group["KmsKeyId"] == group["KmsKeyId"]
    queue = cfn["Resources"]["AlertDeadLetterQueue"]["Properties"]
    assert queue["KmsMasterKeyId"] == group["KmsKeyId"]
    key_statements = {role: st for role, st in _statements(cfn)
                      if set(_as_list(st["Action"])) <= ALLOWED_KEY_ACTIONS}
    assert set(key_statements) == {"FunctionRole", "AlertSenderRole"}
    assert key_statements["FunctionRole"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"},
        {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}]
    assert key_statements["AlertSenderRole"]["Condition"]["StringEquals"][
        "kms:ViaService"] == [{"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"},
                              {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"},
                              {"Fn::Sub": "sqs.${AWS::Region}.amazonaws.com"}]


def test_reserved_concurrency_is_a_parameter(cfn):
    param = cfn["Parameters"]["ReservedConcurrency"]
    assert param["Default"] == 0 and param["MinValue"] == 0  # 0 = no reservation
    props = cfn["Resources"]["SkillFunction"]["Properties"]
    assert props["ReservedConcurrentExecutions"] == {"Fn::If": [
        "HasReservedConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}]}


def _alarm(cfn: dict[str, Any], name: str) -> dict[str, Any]:
    return cfn["Resources"][name]["Properties"]  # type: ignore[no-any-return]


def test_alarms_watch_the_tables_throttles_and_system_errors(cfn):
    throttles = _alarm(cfn, "TableThrottlesAlarm")
    watched = {m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"]["Metric"]
               for m in throttles["Metrics"] if "MetricStat" in m}
    assert set(watched) == {"ReadThrottleEvents", "WriteThrottleEvents"}
    for metric in watched.values():
        assert metric["Namespace"] == "AWS/DynamoDB"
        assert metric["Dimensions"] == [{"Name": "TableName", "Value": {"Ref": "Table"}}]
    errors = _alarm(cfn, "TableSystemErrorsAlarm")
    operations = set()
    for m in errors["Metrics"]:
        if "MetricStat" in m:
            metric = m["MetricStat"]["Metric"]
            assert metric["MetricName"] == "SystemErrors"
            dims = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
            assert dims["TableName"] == {"Ref": "Table"}
            operations.add(f"dynamodb:{dims['Operation']}")
            assert m["Id"] in errors["Metrics"][-1]["Expression"], "every one is summed"
    assert operations == _dynamodb_calls(), "SystemErrors of every call the code makes"
    for alarm in (throttles, errors):
        (returned,) = [m for m in alarm["Metrics"] if m.get("ReturnData")]
        assert "Expression" in returned
        assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["AlarmActions"] == NOTIFIED


NOTIFIED = [{"Fn::If": ["HasAlarmTopic", {"Ref": "AlarmTopicArn"}, {"Ref": "AlarmTopic"}]}]


def test_every_alarm_notifies_a_topic_created_when_none_is_given(cfn):
    alarms = {name: r["Properties"] for name, r in cfn["Resources"].items()
              if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert len(alarms) >= 9
    for name, props in alarms.items():
        assert props.get("AlarmActions") == NOTIFIED, name
    topic = cfn["Resources"]["AlarmTopic"]
    assert topic["Type"] == "AWS::SNS::Topic" and topic["Condition"] == "CreateAlarmTopic"
    assert cfn["Conditions"]["CreateAlarmTopic"] == {"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}
    assert cfn["Parameters"]["AlarmTopicArn"]["Default"] == ""


def test_bug_apologies_are_counted_and_alarmed(cfn):
    from skill.metrics import Metric

    metric = cfn["Resources"]["BugApologyMetric"]["Properties"]
    assert metric["FilterPattern"] == f'{{ $.metric = "{Metric.BUG_APOLOGIES}" }}'
    (transform,) = metric["MetricTransformations"]
    assert transform["MetricName"] == Metric.BUG_APOLOGIES
    alarm = _alarm(cfn, "BugApologyAlarm")
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        transform["MetricNamespace"], transform["MetricName"])
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_wrong_share_codes_across_all_accounts_raise_an_alarm(cfn):

    from skill.metrics import Metric

    props = cfn["Resources"]["WrongShareCodeMetric"]["Properties"]
    assert props["LogGroupName"] == {"Ref": "FunctionLogGroup"}
    assert props["FilterPattern"] == f'{{ $.metric = "{Metric.WRONG_SHARE_CODES}" }}'
    assert "metrics.count(logger, metrics.Metric.WRONG_SHARE_CODES, WRONG_GUESS_LOG)" in (
        (ROOT / "skill" / "checkins" / "sharing.py").read_text())
    (transform,) = props["MetricTransformations"]
    alarm = _alarm(cfn, "WrongShareCodeAlarm")
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        transform["MetricNamespace"], transform["MetricName"])
    assert alarm["Threshold"] == {"Ref": "WrongShareCodeAlarmThreshold"}
    assert alarm["Statistic"] == "Sum" and alarm["Period"] == 300


# --- least privilege -----------------------------------------------------------------


def _branches(value: Any) -> list[Any]:
    """Both outcomes of an Fn::If (a policy present only with a parameter), else the value."""
    if isinstance(value, dict) and "Fn::If" in value:
        return [v for v in value["Fn::If"][1:] if v != {"Ref": "AWS::NoValue"}]
    return [value]


def _statements(cfn: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, res in cfn["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::IAM::Role":
            assert not props.get("ManagedPolicyArns"), f"{name}: managed policies grant too much"
            for entry in props.get("Policies", []):
                for policy in _branches(entry):
                    for st in policy["PolicyDocument"]["Statement"]:
                        yield name, st
        elif res["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
            for st in props["PolicyDocument"]["Statement"]:
                yield name, st


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcards(value: Any) -> list[str]:
    """Every literal string inside a value (including inside Fn::Sub/Join) holding a '*'."""
    if isinstance(value, str):
        return [value] if "*" in value else []
    if isinstance(value, dict):
        return [w for v in value.values() for w in _wildcards(v)]
    if isinstance(value, list):
        return [w for v in value for w in _wildcards(v)]
    return []


def test_no_iam_statement_uses_a_wildcard(cfn):
    statements = list(_statements(cfn))
    assert statements, "the role must carry inline policies"
    for name, st in statements:
        assert st["Effect"] == "Allow"
        assert "NotAction" not in st and "NotResource" not in st
        assert _wildcards(st["Action"]) == [], f"{name}: wildcard action {st['Action']}"
        assert _wildcards(st["Resource"]) == [], f"{name}: wildcard resource {st['Resource']}"


ROLES = {"SkillFunction": ("FunctionRole", "FunctionLogGroup"),
         "AlertSenderFunction": ("AlertSenderRole", "AlertSenderLogGroup")}
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                  "dynamodb:ListStreams"}
# The sender reads an alert, marks it (conditional PutItem), deletes one whose link is
# gone, and re-checks the link (GetItem, Query): no batch writes, no updates.
SENDER_TABLE_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
                        "dynamodb:Query"}


def test_each_role_may_touch_only_its_table_its_log_group_and_its_secrets(cfn):
    assert set(resources_of(cfn, "AWS::IAM::Role")) == {r for r, _ in ROLES.values()}
    for fn, (role_name, _) in ROLES.items():
        role = cfn["Resources"][role_name]
        assert cfn["Resources"][fn]["Properties"]["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}
        trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert [s["Principal"] for s in trust] == [{"Service": "lambda.amazonaws.com"}]
    secrets = {"FunctionRole": "UserKeySecretParameter",
               "AlertSenderRole": "AlexaClientSecretParameter"}
    for role_name, st in _statements(cfn):
        group = next(g for r, g in ROLES.values() if r == role_name)
        actions = set(_as_list(st["Action"]))
        if actions <= ALLOWED_TABLE_ACTIONS:
            assert _as_list(st["Resource"]) == [{"Fn::GetAtt": ["Table", "Arn"]}]
            if role_name == "AlertSenderRole":
                assert actions == SENDER_TABLE_ACTIONS
        elif actions <= STREAM_ACTIONS:  # the table's own stream, the sender only
            assert role_name == "AlertSenderRole"
            assert _as_list(st["Resource"]) == [{"Fn::GetAtt": ["Table", "StreamArn"]}]
        elif actions == {"sqs:SendMessage"}:  # the stream's on-failure destination
            assert role_name == "AlertSenderRole"
            assert _as_list(st["Resource"]) == [{"Fn::GetAtt": ["AlertDeadLetterQueue", "Arn"]}]
        elif actions <= ALLOWED_SECRET_ACTIONS:  # one parameter each, by its full ARN
            assert _as_list(st["Resource"]) == [
                {"Fn::Sub": "arn:${AWS::Partition}:ssm:"
                 f"${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{secrets[role_name]}}}"}]
        elif actions <= ALLOWED_KEY_ACTIONS:  # the one key, and only through the services
            assert _as_list(st["Resource"]) == [{"Ref": "KmsKeyArn"}]
            assert set(st["Condition"]["StringEquals"]) == {"kms:ViaService"}
        else:
            assert actions <= ALLOWED_LOG_ACTIONS, actions
            # A log group's Arn attribute is "...:log-group:<name>:*": its own streams only.
            assert _as_list(st["Resource"]) == [{"Fn::GetAtt": [group, "Arn"]}]


def test_the_stream_hands_only_new_alerts_to_the_sender_with_retries_and_a_dead_letter_queue(
        cfn):
    from skill.alexa import alert_sender
    from skill.checkins import alerts

    table = cfn["Resources"]["Table"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    (mapping,) = resources_of(cfn, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["FunctionName"] == {"Ref": "AlertSenderFunction"}
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    (only,) = props["FilterCriteria"]["Filters"]
    assert json.loads(only["Pattern"]) == {
        "eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": alerts.PREFIX}]}}}}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["MaximumRecordAgeInSeconds"] == alert_sender.MAX_AGE_S
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["AlertDeadLetterQueue", "Arn"]}
    queue = cfn["Resources"]["AlertDeadLetterQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] == {"Fn::If": [
        "HasKmsKey", {"Ref": "AWS::NoValue"}, True]}, "encrypted either way"
    alarm = _alarm(cfn, "AlertDeadLetterAlarm")
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {
        "Fn::GetAtt": ["AlertDeadLetterQueue", "QueueName"]}}]
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    sender = cfn["Resources"]["AlertSenderFunction"]["Properties"]
    assert sender["Handler"] == "alert_sender.handler"
    assert (ROOT / "lambda" / "alert_sender.py").is_file()
    assert sender["Timeout"] > alert_sender.CALL_S * alert_sender.ATTEMPTS


def _dynamodb_calls() -> set[str]:
    """The DynamoDB operations skill/store/dynamodb.py calls, as IAM action names."""
    source = (ROOT / "skill" / "store" / "dynamodb.py").read_text()
    calls = set(re.findall(r'_call\(\s*"(\w+)"', source))
    return {"dynamodb:" + "".join(part.title() for part in op.split("_")) for op in calls}


def test_the_table_actions_are_exactly_the_calls_the_code_makes(cfn):
    """Nothing granted that the code never calls (ConditionCheckItem is gone)."""
    granted = {a for _, st in _statements(cfn) for a in _as_list(st["Action"])
               if a.startswith("dynamodb:")}
    assert _dynamodb_calls() == ALLOWED_TABLE_ACTIONS
    assert granted == ALLOWED_TABLE_ACTIONS | STREAM_ACTIONS


# --- the stack in moto ---------------------------------------------------------------


def tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("lambda_function.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def make_stack(monkeypatch, **parameters: str) -> Iterator[dict[str, Any]]:
    """The transformed template created as a CloudFormation stack in moto. The code comes
    from a moto S3 bucket (a stub zip: this checks wiring, not the package)."""
    fake_aws(monkeypatch)
    with mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code-bucket")
        s3.put_object(Bucket="code-bucket", Key="lambda.zip", Body=tiny_zip())
        cf = boto3.client("cloudformation", region_name="us-east-1")
        given = {"SkillId": SKILL_ID, "UserKeySecretParameter": SECRET_PARAMETER, **parameters}
        cf.create_stack(
            StackName="leg-pain-guide", TemplateBody=json.dumps(transformed()),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()],
            Capabilities=["CAPABILITY_IAM"])
        summaries = cf.list_stack_resources(StackName="leg-pain-guide")["StackResourceSummaries"]
        physical = {s["LogicalResourceId"]: s["PhysicalResourceId"] for s in summaries}
        outputs = {o["OutputKey"]: o["OutputValue"]
                   for o in cf.describe_stacks(StackName="leg-pain-guide")["Stacks"][0]["Outputs"]}
        yield {"physical": physical, "outputs": outputs, "boto3": boto3}


@pytest.fixture
def stack(monkeypatch) -> Iterator[dict[str, Any]]:
    # moto drops a policy left out with AWS::NoValue badly, so the optional ones are on.
    yield from make_stack(monkeypatch, KmsKeyArn=KEY_ARN, ReservedConcurrency="5",
                          AlexaClientId=CLIENT_ID,
                          AlexaClientSecretParameter=CLIENT_SECRET_PARAMETER)


def test_the_stack_creates_the_table_with_the_key_schema(stack):
    ddb = stack["boto3"].client("dynamodb", region_name="us-east-1")
    table = ddb.describe_table(TableName=stack["outputs"]["TableName"])["Table"]
    props = load_template()["Resources"]["Table"]["Properties"]
    assert table["KeySchema"] == props["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        props["AttributeDefinitions"], key=lambda a: a["AttributeName"])
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert stack["physical"]["Table"] == stack["outputs"]["TableName"]


def test_the_stack_creates_the_function_wired_to_table_and_skill(stack):
    lam = stack["boto3"].client("lambda", region_name="us-east-1")
    arn = stack["outputs"]["FunctionArn"]
    config = lam.get_function_configuration(FunctionName=arn)
    env = config["Environment"]["Variables"]
    assert env["TABLE_NAME"] == stack["outputs"]["TableName"]
    assert env["SKILL_ID"] == SKILL_ID
    assert env["USER_KEY_SECRET_PARAMETER"] == SECRET_PARAMETER
    assert "USER_KEY_SECRET" not in env, "the parameter's name, never a value"
    assert not [name for name in env if name.startswith("ALEXA_")], "the sender's, not the skill's"
    assert env["ALERT_SENDER"] == "stream"
    concurrency = lam.get_function_concurrency(FunctionName=arn)
    assert concurrency["ReservedConcurrentExecutions"] == 5
    assert config["Runtime"] == "python3.13" and config["Timeout"] == 7
    assert config["Role"].endswith(f"role/{stack['physical']['FunctionRole']}")
    policy = json.loads(lam.get_policy(FunctionName=arn)["Policy"])
    principals = [s["Principal"] for s in policy["Statement"]]
    assert principals == ["alexa-appkit.amazon.com"]
    assert all(s["Action"] == "lambda:InvokeFunction" for s in policy["Statement"])


def test_the_stack_creates_the_sender_wired_to_the_stream_and_its_secret(stack):
    lam = stack["boto3"].client("lambda", region_name="us-east-1")
    ddb = stack["boto3"].client("dynamodb", region_name="us-east-1")
    name = stack["physical"]["AlertSenderFunction"]
    config = lam.get_function_configuration(FunctionName=name)
    env = config["Environment"]["Variables"]
    assert env["TABLE_NAME"] == stack["outputs"]["TableName"]
    assert env["ALEXA_CLIENT_ID"] == CLIENT_ID
    assert env["ALEXA_CLIENT_SECRET_PARAMETER"] == CLIENT_SECRET_PARAMETER
    assert "ALEXA_CLIENT_SECRET" not in env, "the client secret is read at run time"
    assert env["ALEXA_EVENTS_STAGE"] == "development"
    assert config["Handler"] == "alert_sender.handler"
    assert config["Role"].endswith(f"role/{stack['physical']['AlertSenderRole']}")
    table = ddb.describe_table(TableName=stack["outputs"]["TableName"])["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    (mapping,) = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert mapping["EventSourceArn"] == table["LatestStreamArn"]


def test_the_stack_role_names_only_the_table_log_group_secret_and_key(stack):
    iam = stack["boto3"].client("iam", region_name="us-east-1")
    ddb = stack["boto3"].client("dynamodb", region_name="us-east-1")
    logs = stack["boto3"].client("logs", region_name="us-east-1")
    table_arn = ddb.describe_table(TableName=stack["outputs"]["TableName"])["Table"]["TableArn"]
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    group = groups["/aws/lambda/leg-pain-guide-skill"]
    assert {g["retentionInDays"] for g in groups.values()} == {30}
    role = stack["physical"]["FunctionRole"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    resources: dict[str, set[str]] = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(doc, str):  # moto keeps a CloudFormation-made policy as a dict's repr
            doc = ast.literal_eval(unquote(doc))
        for st in doc["Statement"]:
            for action in _as_list(st["Action"]):
                resources.setdefault(action.split(":")[0], set()).update(_as_list(st["Resource"]))
    assert resources["dynamodb"] == {table_arn}
    assert {r.removesuffix(":*") for r in resources["logs"]} == {
        group["arn"].removesuffix(":*")}
    assert resources["ssm"] == {
        f"arn:aws:ssm:us-east-1:123456789012:parameter{SECRET_PARAMETER}"}, (
        "the user-key secret only: the Alexa client secret is the sender's")
    assert resources["kms"] == {KEY_ARN}
    assert set(resources) == {"dynamodb", "logs", "ssm", "kms"}


# --- the Lambda package --------------------------------------------------------------


def _build(tmp: Path) -> Path:
    out = tmp / "lambda.zip"
    # The build fetches wheels over TLS, whose certificates are checked against the real
    # date: a suite run under faketime (the date checks) builds on the real clock.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    subprocess.run([sys.executable, str(ROOT / "infra" / "build_package.py"), "--out", str(out),
                    "--build-dir", str(tmp / "build")], check=True, capture_output=True, env=env)
    return out


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """A fresh build of the current sources (needs PyPI for the dependency wheels)."""
    return _build(tmp_path_factory.mktemp("pkg"))


@pytest.mark.e2e
def test_the_package_is_small(package):
    size = package.stat().st_size
    assert size <= MAX_ZIP_BYTES, f"{size:,} bytes"


@pytest.mark.e2e
def test_the_package_holds_the_handler_the_skill_and_its_data(package):
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
    assert "lambda_function.py" in names and "alert_sender.py" in names
    for required in ["skill/__init__.py", "skill/alexa/entry.py", "skill/store/dynamodb.py",
                     "skill/triage/protocol.json", "skill/content/en.json",
                     "ask_sdk_core/__init__.py", "ask_sdk_model/__init__.py",
                     "dateutil/__init__.py", "urllib3/__init__.py", "certifi/cacert.pem",
                     "six.py"]:
        assert required in names, required
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "skill").rglob("*")
               if p.suffix in {".py", ".json"} and "__pycache__" not in p.parts}
    for_lambda = {s for s in sources if not s.startswith(("skill/console/", "skill/web/"))}
    assert for_lambda <= set(names), for_lambda - set(names)
    # Lambda never imports the console or the web endpoint: they are not shipped.
    assert not [n for n in names if n.startswith(("skill/console/", "skill/web/"))]
    tops = {n.split("/")[0] for n in names}
    for banned in ["boto3", "botocore", "s3transfer", "flask", "waitress", "cryptography",
                   "moto", "pytest", "lambda", "requests", "charset_normalizer", "idna"]:
        assert not any(t.split("-")[0].lower() == banned for t in tops), banned
    # Bytecode only for the runtime's Python, each file beside its source (when the build
    # found a Python 3.13: infra/build_package.py).
    for name in (n for n in names if n.endswith((".pyc", ".pyo"))):
        folder, _, file = f"/{name}".rpartition("/__pycache__/")
        assert file.endswith(".cpython-313.pyc"), name
        assert f"{folder}/{file.split('.')[0]}.py".lstrip("/") in names, name
    assert names == sorted(names)


@pytest.mark.e2e
def test_the_build_reads_the_functions_runtime_and_architecture_from_the_template():
    sys.path.insert(0, str(ROOT / "infra"))
    try:
        import build_package
    finally:
        sys.path.remove(str(ROOT / "infra"))
    raw = load_template()["Resources"]["SkillFunction"]["Properties"]
    version, platform = build_package.function_target()
    assert f"python{version}" == raw["Runtime"]
    assert build_package.PLATFORMS[raw["Architectures"][0]] == platform


@pytest.mark.e2e
def test_the_package_ships_bytecode_for_the_runtimes_python_when_one_is_found(package):
    sys.path.insert(0, str(ROOT / "infra"))
    try:
        import build_package
    finally:
        sys.path.remove(str(ROOT / "infra"))
    if build_package.bytecode_python("3.13") is None:
        pytest.skip("no Python 3.13 here: the build ships sources only (and says so)")
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
    for module in ["lambda_function", "alert_sender", "skill/alexa/entry", "skill/store/dynamodb",
                   "ask_sdk_core/skill"]:
        folder, _, stem = module.rpartition("/")
        pyc = f"{folder + '/' if folder else ''}__pycache__/{stem}.cpython-313.pyc"
        assert pyc in names, pyc


@pytest.mark.e2e
def test_the_package_targets_lambda_arm64_python_313(package):
    with zipfile.ZipFile(package) as zf:
        native = [n for n in zf.namelist() if n.endswith(".so")]
        infos = zf.infolist()
    assert all("cpython-313-aarch64-linux-gnu" in n for n in native), native
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.e2e
def test_the_package_builds_reproducibly(package, tmp_path):
    again = _build(tmp_path)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(
        package.read_bytes()).hexdigest()


@pytest.mark.e2e
def test_a_check_in_through_the_packaged_handler_lands_in_the_table(package, tmp_path):
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(unpacked)
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "packaged_launch.py"), str(unpacked)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # The code that ran is the packaged code, not the repository's.
    assert result["lambda_function"].startswith(str(unpacked))
    assert result["skill"].startswith(str(unpacked))
    response = result["response"]["response"]
    assert response["outputSpeech"]["type"] == "SSML"
    assert "leg" in response["outputSpeech"]["ssml"].lower()
    assert "couldn't understand" not in response["outputSpeech"]["ssml"]
    (profile,) = [i for i in result["items"] if i["sk"] == "PROFILE"]
    assert profile["pk"].startswith("USER#") and "PACKAGED" not in profile["pk"]  # hashed id
    assert json.loads(profile["data"])["consent"] is True
    # The check-in driven through the packaged handler landed in the moto table.
    assert "first check-in" in result["check_in"][-1]
    (checkin,) = [i for i in result["items"] if i["sk"].startswith("CHECKIN#self#")]
    assert checkin["pk"] == profile["pk"]
    assert json.loads(checkin["data"])["pain"] == 4


# --- the skill package (ASK CLI) -----------------------------------------------------

LOCALES = {"en-US": "911", "en-GB": "999", "en-CA": "911", "en-AU": "000", "en-IN": "112"}
DISCLAIMER = ("This skill is for educational purposes only and is not a substitute for "
              "professional medical advice, diagnosis or treatment.")


@pytest.fixture
def manifest() -> dict[str, Any]:
    return json.loads((ROOT / "interaction_model" / "skill.json").read_text())["manifest"]


def test_manifest_publishing_information(manifest):
    assert manifest["manifestVersion"] == "1.0"
    pub = manifest["publishingInformation"]
    assert pub["category"] == "HEALTH_AND_FITNESS"
    assert pub["testingInstructions"].strip()
    assert set(pub["locales"]) == set(LOCALES)
    for locale, number in LOCALES.items():
        info = pub["locales"][locale]
        assert info["name"] == "Leg Pain Guide"
        assert info["summary"].strip() and len(info["summary"]) <= 160
        assert DISCLAIMER in info["description"]
        assert (f"In an emergency, call your local emergency number ({number}"
                in info["description"]), locale
        assert len(info["description"]) <= 4000
        phrases = info["examplePhrases"]
        assert 1 <= len(phrases) <= 3
        assert phrases[0].startswith("Alexa, open leg pain guide")
        assert info["keywords"] and all(isinstance(k, str) for k in info["keywords"])
        # No claim to save lives or replace emergency services (certification policy).
        text = " ".join([info["name"], info["summary"], info["description"]]).lower()
        for claim in ["life-saving", "lifesaving", "save your life", "calls 911",
                      "will call"]:
            assert claim not in text, (locale, claim)


def test_manifest_endpoint_interfaces_permissions_and_events(manifest):
    custom = manifest["apis"]["custom"]
    arn = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$")
    assert arn.match(custom["endpoint"]["uri"])
    assert set(custom["regions"]) == {"NA", "EU", "FE"}
    assert all(arn.match(r["endpoint"]["uri"]) for r in custom["regions"].values())
    assert {"type": "ALEXA_PRESENTATION_APL"} in [
        {"type": i["type"]} for i in custom["interfaces"]]
    # Per-voice profiles: Alexa sends context.System.person only with person_id:read.
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"},
                                       {"name": "alexa::devices:all:notifications:write"},
                                       {"name": "alexa::person_id:read"}]
    events = manifest["events"]
    assert arn.match(events["endpoint"]["uri"])
    names = {s["eventName"] for s in events["subscriptions"]}
    assert {"SKILL_DISABLED", "SKILL_PERMISSION_ACCEPTED", "SKILL_PERMISSION_CHANGED",
            "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED"} <= names
    # Caregiver alerts: the one schema the skill publishes.
    assert events["publications"] == [{"eventName": "AMAZON.MessageAlert.Activated"}]


def test_manifest_privacy_and_compliance(manifest):
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is True
    assert privacy["allowsPurchases"] is False
    assert privacy["isChildDirected"] is False
    assert privacy["isExportCompliant"] is True
    assert privacy["containsAds"] is False
    assert set(privacy["locales"]) == set(LOCALES)
    for urls in privacy["locales"].values():
        assert urls["privacyPolicyUrl"].startswith("https://")
        assert urls["termsOfUseUrl"].startswith("https://")


def test_ask_resources_deploy_only_the_skill_package():
    """`ask deploy` uploads interaction_model/ (manifest + models). Code and infrastructure
    are deployed by SAM, so no ASK deployer may create a second, differently built function."""
    resources = json.loads((ROOT / "ask-resources.json").read_text())
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    profile = resources["profiles"]["default"]
    skill_src = ROOT / profile["skillMetadata"]["src"]
    assert (skill_src / "skill.json").is_file()
    assert (skill_src / "interactionModels" / "custom").is_dir()
    assert "code" not in profile and "skillInfrastructure" not in profile


def test_manifest_endpoints_are_one_placeholder_for_the_functionarn_output(manifest):
    """README, Deploy: replace it with the stack's FunctionArn before `ask deploy`."""
    assert "FunctionArn" in load_template()["Outputs"]
    custom = manifest["apis"]["custom"]
    uris = {custom["endpoint"]["uri"], manifest["events"]["endpoint"]["uri"],
            *(r["endpoint"]["uri"] for r in custom["regions"].values())}
    assert len(uris) == 1


def test_logs_are_json_at_the_configured_level_and_storage_failures_alarm(cfn):
    function = cfn["Resources"]["SkillFunction"]["Properties"]
    logging_config = function["LoggingConfig"]
    assert logging_config["LogFormat"] == "JSON"
    assert logging_config["ApplicationLogLevel"] == {"Ref": "LogLevel"}
    assert function["Environment"]["Variables"]["LOG_LEVEL"] == {"Ref": "LogLevel"}
    props = cfn["Resources"]["StorageFailureMetric"]["Properties"]
    assert props["LogGroupName"] == {"Ref": "FunctionLogGroup"}
    # The pattern matches the structured field every storage failure is logged with.
    assert props["FilterPattern"] == '{ $.metric = "StorageFailures" }'
    (transform,) = props["MetricTransformations"]
    assert transform["MetricName"] == "StorageFailures"
    alarm = next(a["Properties"] for a in resources_of(cfn, "AWS::CloudWatch::Alarm").values()
                 if a["Properties"].get("MetricName") == transform["MetricName"])
    assert alarm["Namespace"] == transform["MetricNamespace"]
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_every_metric_the_code_counts_has_a_filter_and_storage_failures_go_through_it(cfn):
    """Metrics are a structured field set by skill.metrics.count, never a message prefix:
    each name has a filter on it, and no storage failure is logged past the helper."""
    from skill.metrics import FIELD, Metric

    patterns = {r["Properties"]["FilterPattern"]
                for r in resources_of(cfn, "AWS::Logs::MetricFilter").values()}
    for metric in Metric:
        assert f'{{ $.{FIELD} = "{metric}" }}' in patterns, metric
    sources = "\n".join(p.read_text() for p in (ROOT / "skill").rglob("*.py"))
    assert len(re.findall(r"metrics\.count\(|STORAGE_FAILURES,", sources)) >= 15
    assert not re.search(r'"storage failure', sources)  # the old message prefix
    assert not re.search(r'logger\.\w+\(\s*"could not (?:load|save|read|delete)', sources)
