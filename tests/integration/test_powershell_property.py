"""The PowerShell reader's property: comments, strings and here-strings that mention
configurations never change what a script defines (a hypothesis property)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vmss_components.packaging.powershell import read_script

# --- The property: noise that mentions configurations changes nothing ----------------------

_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,15}", fullmatch=True)
# Text for comments and strings: braces, parentheses, quotes of other kinds and words, but
# never what would end the comment or string it goes into (each kind filters its own).
_NOISE = st.text(alphabet="abcXYZ019 {}();|&@<>=.,-_\t", max_size=20)
_SMART_SINGLE = "\u2018\u2019\u201a\u201b"
_SMART_DOUBLE = "\u201c\u201d\u201e"


@st.composite
def _noise(draw: st.DrawFn, *, statement: bool) -> str:
    """One comment (anywhere) or string/here-string (where a statement starts) that mentions
    ``Configuration <name> { }``."""
    mention = f"Configuration {draw(_NAME)} {{ {draw(_NOISE)} }}"
    comments = [
        f"# {mention} {draw(_NOISE)}\n",
        f"<# {mention}\n{draw(_NOISE)} #>",
    ]
    if not statement:
        return draw(st.sampled_from(comments))
    quote = draw(st.sampled_from("'" + _SMART_SINGLE))
    dquote = draw(st.sampled_from('"' + _SMART_DOUBLE))
    strings = [
        f"$v = {quote}{mention} it{quote}{quote}s {draw(_NOISE)}{quote}\n",
        f'$v = {dquote}`"{mention}`" ""x"" $(1 + (2)) {draw(_NOISE)}{dquote}\n',
        f"$v = @{quote}\n{mention}\n  {quote}@ indented, not a footer\n{draw(_NOISE)}\n{quote}@\n",
        f"$v = @{dquote}\n{mention} $(Get-Date)\n`\n{dquote}@ escaped\n{draw(_NOISE)}\n{dquote}@\n",
        f"Write-Host a#Configuration {draw(_NAME)}\n",
    ]
    return draw(st.sampled_from([*comments, *strings]))


@st.composite
def _scripts(draw: st.DrawFn) -> tuple[str, str]:
    """A plain script of 1-4 configurations, and the same script with noise inserted."""

    def noise(*, statement: bool) -> str:
        count = draw(st.integers(0, 2))
        return "".join(draw(_noise(statement=statement)) for _ in range(count))

    plain: list[str] = []
    noisy: list[str] = [noise(statement=True)]
    for _ in range(draw(st.integers(1, 4))):
        name = draw(_NAME)
        parameters = draw(
            st.lists(
                st.tuples(st.from_regex(r"[A-Za-z]\w{0,8}", fullmatch=True), st.booleans()),
                max_size=3,
                unique_by=lambda p: p[0].lower(),
            )
        )
        entries = [
            f"[Parameter(Mandatory = ${str(m).lower()})] [string] ${p}" for p, m in parameters
        ]
        # The body's first statement on the line of its '{' or on the next one.
        gap = draw(st.sampled_from(["\n", " "]))
        plain.append(
            f"Configuration {name}\n{{{gap}    param(\n" + ",\n".join(entries) + "\n    )\n"
            "    Node localhost { }\n}\n"
        )
        noisy.append(
            f"Configuration {noise(statement=False)}"
            f"{name}\n{noise(statement=False)}{{{gap}{noise(statement=False)}    param(\n"
            + f",\n{noise(statement=False)}".join(entries)
            + f"\n    )\n{noise(statement=True)}    Node localhost {{ }}\n}}\n"
            + noise(statement=True)
        )
    return "".join(plain), "".join(noisy)


def _summary(script: str) -> list[tuple[object, ...]]:
    return [
        (c.name, c.scope, c.meta, [(p.name, p.mandatory, p.type_name) for p in c.parameters])
        for c in read_script(script).configurations
    ]


@settings(max_examples=150, deadline=None)
@given(_scripts())
def test_comments_strings_and_here_strings_never_change_what_a_script_defines(
    scripts: tuple[str, str],
) -> None:
    plain, noisy = scripts
    assert _summary(noisy) == _summary(plain)
