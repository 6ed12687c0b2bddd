"""The Pulumi CLI's config rules, applied offline by vmss-plan with the CLI's messages.

The rules come from pulumi/pulumi at 1b5949891b3cefcb9974752b24a5ecef0acc86c8:
sdk/go/common/workspace/project.json (schema), sdk/go/common/workspace/project.go
(``Project.Validate``) and pkg/workspace/config.go (``mergeConfig``,
``validateStackConfigValues``); see vmss_plan/config_rules.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from helpers import REPO, STACKS

from vmss_plan import load_project
from vmss_plan.cli import EXIT_CONFIGURATION, main
from vmss_plan.config_rules import (
    ConfigRuleError,
    apply_and_validate,
    format_missing,
    parse_declarations,
    validate_declarations,
    value_matches,
)
from vmss_plan.project import load_stack_config

#: Keys of the project schema's ConfigTypeDeclaration (additionalProperties: false).
SCHEMA_KEYS = {"type", "items", "description", "secret", "default", "value"}
SCHEMA_TYPES = {"string", "integer", "boolean", "array", "object"}


def test_pulumi_yaml_obeys_the_project_schema() -> None:
    document = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    config = document["config"]
    assert isinstance(config, dict)
    for key, spec in config.items():
        # Either a shorthand value or a declaration with only the schema's keys and types.
        if isinstance(spec, dict):
            assert set(spec) <= SCHEMA_KEYS, key
            assert spec.get("type", "string") in SCHEMA_TYPES, key
            assert isinstance(spec.get("secret", False), bool), key
            assert isinstance(spec.get("description", ""), str), key
            # A secret key's default would be applied as plaintext and refused by the CLI.
            assert not (spec.get("secret") and "default" in spec), key
        else:
            assert isinstance(spec, str | int | bool | list), key
    declarations = parse_declarations(document["name"], config, REPO / "Pulumi.yaml")
    validate_declarations(declarations, REPO / "Pulumi.yaml")


def test_generated_keys_are_not_declared_and_environment_is_required() -> None:
    project = load_project(REPO)
    assert "adminPassword" not in project.declarations
    assert "appPoolPassword" not in project.declarations
    assert [d.key for d in project.declarations.values() if d.required] == [
        "environment",
        "sshPublicKey",
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_every_committed_stack_passes_the_cli_rules(stack: str) -> None:
    project = load_project(REPO)
    config = load_stack_config(project, stack)
    assert config.values["vmss-components:environment"] == stack
    raw = yaml.safe_load(project.stack_file(stack).read_text())["config"]
    apply_and_validate(stack, project.declarations, raw)


def write_project(tmp_path: Path, config: str, stack: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: demo\nruntime: python\nmain: prog/\nconfig:\n" + textwrap.indent(config, "  ")
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n" + textwrap.indent(stack, "  "))
    (tmp_path / "prog").mkdir()
    (tmp_path / "prog" / "__main__.py").write_text("")
    return tmp_path


def rule_error(tmp_path: Path, config: str, stack: str = "") -> str:
    root = write_project(tmp_path, config, stack)
    with pytest.raises(ConfigRuleError) as caught:
        load_stack_config(load_project(root), "dev")
    return str(caught.value)


def test_a_missing_declared_key_is_refused_as_the_cli_does(tmp_path: Path) -> None:
    assert rule_error(tmp_path, "region:\n  type: string\n") == (
        "validating stack config: Stack 'dev' is missing configuration value 'region'"
    )


def test_all_missing_keys_are_named_in_one_message(tmp_path: Path) -> None:
    message = rule_error(tmp_path, "c: {type: string}\na: {type: string}\nb: {type: string}\n")
    assert message == (
        "validating stack config: Stack 'dev' is missing configuration values 'a', 'b' and 'c'"
    )
    assert format_missing(["b", "a"]) == "'a' and 'b'"


def test_a_secret_with_a_default_is_refused_as_the_cli_does(tmp_path: Path) -> None:
    message = rule_error(tmp_path, "password:\n  type: string\n  secret: true\n  default: x\n")
    assert message == (
        "validating stack config: Stack 'dev' with configuration key 'password' must be "
        "encrypted as it's secret"
    )


def test_a_plaintext_value_for_a_secret_key_is_refused(tmp_path: Path) -> None:
    message = rule_error(
        tmp_path, "password: {type: string, secret: true}\n", "demo:password: hunter2\n"
    )
    assert message.endswith("with configuration key 'password' must be encrypted as it's secret")
    assert "hunter2" not in message


def test_an_encrypted_value_for_a_secret_key_passes(tmp_path: Path) -> None:
    root = write_project(
        tmp_path, "password: {type: string, secret: true}\n", "password:\n  secure: v1:AAAA\n"
    )
    config = load_stack_config(load_project(root), "dev")
    assert config.encrypted_keys == ("demo:password",)


@pytest.mark.parametrize(
    ("declaration", "value", "type_name"),
    [
        ("{type: integer}", "ninety", "integer"),
        ("{type: integer}", "'1.5'", "integer"),
        ("{type: integer}", "' 1'", "integer"),
        ("{type: boolean}", "'yes'", "boolean"),
        ("{type: array, items: {type: string}}", "[1, 2]", "array<string>"),
        ("{type: object}", "[a]", "object"),
        ("{type: string}", "{a: 1}", "string"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    tmp_path: Path, declaration: str, value: str, type_name: str
) -> None:
    message = rule_error(tmp_path, f"count: {declaration}\n", f"demo:count: {value}\n")
    assert message == (
        f"validating stack config: Stack 'dev' with configuration key 'count' must be of type "
        f"'{type_name}'"
    )


def test_scalars_are_text_as_the_cli_stores_them() -> None:
    # A YAML number is the text "30" to the CLI: fine for a string and an integer.
    assert value_matches("string", None, "30")
    assert value_matches("integer", None, "-30")
    assert value_matches("integer", None, 30)
    assert not value_matches("integer", None, "1_000")
    assert not value_matches("integer", None, True)
    assert value_matches("boolean", None, "true")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "a: {type: string, default: x, value: y}\n",
            "project config 'a' cannot have both a 'default' and 'value' attribute",
        ),
        (
            "a: {type: array}\n",
            "The configuration key 'a' declares an array but does not specify the underlying "
            "type via the 'items' attribute",
        ),
        (
            "a: {type: string, default: 10}\n",
            "The default value specified for configuration key 'a' is not of the expected "
            "type 'string'",
        ),
        (
            "aws:region: {type: string, value: x}\n",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a type",
        ),
        (
            "aws:region: {default: x}\n",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a default value. Did you mean to use the 'value' attribute instead of "
            "'default'?",
        ),
        (
            "aws:region: {description: where}\n",
            "Configuration key 'aws:region' is namespaced and must provide an attribute 'value'",
        ),
    ],
)
def test_project_file_rules_with_the_cli_messages(
    tmp_path: Path, config: str, message: str
) -> None:
    write_project(tmp_path, config)
    with pytest.raises(ConfigRuleError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == f"could not unmarshal '{tmp_path / 'Pulumi.yaml'}': {message}"


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ("a: {type: string, required: true}\n", "additionalProperties 'required' not allowed"),
        ("a: {type: number}\n", "#/config/a/type: value must be one of"),
    ],
)
def test_project_schema_violations_are_refused(tmp_path: Path, config: str, fragment: str) -> None:
    write_project(tmp_path, config)
    with pytest.raises(ConfigRuleError) as caught:
        load_project(tmp_path)
    assert str(caught.value).startswith(f"could not validate '{tmp_path / 'Pulumi.yaml'}': ")
    assert fragment in str(caught.value)


def test_defaults_and_other_namespace_values_reach_the_program(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "size: {type: integer, default: 3}\nazure-native:location: {value: westeurope}\n",
    )
    config = load_stack_config(load_project(root), "dev")
    assert config.values["demo:size"] == "3"
    assert config.values["azure-native:location"] == "westeurope"


def test_vmss_plan_fails_as_the_cli_does_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, "region: {type: string}\n")
    code = main(["dev", "--project-dir", str(root), "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_CONFIGURATION == 1
    assert err == (
        "vmss-plan: configuration error: validating stack config: Stack 'dev' is missing "
        "configuration value 'region'\n"
    )
