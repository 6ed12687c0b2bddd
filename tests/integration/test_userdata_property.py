"""Rendering cloud-config, as a property: any plain data round-trips through YAML and renders
the same bytes twice."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vmss_components.userdata import render_cloud_config

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.text(alphabet="ab \n\r\t:#-'\"\x85\u2028\u2029\ufeff|>", max_size=30),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), _DATA, min_size=1, max_size=5))
def test_rendering_round_trips_and_is_deterministic(config: dict[str, Any]) -> None:
    text = render_cloud_config(config)
    assert text.startswith("#cloud-config\n")
    assert yaml.safe_load(text) == config
    assert render_cloud_config(dict(config)) == text
