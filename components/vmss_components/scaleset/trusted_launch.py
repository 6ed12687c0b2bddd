"""Trusted Launch: which images are Generation 2, which sizes cannot run it, and the decision.

Azure recommends Trusted Launch (secure boot and a virtual TPM) for every Generation 2 image
and applies it by default from compute API 2025-11-01. The azure-native SDK this library uses
sends API 2024-11-01, where a scale set without ``securityProfile.securityType`` is Standard, so
the library sets Trusted Launch explicitly, and opting out means leaving it unset (that API
version has no ``Standard`` value to send).

Sources (read 2026-12): learn.microsoft.com/azure/virtual-machines/trusted-launch
("Virtual machines sizes": the unsupported families; Trusted Launch needs a Generation 2
image), learn.microsoft.com/azure/virtual-machines/generation-2 (Generation 1-only series),
and the marketplace SKU conventions (``-g2``/``-gen2`` twins; Windows Server Azure Edition and
Canonical's ``ubuntu-2x_04-lts`` offers are Generation 2, ``-gen1`` SKUs are not).
"""

from __future__ import annotations

import re

from .._rules import declare_rule
from .._types import HyperVGeneration
from ..errors import ConfigurationError

TRUSTED_LAUNCH_SOURCE = "https://learn.microsoft.com/azure/virtual-machines/trusted-launch"

# Sizes whose families cannot run Trusted Launch (no Generation 2 support, or listed as not
# supported on the Trusted Launch page). Unknown sizes pass: Azure has the last word.
_UNSUPPORTED_SIZES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern, re.IGNORECASE | re.ASCII))
    for family, pattern in (
        ("A-family (A0-A11, Basic_A, Av2)", r"(?:Basic|Standard)_A\d+m?(?:_v2)?"),
        ("Dv2-series", r"Standard_D\d+_v2(?:_Promo)?"),
        ("Dv3-series", r"Standard_D\d+_v3"),
        ("Ev3-series", r"Standard_E\d+i?_v3"),
        ("DC-series (confidential)", r"Standard_DC\d.*"),
        ("EC-series (confidential)", r"Standard_EC\d.*"),
        ("M-series (except Mbdsv4)", r"Standard_M\d(?!\d*bds_v4$).*"),
        ("Arm64 Dpsv5, Dpdsv5, Dplsv5, Dpldsv5", r"Standard_D\d+pl?d?s_v5"),
        ("NC-series (v1)", r"Standard_NC\d+r?(?:_Promo)?"),
        ("NV-series (v1)", r"Standard_NV\d+(?:_Promo)?"),
        ("NP-series", r"Standard_NP\d+s"),
    )
)

# Marketplace SKU spellings that say the generation outright.
_GEN1_SKU = re.compile(r".*-gen1|\d+_\d+-lts|\d+\.\d+-lts", re.IGNORECASE | re.ASCII)
_GEN2_SKU = re.compile(r".*(?:-gen2|-g2|gensecond|azure-edition.*)", re.IGNORECASE | re.ASCII)
# Canonical's offers from 22.04 on (``0001-com-ubuntu-server-jammy``, ``ubuntu-24_04-lts``)
# publish Generation 2 under the plain SKU names and Generation 1 under ``-gen1``.
_CANONICAL_GEN2_OFFER = re.compile(
    r"ubuntu-\d+_\d+(?:-lts)?(?:-daily)?|0001-com-ubuntu-(?:server|minimal|pro)-[a-z]+(?:-daily)?",
    re.IGNORECASE | re.ASCII,
)

declare_rule(
    "trusted-launch-needs-generation-2",
    "Trusted Launch runs only on a Generation 2 image; an image whose generation the library "
    "cannot tell must state it (image.generation) unless Trusted Launch is turned off.",
    where="vmss_components.scaleset.trusted_launch.decide_trusted_launch",
    paths=("scale_set.trusted_launch", "scale_set.image.generation"),
)
declare_rule(
    "trusted-launch-size-supported",
    "Trusted Launch is refused with a VM size of a family that cannot run it (A, Dv2, Dv3, "
    "Ev3, DC, EC, M, Arm64 Dpsv5, NC, NV, NP).",
    where="vmss_components.scaleset.trusted_launch.decide_trusted_launch",
    paths=("scale_set.vm_size",),
)


def marketplace_generation(publisher: str, offer: str, sku: str) -> HyperVGeneration | None:
    """The Hyper-V generation a marketplace SKU names, or None when its name does not say."""
    if _GEN1_SKU.fullmatch(sku):
        return "V1"
    if _GEN2_SKU.fullmatch(sku):
        return "V2"
    if publisher.lower() == "canonical" and _CANONICAL_GEN2_OFFER.fullmatch(offer):
        return "V2"
    return None


def unsupported_size_family(vm_size: str) -> str | None:
    """The family of ``vm_size`` when it is known not to run Trusted Launch, else None."""
    for family, pattern in _UNSUPPORTED_SIZES:
        if pattern.fullmatch(vm_size):
            return family
    return None


def decide_trusted_launch(
    requested: bool | None,
    generation: HyperVGeneration | None,
    vm_size: str | None,
    image_label: str,
    path: str = "scale_set",
) -> bool:
    """Whether the scale set runs Trusted Launch.

    ``requested`` None means the default: on for a Generation 2 image, off for Generation 1.
    ``vm_size`` None means the size is not known yet (an Output); it is then not checked.
    """
    if requested is False:
        return False
    if generation is None:
        raise ConfigurationError(
            f"{path}.image.generation",
            f"cannot tell whether {image_label} is a Generation 2 image, which Trusted Launch "
            "(on by default) needs: state generation='V2' on the image (or 'V1'), or set "
            "trusted_launch=False",
        )
    if generation == "V1":
        if requested:
            raise ConfigurationError(
                f"{path}.trusted_launch",
                f"{image_label} is a Generation 1 image; Trusted Launch needs Generation 2",
            )
        return False
    if vm_size is not None:
        family = unsupported_size_family(vm_size)
        if family is not None:
            raise ConfigurationError(
                f"{path}.vm_size",
                f"{vm_size} ({family}) cannot run Trusted Launch ({TRUSTED_LAUNCH_SOURCE}): "
                "choose a size that supports it, or set trusted_launch=False",
            )
    return True
