"""Pulumi's mock engine with Azure-shaped answers, and a recorder of what a program registers.

Used by this library's tests and offline plan, and by users' own unit tests of stacks built
from these components. A :class:`MockDeployment` installs the mocks for the duration of a
``with`` block, runs a program to completion (every resource registered, every ``apply``
done), and keeps each registered resource with its type, name, parent, inputs (secrets
marked as :class:`Secret`, unknowns as :data:`UNKNOWN`), outputs and options, and each
invoke with its arguments.

Modules: ``mocks`` (the Azure-shaped answers), ``recording`` (the recording monitor and the
values it records), ``deployment`` (:class:`MockDeployment`), ``_runtime`` (the Pulumi
internals the kit needs, checked) and ``_speedups`` (opt-in, version-checked speed-ups).
"""

from .deployment import MockDeployment, Resolved
from .mocks import (
    MOCK_CLIENT_ID,
    MOCK_LOCATION,
    MOCK_SUBSCRIPTION_ID,
    MOCK_TENANT_ID,
    AzureMocks,
    service_sas_token,
)
from .recording import (
    UNKNOWN,
    RecordedCall,
    RecordedResource,
    RecordingMonitor,
    Secret,
    reveal,
    secret_paths,
)

__all__ = [
    "MOCK_CLIENT_ID",
    "MOCK_LOCATION",
    "MOCK_SUBSCRIPTION_ID",
    "MOCK_TENANT_ID",
    "UNKNOWN",
    "AzureMocks",
    "MockDeployment",
    "RecordedCall",
    "RecordedResource",
    "RecordingMonitor",
    "Resolved",
    "Secret",
    "reveal",
    "secret_paths",
    "service_sas_token",
]
