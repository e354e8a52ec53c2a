"""The TLS front and proxy the GS1 suite's lab puts before a server (gs1_suite.py) carry bytes
however many descriptors the test process holds: late in a whole run it holds over 1,024, which
select() could not watch, and the suite then found no server at all (CI, 6 December 2026)."""

from __future__ import annotations

import os
import resource
import socket
import threading

import pytest
from gs1_suite import _pump

HELD = 1100


def test_the_pump_carries_bytes_both_ways_past_1024_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < HELD + 64:
        pytest.skip(f"this machine allows {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, HELD + 64), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(HELD)]
    client, front = socket.socketpair()
    back, server = socket.socketpair()
    try:
        assert front.fileno() > 1024 and back.fileno() > 1024
        pump = threading.Thread(target=_pump, args=(front, back), daemon=True)
        pump.start()
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert server.recv(64) == b"GET / HTTP/1.1\r\n\r\n"
        server.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        assert client.recv(64) == b"HTTP/1.1 200 OK\r\n\r\n"
        client.close()
        pump.join(10)
        assert not pump.is_alive()
    finally:
        for descriptor in held:
            os.close(descriptor)
        for end in (client, server):
            end.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
