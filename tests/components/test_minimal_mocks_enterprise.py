"""The store's enterprise variants (issue 18) construct under Pulumi's canonical minimal mocks.

Pulumi's unit-testing guide answers each new resource with its inputs and each invoke with
``{}``; the one answer a user's mocks must add for scale sets with user-assigned identities
is the identity map (see test_minimal_mocks.py). With that, an existing account (whose
lookups then answer nothing), shared keys off behind a private endpoint, an existing DNS zone
and network rules, each with identity and SAS consumers and grants, construct, in preview and
not.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from helpers.enterprise import ENTERPRISE_PROGRAMS

from vmss_components.testing import MockDeployment


class IdentityMapMocks(pulumi.runtime.Mocks):
    """The guide's mocks, plus the identity map Azure reports for user-assigned identities."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            ids = identity["userAssignedIdentities"]
            state["identity"] = {**identity, "userAssignedIdentities": {key: {} for key in ids}}
        return (args.name + "_id", state)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


#: The variants with identity consumers (each grants its readers on the container).
STORE_VARIANTS = sorted(set(ENTERPRISE_PROGRAMS) - {"windows-trusted-launch-off"})


@pytest.fixture(autouse=True)
def _finalizers_run_here() -> Iterator[None]:
    yield
    gc.collect()


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("name", sorted(STORE_VARIANTS))
def test_the_enterprise_variants_construct_under_the_minimal_mocks(
    name: str, preview: bool
) -> None:
    with MockDeployment(preview=preview, mocks=IdentityMapMocks()) as deployment:  # type: ignore[arg-type]
        deployment.run(ENTERPRISE_PROGRAMS[name])
        registered = {r.type for r in deployment.resources}
    assert "azure-native:compute:VirtualMachineScaleSet" in registered
    assert "azure-native:authorization:RoleAssignment" in registered
