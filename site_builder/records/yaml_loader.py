"""Reads one YAML record safely and remembers the line of every value.

PyYAML composes the node tree; we build plain Python values from it ourselves so that:
- only the standard scalar, sequence and mapping tags are allowed (no object tags);
- alias expansion is counted and bounded ("billion laughs" stops early);
- dates stay as text, so an impossible date such as 2026-02-30 becomes a field error with a
  line number instead of an exception that loses the whole file;
- duplicate keys are reported instead of silently keeping the last one;
- every string is NFC-normalised.
"""

from __future__ import annotations

import hashlib
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from site_builder.problems import Problems

MAX_RECORD_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 40

FieldPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _SEQ, _MAP}


def field_path_text(path: FieldPath) -> str:
    """('certifications', 0, 'stars') -> 'certifications[0].stars'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass
class LoadedYaml:
    """A parsed record and the line (1-based) where each field path starts."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    # The file's size and time, asked before it was read, and the hash of the bytes read: what
    # the record cache keeps of it (``records.cache.FilesRead``), without reading it again.
    stat: tuple[int, int] = (0, 0)
    digest: str = ""

    def line_of(self, path: FieldPath) -> int:
        """The line of a field, or of its nearest parent that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


class _TooBig(Exception):
    """The record is too big to read; ``code`` says how (a message code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _Builder:
    def __init__(self, path: Path, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.lines: dict[FieldPath, int] = {}
        self.nodes = 0
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node, at: FieldPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig("too_many_values")
        if depth > MAX_DEPTH:
            raise _TooBig("nested_too_deep")
        line = node.start_mark.line + 1
        self.lines.setdefault(at, line)
        if node.tag not in _ALLOWED_TAGS:
            self.problems.error(self.path, line, field_path_text(at), "yaml_tag", tag=node.tag)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, at + (i,), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the only other kind of node
        return self._scalar(node, at)

    def _mapping(self, node: yaml.MappingNode, at: FieldPath, depth: int) -> dict[str, Any]:
        self.constructor.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, at) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                key = "" if key is None else str(key)
            key = unicodedata.normalize("NFC", key)
            line = key_node.start_mark.line + 1
            child = at + (key,)
            if key in result:
                self.problems.error(self.path, line, field_path_text(child), "field_twice")
                continue
            self.lines[child] = line
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, at: FieldPath) -> Any:
        if node.tag in (_STR, _TIMESTAMP):
            return unicodedata.normalize("NFC", node.value)
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL:
            return self.constructor.construct_yaml_bool(node)
        if node.tag == _INT:
            return self.constructor.construct_yaml_int(node)
        if node.tag == _FLOAT:
            return self.constructor.construct_yaml_float(node)
        return unicodedata.normalize("NFC", str(node.value))


def _decode(raw: bytes, path: Path, problems: Problems) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(path, line, "", "not_utf8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# libyaml parses about ten times faster than PyYAML's Python parser, but its composer recurses
# in C and crashes the process on deeply nested collections ("[[[[...", "- - - - ..."). Text that
# could nest that deep goes to the Python parser, which fails cleanly (RecursionError, reported).
# Block nesting needs a longer run of indentation and indicators at a line's start than its
# depth; flow nesting needs as many open brackets.
_C_LOADER = getattr(yaml, "CSafeLoader", None)
_SAFE_C_DEPTH = 200


def _flow_depth_at_most(text: str, limit: int) -> bool:
    """Whether '[' and '{' nest at most ``limit`` deep (quotes ignored, so this overestimates)."""
    if text.count("[") + text.count("{") <= limit:
        return True
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth = max(0, depth - 1)
    return True


# A line that starts with more indentation and indicators than the C parser may nest: looked
# for, rather than measuring every line's (which took a twentieth of the time a record took).
_DEEP_LINE = re.compile(rf"^[ \t?:-]{{{_SAFE_C_DEPTH + 1}}}", re.MULTILINE)


def _loader_for(text: str) -> type:
    if (_C_LOADER is not None and _DEEP_LINE.search(text) is None
            and _flow_depth_at_most(text, _SAFE_C_DEPTH)):
        return _C_LOADER
    return yaml.SafeLoader


def load_yaml(path: Path, problems: Problems) -> LoadedYaml | None:
    """Parse one record; on failure add problems and return None."""
    try:
        status = path.stat()
    except OSError as exc:
        problems.error(path, 1, "", "file_unreadable", reason=exc.strerror)
        return None
    if not stat.S_ISREG(status.st_mode):  # a folder named product.yml, a pipe: never read
        problems.error(path, 1, "", "record_not_a_file")
        return None
    size = status.st_size
    if size > MAX_RECORD_BYTES:
        problems.error(path, 1, "", "file_too_large", size=size, limit=MAX_RECORD_BYTES)
        return None
    raw = path.read_bytes()
    text = _decode(raw, path, problems)
    if text is None:
        return None
    builder = _Builder(path, problems)
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
        data = builder.build(node, (), 0) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if exc.problem:
            problems.error(path, line, "", "yaml_syntax", detail=exc.problem)
        else:
            problems.error(path, line, "", "yaml_syntax_vague")
        return None
    except yaml.YAMLError as exc:
        problems.error(path, 1, "", "yaml_syntax", detail=exc)
        return None
    except _TooBig as exc:
        problems.error(path, 1, "", exc.code)
        return None
    except RecursionError:
        problems.error(path, 1, "", "nested_too_deep")
        return None
    return LoadedYaml(path=path, data=data, lines=builder.lines,
                      stat=(size, status.st_mtime_ns), digest=hashlib.sha256(raw).hexdigest())
