"""Answers for what a program asks that the Azure mocks cannot know: other stacks' outputs,
lookups of existing resources, other providers.

``vmss-plan`` plans any Pulumi Python program. A program that reads another stack
(``StackReference``) or looks up an existing resource (``network.get_subnet_output``) needs
answers; they come, in this order, from:

1. ``--stack-outputs NAME=FILE``: a ``StackReference`` to NAME reads FILE, a JSON object of
   the stack's outputs (what ``pulumi stack output --json --show-secrets`` prints), or
   ``{"outputs": {...}, "secretOutputNames": [...]}`` to mark some secret;
2. ``--invokes FILE``: canned invoke results, ``{"<token>": {<result>}}`` or
   ``{"<token>": [{"args": {<subset of the call's arguments>}, "result": {<result>}}, ...]}``
   (the first entry whose ``args`` match wins); results use the wire (camelCase) names;
3. ``--mocks module:Class``: the user's own ``pulumi.runtime.Mocks`` subclass, built with no
   arguments; its ``call``/``new_resource`` return None (or raise NotImplementedError) for
   what it does not answer;
4. the Azure mocks (:class:`~vmss_components.testing.AzureMocks`).

What nothing answers is recorded (:attr:`PlanMocks.unanswered`) and raised as
:class:`Unanswered`, whose one-line message names the token and how to answer it.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks

from vmss_components.testing import AzureMocks

from .errors import PlanInputError

STACK_REFERENCE = "pulumi:pulumi:StackReference"


class Unanswered(Exception):
    """Something the program asked that no answer covers; the message says how to answer."""


@dataclass(frozen=True)
class StackOutputs:
    """Another stack's outputs, as a ``StackReference`` to it reads them."""

    outputs: dict[str, Any]
    secret_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answers:
    """Everything given on the command line to answer the program's questions."""

    stack_outputs: Mapping[str, StackOutputs] = field(default_factory=dict)
    invokes: Mapping[str, Any] = field(default_factory=dict)
    mocks: pulumi_mocks.Mocks | None = None


class PlanMocks(AzureMocks):
    """The Azure mocks with the user's answers on top (see the module's docstring)."""

    def __init__(self, answers: Answers, *, preview: bool = False) -> None:
        super().__init__(preview=preview)
        self.answers = answers
        #: One line per question nothing answered, in the order asked.
        self.unanswered: list[str] = []

    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:
            return self._stack_reference(args)
        user = self.answers.mocks
        if user is not None:
            try:
                answer = user.new_resource(args)
            except NotImplementedError:
                answer = None
            if answer is not None:
                resource_id, state = answer
                return resource_id, dict(state)
        return super().new_resource(args)

    def _stack_reference(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        name = str(args.resource_id or args.inputs.get("name") or args.name)
        found = self.answers.stack_outputs.get(name)
        user = self.answers.mocks
        if found is None and user is not None:
            try:
                answer = user.new_resource(args)
            except NotImplementedError:
                answer = None
            if answer is not None:
                return answer[0], dict(answer[1])
        if found is None:
            raise self._unanswered(
                f"the program reads the stack {name!r}: answer it with --stack-outputs "
                f"{name}=FILE.json (the output of `pulumi stack output --json --show-secrets`)"
            )
        return name, {
            **args.inputs,
            "name": name,
            "outputs": found.outputs,
            "secretOutputNames": list(found.secret_names),
        }

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        canned = _canned(self.answers.invokes.get(args.token), args.args)
        if canned is not None:
            return canned, []
        user = self.answers.mocks
        if user is not None:
            try:
                answer = user.call(args)
            except NotImplementedError:
                answer = None
            if isinstance(answer, tuple):
                result, failures = answer
                return dict(result), list(failures or [])
            if answer is not None:
                return dict(answer), []
        try:
            return super().call(args)
        except NotImplementedError:
            raise self._unanswered(
                f"nothing answers the invoke {args.token}: give its result in --invokes "
                f'FILE.json ({{"{args.token}": {{...}}}}) or in --mocks module:Class'
            ) from None

    def _unanswered(self, message: str) -> Unanswered:
        self.unanswered.append(message)
        return Unanswered(message)


def _canned(entry: Any, arguments: Mapping[str, Any]) -> dict[str, Any] | None:
    if isinstance(entry, dict):
        return dict(entry)
    if isinstance(entry, list):
        for case in entry:
            wanted = case.get("args", {})
            if all(arguments.get(key) == value for key, value in wanted.items()):
                return dict(case["result"])
    return None


# -- reading the command line's answers --------------------------------------------------------


def read_stack_outputs(specs: Sequence[str]) -> dict[str, StackOutputs]:
    """``NAME=FILE`` pairs read into each stack's outputs; a bad one is a PlanInputError."""
    answers: dict[str, StackOutputs] = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or not name or not file:
            raise PlanInputError(f"--stack-outputs {spec}: expected NAME=FILE")
        data = _read_json(Path(file), "--stack-outputs")
        if not isinstance(data, dict):
            raise PlanInputError(f"--stack-outputs {file}: expected a JSON object of outputs")
        if set(data) <= {"outputs", "secretOutputNames"} and isinstance(data.get("outputs"), dict):
            secret = data.get("secretOutputNames", [])
            if not isinstance(secret, list) or not all(isinstance(s, str) for s in secret):
                raise PlanInputError(
                    f"--stack-outputs {file}: secretOutputNames must be a list of names"
                )
            answers[name] = StackOutputs(dict(data["outputs"]), tuple(secret))
        else:
            answers[name] = StackOutputs(dict(data))
    return answers


def read_invokes(file: Path | None) -> dict[str, Any]:
    """The canned invoke results of ``--invokes FILE`` (checked for shape)."""
    if file is None:
        return {}
    data = _read_json(file, "--invokes")
    if not isinstance(data, dict):
        raise PlanInputError(f"--invokes {file}: expected a JSON object keyed by invoke token")
    for token, entry in data.items():
        if isinstance(entry, dict):
            continue
        if isinstance(entry, list) and all(
            isinstance(case, dict)
            and isinstance(case.get("result"), dict)
            and isinstance(case.get("args", {}), dict)
            for case in entry
        ):
            continue
        raise PlanInputError(
            f"--invokes {file}: {token}: expected a result object or a list of "
            '{"args": {...}, "result": {...}}'
        )
    return dict(data)


def load_user_mocks(spec: str | None, *folders: Path) -> pulumi_mocks.Mocks | None:
    """The ``--mocks module:Class`` instance, imported with ``folders`` first on sys.path."""
    if spec is None:
        return None
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise PlanInputError(f"--mocks {spec}: expected module:Class")
    with _on_path(folders):
        try:
            module = importlib.import_module(module_name)
        except Exception as error:
            raise PlanInputError(f"--mocks {spec}: cannot import {module_name}: {error}") from None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, pulumi_mocks.Mocks):
        raise PlanInputError(f"--mocks {spec}: {class_name} is not a pulumi.runtime.Mocks class")
    try:
        return cls()
    except Exception as error:
        raise PlanInputError(f"--mocks {spec}: cannot build {class_name}(): {error}") from None


@contextmanager
def _on_path(folders: Sequence[Path]) -> Iterator[None]:
    saved = sys.path[:]
    sys.path[:0] = [str(folder) for folder in folders]
    try:
        yield
    finally:
        sys.path[:] = saved


def _read_json(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise PlanInputError(f"{option} {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise PlanInputError(f"{option} {path}: not JSON: {error}") from None
