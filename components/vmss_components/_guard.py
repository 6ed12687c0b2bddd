"""Refuses secrets where they would be public. Pure (no resource is touched).

Public extension settings and public arguments are stored in the scale-set model in plain
text and shown to anyone who can read the resource. This guard runs over every such value
this library builds or is given, and refuses:

* **a field whose NAME looks like a credential, whatever its value**: a str, a number, None,
  a mapping, a list or a ``pulumi.Output`` (secret or not, known or not). A secret Output
  under the name ``password`` would still be written to the PUBLIC settings, and the plan
  would show ``[secret]`` and look safe, so the name alone decides.
* **a URL carrying a credential**: userinfo (``https://user:pw@host/...``; any userinfo in an
  http(s)/ftp(s) URL, where a bare token is the common form), or a query or fragment
  parameter that signs or authorises the request: Azure SAS ``sig``, AWS SigV4
  ``X-Amz-Signature`` / ``X-Amz-Credential`` / ``X-Amz-Security-Token``, GCS ``Signature`` /
  ``X-Goog-Signature`` / ``X-Goog-Credential``, S3 v2 ``AWSAccessKeyId``, Azure Functions
  ``code``, OAuth ``access_token``, ``token``, ``key``, ``private_token``, and every name of
  the field vocabulary below. Parameter names are percent-decoded first (``%73ig=`` is
  ``sig=``).
* a storage connection string's ``AccountKey=`` or ``SharedAccessSignature=``, and any
  connection string's ``name=value`` pair (after a ``;``, or first before one) whose name is a
  credential name: ``Server=db;Password=...``, ``Pwd=...``, ``SharedAccessKey=...``; the
  same after a ``;`` in a URL (``/run.sh;sig=...``, ``&amp;sig=...``).

The name rule. A name is folded: lower-cased, every character other than a letter or digit
removed, trailing digits dropped (``Admin_Password2`` -> ``adminpassword``). It is a
credential name when the folded name is one of the exact names (``pwd``, ``sig``, ``sas``,
``sasurl``, ``sasuri``, ``creds``, ``accesskeyid``, ``awsaccesskeyid``, ``secretvalue``) or
ENDS with one of: ``password``, ``passwd``, ``pwd``, ``passphrase``, ``secret``,
``secrets``, ``token`` (any ``*token``: ``accessToken``, ``apiToken``, ``bearerToken``,
``GithubToken``, ``AWS_SESSION_TOKEN``), ``apikey``, ``accesskey``, ``secretkey``,
``privatekey``, ``accountkey``, ``storagekey``, ``signingkey``, ``masterkey``, ``sharedkey``,
``connectionstring(s)``, ``connstring``, ``connstr``, ``credential(s)`` (``GOOGLE_APPLICATION_
CREDENTIALS``), ``signature``, ``sastoken``, ``authorization``. That covers the usual
cloud variables: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``,
``GOOGLE_APPLICATION_CREDENTIALS``, ``AZURE_CLIENT_SECRET``, ``ARM_CLIENT_SECRET``,
``ARM_ACCESS_KEY``, ``AZURE_STORAGE_KEY``.

Matching the END of the name, not any substring, keeps ordinary names usable:
``tokenizer``, ``tokens_per_minute``, ``max_tokens`` and ``tokenCount`` (counts and tools
named after tokens), ``token_endpoint`` and ``secretName`` / ``secretUri`` (references to a
secret, not the secret), ``passport`` and ``keyboard`` (no credential word at all),
``passwordLength`` (a policy), and a bare ``key`` as a field name (a sort key, a registry key)
are accepted. In a URL's query ``key`` and ``code`` are refused: there they are the API-key
and Azure Functions-key conventions.

A value inside an Output is unknown while the program is constructed; callers that hand
settings to a resource wrap them with :func:`guard_output_contents`, which runs the same
checks when the Output resolves, before the value reaches Azure.

A refusal names the argument path and where the value belongs (``protected settings``,
``protected arguments``, ``protected parameters``), never the value; URLs are shown with
userinfo and query removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn
from urllib.parse import unquote

import pulumi

from ._redact import redact_url
from .errors import ConfigurationError

# Folded names (see the module docstring) that only ever hold credentials.
_SECRET_NAME_ENDINGS = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
    "storagekey",
    "signingkey",
    "masterkey",
    "sharedkey",
    "connectionstring",
    "connectionstrings",
    "connstring",
    "connstr",
    "credential",
    "credentials",
    "signature",
    "authorization",
)
_SECRET_NAMES = frozenset(
    {"sig", "sas", "sasurl", "sasuri", "creds", "accesskeyid", "awsaccesskeyid", "secretvalue"}
)
# Query or fragment parameters that carry a credential in a URL, beyond the names above:
# Azure Functions keys (code), API keys (key), OAuth (access_token, covered by *token),
# GitLab (private_token), S3 v2 presigned URLs (AWSAccessKeyId), GCS v2 (GoogleAccessId).
_SECRET_QUERY_NAMES = frozenset({"code", "key", "googleaccessid"})

# A SAS token on its own (``sig=...`` at the start of a text, the form some tools print).
_SAS_ALONE = re.compile(r"^sig=[A-Za-z0-9%+/=]{8,}", re.IGNORECASE | re.ASCII)
_ACCOUNT_KEY = re.compile(r"AccountKey\s*=\s*[A-Za-z0-9+/=]{8,}", re.IGNORECASE | re.ASCII)
_SHARED_ACCESS = re.compile(r"SharedAccessSignature\s*=", re.IGNORECASE | re.ASCII)
# A query or fragment parameter (``?sig=...``, ``&X-Amz-Signature=...``, ``#access_token=``),
# its name possibly percent-encoded (``%73ig=``). A value must follow.
_QUERY_FIELD = re.compile(r"[?&#]([A-Za-z0-9_.~%+-]+)=[^&#;\s]", re.ASCII)
# A ``name=value`` pair after a ``;``, or first in a text holding a ``;``: a connection
# string's (``Server=db;Password=...``, ``Pwd=...;``; a name may hold spaces, ``User
# Password``), a URL path parameter (``/run.sh;sig=...``) or an HTML-escaped query
# (``&amp;sig=...``). A lone ``signature=none`` is ordinary text.
_PAIR = re.compile(r"(?:^(?=[^;]*=[^;]*;)|;)\s*([A-Za-z][A-Za-z0-9_. -]*?)\s*=\s*[^;\s]", re.ASCII)
# scheme://userinfo@host: the userinfo ends at the first '@' before any '/', '?' or '#'.
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*)://([^/?#@\s]*)@", re.ASCII)
_USERINFO_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})

# Where a refused value belongs, by place (the end of every refusal).
PROTECTED_SETTINGS = "pass it in the extension's protected settings instead"
PROTECTED_ARGUMENTS = "pass it in protected_configuration_arguments instead"
PROTECTED_PARAMETERS = "pass it in protected_parameters instead"
NO_SECRETS = "this place cannot hold a secret: keep credentials out of it"


def fold_name(name: str) -> str:
    """A name lower-cased, without separators and trailing digits (``Api_Key2`` -> ``apikey``)."""
    return re.sub(r"[0-9]+\Z", "", re.sub(r"[^a-z0-9]", "", name.lower()))


def is_secret_name(name: str) -> bool:
    """True when a field named ``name`` holds a credential (see the module docstring)."""
    folded = fold_name(name)
    return folded in _SECRET_NAMES or folded.endswith(_SECRET_NAME_ENDINGS)


def _secret_query_name(name: str) -> bool:
    decoded = unquote(name.replace("+", " "))
    return is_secret_name(decoded) or fold_name(decoded) in _SECRET_QUERY_NAMES


def secret_reason(key: str | None, value: Any) -> str | None:
    """Why a key and value look secret, or None when they do not.

    The key is judged whatever the value (an Output included); a value is judged when it is
    text.
    """
    if key is not None and is_secret_name(key):
        return f"a field named {key!r} holds a credential"
    if isinstance(value, str):
        return _text_reason(value)
    return None


def _text_reason(value: str) -> str | None:
    for scheme, userinfo in _USERINFO.findall(value):
        if ":" in userinfo or scheme.lower() in _USERINFO_SCHEMES:
            return f"a URL carries a user name or password ({redact_url(value)[:120]})"
    if _SAS_ALONE.search(value):
        return "it carries a SAS signature (sig=)"
    if _ACCOUNT_KEY.search(value):
        return "it carries a storage account key"
    if _SHARED_ACCESS.search(value):
        return "it carries a shared access signature"
    where = redact_url(value)[:120] if "://" in value else "the text"
    for name in _QUERY_FIELD.findall(value):
        if _secret_query_name(name):
            shown = unquote(name)
            return f"its query parameter {shown!r} carries a credential ({where})"
    for name in _PAIR.findall(value):
        if is_secret_name(name):
            return f"its {name.strip()!r} field carries a credential ({where})"
    return None


def check_public_value(value: Any, path: str, advice: str = PROTECTED_SETTINGS) -> None:
    """Raise ConfigurationError if one public value (not a mapping) looks secret.

    An Output's content is unknown here: see :func:`guard_output_contents`.
    """
    reason = None if isinstance(value, pulumi.Output) else secret_reason(None, value)
    if reason is not None:
        _refuse(path, reason, advice)


def check_public_settings(value: Any, path: str, advice: str = PROTECTED_SETTINGS) -> None:
    """Raise ConfigurationError at the first secret-looking field inside ``value``.

    Every name is judged whatever its value, an Output included; ``advice`` says where a
    secret belongs instead (protected settings, protected arguments or parameters).
    """
    _walk(None, value, path, advice)


def guard_output_contents(value: Any, path: str, advice: str = PROTECTED_SETTINGS) -> Any:
    """``value`` with every Output inside it checked, when it resolves, like a plain value.

    Names and plain values are judged at construction by :func:`check_public_settings`; the
    content of an Output (a mapping, list or text it resolves to) only when it is known. The
    returned value is what the resource receives, so a credential found there fails the
    deployment with the same ConfigurationError before Azure receives it.
    """
    if isinstance(value, pulumi.Output):
        return value.apply(lambda inner: _resolved(inner, path, advice))
    if isinstance(value, Mapping):
        return {k: guard_output_contents(v, f"{path}.{k}", advice) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [guard_output_contents(v, f"{path}[{i}]", advice) for i, v in enumerate(value)]
    return value


def _resolved(inner: Any, path: str, advice: str) -> Any:
    _walk(None, inner, path, advice)
    return guard_output_contents(inner, path, advice)


def _walk(key: str | None, value: Any, path: str, advice: str) -> None:
    if key is not None and is_secret_name(key):
        _refuse(path, f"a field named {key!r} holds a credential", advice)
    if isinstance(value, pulumi.Output):
        return  # its content is judged when known: guard_output_contents
    if isinstance(value, str):
        reason = _text_reason(value)
        if reason is not None:
            _refuse(path, reason, advice)
    elif isinstance(value, Mapping):
        for child_key, child in value.items():
            _walk(str(child_key), child, f"{path}.{child_key}", advice)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            _walk(None, child, f"{path}[{index}]", advice)


def _refuse(path: str, reason: str, advice: str) -> NoReturn:
    raise ConfigurationError(
        path,
        f"looks like a secret ({reason}) but would be public: {advice}",
    )
