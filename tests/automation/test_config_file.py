"""kuma's YAML emitter writes what PyYAML reads back as the same data (tricky texts included)."""
from __future__ import annotations

import yaml

from kuma.automation.config_file import dump, load

TRICKY = ["yes", "no", "On", "1.5", "1e3", ".5", "0x1F", "null", "~", "", " lead", "trail ", "a: b", "#x", "a #b",
          "[x]", "{y}", "!t", "&a", "*b", "-", "- x", "?", "@x", "%x", "`", "'", '"', "multi\nline", "x\ty",
          "\u2028", "ünï", "2026-11-01", "=", "<<", "200-299", "http://127.0.0.1:9/x?a=1&b=2", "C:\\path", "a:b"]


def test_every_text_reads_back_as_itself():
    document = {"kuma": 1, "monitors": [{"key": f"k{i}", "name": text} for i, text in enumerate(TRICKY)]}
    text = dump(document)
    assert yaml.safe_load(text) == document
    assert load(text) == document


def test_nested_and_empty_collections_and_numbers():
    document = {"settings": {}, "tags": [], "x": [[1, [2]], {"z": None}, 1.5, 48.0, -3, True, None],
                "deep": {"a": {"b": [{"c": []}]}}}
    assert yaml.safe_load(dump(document)) == document
    assert dump({"a": [1], "b": {"c": "d"}}) == "a:\n- 1\nb:\n  c: d\n"
