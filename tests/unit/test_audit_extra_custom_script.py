"""Issue 15 audit: a Custom Script extension given in ``extra_extensions`` (on a cloud-init
or DSC scale set, in any casing) obeys the same download rules as the component's own —
https:// file URLs with a file name, distinct names (without case on Windows), and the Linux
handler's script limit. Before, only the component's arguments were checked."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import linux_args, windows_args

from vmss_components import ConfigurationError, Extension
from vmss_components.scaleset.resolve import resolve_scale_set

EXTRA = "scale_set.extra_extensions"
LINUX = ("Microsoft.Azure.Extensions", "CustomScript", "2.1")
WINDOWS = ("Microsoft.Compute", "CustomScriptExtension", "1.10")


def custom_script(
    handler: tuple[str, str, str], *, lower: bool = False, **sections: Any
) -> Extension:
    publisher, kind, version = handler
    if lower:
        publisher, kind = publisher.lower(), kind.lower()
    return Extension(
        name="Bootstrap",
        publisher=publisher,
        type=kind,
        type_handler_version=version,
        settings=sections.get("settings", {}),
        protected_settings=sections.get("protected"),
    )


def resolve(os: str, extension: Extension) -> object:
    args = (linux_args if os == "linux" else windows_args)(extra_extensions=[extension])
    return resolve_scale_set(args, os=os, name="web")  # type: ignore[arg-type]


def refused(os: str, extension: Extension, path: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        resolve(os, extension)
    assert caught.value.path == path, caught.value
    return caught.value


RUN = {"commandToExecute": "sh a.sh"}


@pytest.mark.rule("cse-file-uris-https", path=EXTRA, case="violation")
@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/a.sh",
        "ftp://example.com/a.sh",
        "https:///a.sh",
        "https://example.com/tools/",
        "https://example.com/a.sh\n",
    ],
)
@pytest.mark.parametrize("lower", [False, True], ids=["as-documented", "lower-case"])
def test_a_file_url_the_handler_cannot_use_is_refused(uri: str, lower: bool) -> None:
    extension = custom_script(LINUX, lower=lower, settings={"fileUris": [uri], **RUN})
    refused("linux", extension, f"{EXTRA}[0].settings.fileUris[0]")


@pytest.mark.rule("cse-file-uris-https", path=EXTRA, case="violation")
def test_a_protected_url_is_refused_without_showing_it() -> None:
    token_uri = "http://store.example.com/c/a.ps1?sv=1&sig=c2VjcmV0"
    extension = custom_script(WINDOWS, settings=RUN, protected={"fileUris": [token_uri]})
    error = refused("windows", extension, f"{EXTRA}[0].protected_settings.fileUris[0]")
    assert "c2VjcmV0" not in str(error) and "store.example.com" not in str(error)


@pytest.mark.rule("cse-file-uris-https", path=EXTRA, case="violation")
def test_file_urls_as_one_string_are_refused() -> None:
    extension = custom_script(LINUX, settings={"fileUris": "https://example.com/a.sh", **RUN})
    refused("linux", extension, f"{EXTRA}[0].settings.fileUris")


@pytest.mark.rule("cse-file-names-unique", path=EXTRA, case="violation")
def test_two_downloads_of_one_name_are_refused_on_linux() -> None:
    uris = ["https://a.example.com/x/setup.sh", "https://b.example.com/y/setup.sh"]
    extension = custom_script(LINUX, settings={"fileUris": uris, **RUN})
    error = refused("linux", extension, f"{EXTRA}[0].settings.fileUris[1]")
    assert "'setup.sh' is also the name of" in error.reason


@pytest.mark.rule("cse-file-names-unique", path=EXTRA, case="violation")
def test_two_downloads_differing_in_case_are_refused_on_windows() -> None:
    uris = ["https://a.example.com/x/Setup.ps1", "https://b.example.com/y/setup.ps1"]
    extension = custom_script(WINDOWS, lower=True, settings={"fileUris": uris, **RUN})
    refused("windows", extension, f"{EXTRA}[0].settings.fileUris[1]")


@pytest.mark.rule("cse-file-names-unique", path=EXTRA, case="valid")
def test_names_differing_in_case_are_distinct_on_linux() -> None:
    uris = ["https://a.example.com/x/Setup.sh", "https://b.example.com/y/setup.sh"]
    resolve("linux", custom_script(LINUX, settings={"fileUris": uris, **RUN}))


@pytest.mark.rule("cse-script-size", path=EXTRA, case="violation")
@pytest.mark.parametrize("lower", [False, True], ids=["as-documented", "lower-case"])
def test_a_script_over_the_handlers_limit_is_refused(lower: bool) -> None:
    extension = custom_script(LINUX, lower=lower, protected={"script": "A" * (256 * 1024 + 4)})
    error = refused("linux", extension, f"{EXTRA}[0].protected_settings.script")
    assert "262,148 characters" in error.reason


@pytest.mark.rule("cse-script-size", path=EXTRA, case="valid")
@pytest.mark.rule("cse-file-uris-https", path=EXTRA, case="valid")
def test_a_valid_custom_script_in_extra_extensions_is_kept_as_given() -> None:
    uris = ["https://example.com/tools/a.sh", "https://example.com/tools/b.sh?v=2"]
    extension = custom_script(
        LINUX, settings={"fileUris": uris}, protected={"script": "A" * (256 * 1024)}
    )
    spec = resolve("linux", extension)
    assert list(spec.args.extra_extensions) == [extension]  # type: ignore[attr-defined]
