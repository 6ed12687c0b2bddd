"""The offline plan: a stack program run under the mock engine, rendered like a preview.

``vmss-plan STACK`` (see :mod:`vmss_plan.cli`) needs no Azure login, no Pulumi CLI and
no network: it runs the project's program with the stack's configuration against
:class:`vmss_components.testing.AzureMocks` and reports what ``pulumi up`` would create.
"""

from .document import PlanDocument, build_document
from .project import Project, StackConfig, load_project
from .runner import PlanRun, run_plan

__all__ = [
    "PlanDocument",
    "PlanRun",
    "Project",
    "StackConfig",
    "build_document",
    "load_project",
    "run_plan",
]
