"""Manifests as a power cut, a hand edit or an attacker leaves them (issue 18, item 6): what
``ocop changes`` and ``ocop build`` must take as damaged, never as lists of files to upload,
delete or trust."""

from __future__ import annotations

import json

DAMAGED = {
    "units-null": '{"units": null, "generated": []}',
    "units-list": '{"units": [], "generated": []}',
    "nested": "[" * 100_000 + "]" * 100_000,
    "long-name": json.dumps({"units": {}, "generated": ["x" * 100_000]}),
    "list": "[]",
    "empty": "",
    "cut-short": '{"generated":["404.html"],"generated_md5":["0123',
    "not-utf8": b'{"units": {}, "generated": ["\xff"]}',
    "newline": json.dumps({"units": {}, "generated": ["san-pham/x/phieu\nindex.html"]}),
    "dot-dot": json.dumps({"units": {}, "generated": ["../../etc/passwd"]}),
    "absolute": json.dumps({"units": {}, "generated": ["/etc/shadow"]}),
    "encoded": json.dumps({"units": {}, "generated": ["%2e%2e/x"]}),
    "in-a-unit": json.dumps({"units": {"product:x": {"key": "k", "pages": [],
                                                     "files": ["../../outside/victim.txt"]}},
                             "generated": []}),
}
