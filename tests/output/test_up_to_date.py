"""Whether a build has anything to do starts from every input file's size and time
(``up_to_date._stats``): asked for on one thread while they come from the system's cache, on
several when the first ones came from the disk; the answer is the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.output import up_to_date


@pytest.mark.parametrize("slow", [0.0, 1e9], ids=["from the disk: threads", "cached: one thread"])
def test_sizes_and_times_are_the_same_on_one_thread_or_several(tmp_path: Path, monkeypatch, slow):
    monkeypatch.setattr(up_to_date, "PROBE_FILES", 3)
    monkeypatch.setattr(up_to_date, "SLOW_STAT_SECONDS", slow)
    paths = []
    for n in range(40):
        path = tmp_path / f"{n}.yml"
        if n % 7:
            path.write_bytes(b"x" * n)
        paths.append(str(path))
    known = {paths[0]: (123, 456)}  # already looked at in this build: not asked again
    stats = up_to_date._stats(paths, known)
    assert [path for path, _, _ in stats] == paths
    assert stats[0] == (paths[0], 123, 456)
    for n, (path, size, time) in enumerate(stats[1:], 1):
        if n % 7:
            info = Path(path).stat()
            assert (size, time) == (info.st_size, info.st_mtime_ns) == (n, info.st_mtime_ns)
        else:
            assert (size, time) == (-1, -1)  # missing
    assert set(known) == set(paths)
