"""Scale-set extensions: the spec, one builder per handler this library adds, update tags.

Nothing here registers a resource; values may be ``pulumi.Input``.
"""

from .custom_script import (
    CSE_LINUX_PUBLISHER,
    CSE_LINUX_TYPE,
    CSE_LINUX_VERSION,
    CSE_PROTECTED_KEYS,
    CSE_PUBLIC_KEYS,
    CSE_SCRIPT_MAX_ENCODED,
    CSE_WINDOWS_PUBLISHER,
    CSE_WINDOWS_TYPE,
    CSE_WINDOWS_VERSION,
    check_custom_script_settings,
    encode_script,
    linux_custom_script_extension,
    windows_custom_script_extension,
)
from .dsc import DSC_DATA_COLLECTION, DSC_PUBLISHER, DSC_TYPE, DSC_WMF_VERSIONS, dsc_extension
from .guest_configuration import GUEST_CONFIGURATION_PUBLISHER, guest_configuration_extension
from .handlers import (
    HANDLERS,
    Handler,
    check_handler_rules,
    check_handler_version,
    check_one_per_handler,
    handler_key,
    handler_named,
    handler_of,
)
from .health import HEALTH_EXTENSION_NAME, HEALTH_PUBLISHER, health_extension
from .spec import Extension, check_extension, check_extension_list
from .update_tag import update_tag

__all__ = [
    "CSE_LINUX_PUBLISHER",
    "CSE_LINUX_TYPE",
    "CSE_LINUX_VERSION",
    "CSE_PROTECTED_KEYS",
    "CSE_PUBLIC_KEYS",
    "CSE_SCRIPT_MAX_ENCODED",
    "CSE_WINDOWS_PUBLISHER",
    "CSE_WINDOWS_TYPE",
    "CSE_WINDOWS_VERSION",
    "DSC_DATA_COLLECTION",
    "DSC_PUBLISHER",
    "DSC_TYPE",
    "DSC_WMF_VERSIONS",
    "GUEST_CONFIGURATION_PUBLISHER",
    "HANDLERS",
    "HEALTH_EXTENSION_NAME",
    "HEALTH_PUBLISHER",
    "Extension",
    "Handler",
    "check_custom_script_settings",
    "check_extension",
    "check_extension_list",
    "check_handler_rules",
    "check_handler_version",
    "check_one_per_handler",
    "dsc_extension",
    "encode_script",
    "guest_configuration_extension",
    "handler_key",
    "handler_named",
    "handler_of",
    "health_extension",
    "linux_custom_script_extension",
    "update_tag",
    "windows_custom_script_extension",
]
