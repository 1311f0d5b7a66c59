"""A raw HTTP/1.1 exchange over a socket: the request line, headers and body go out exactly as
given (no client library normalising `..`, encoding or header values), and the answer's status
and headers come back. A connection closed with no answer is reported as such, not hidden."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass


@dataclass
class RawAnswer:
    status: int  # 0 when the server closed the connection without answering
    headers: dict[str, str]
    body: bytes


def exchange(
    port: int,
    method: bytes,
    target: bytes,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    body: bytes = b"",
    timeout: float = 30,
) -> RawAnswer:
    lines = [b"%s %s HTTP/1.1" % (method, target), b"Host: 127.0.0.1:%d" % port, b"Connection: close"]
    lines += [b"%s: %s" % (name, value) for name, value in headers]
    if body or method in (b"POST", b"PUT", b"PATCH"):
        lines.append(b"Content-Length: %d" % len(body))
    request = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        # The server may answer (413) and close before reading a large body.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        received = bytearray()
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    head, _, rest = bytes(received).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        return RawAnswer(0, {}, bytes(received))
    status_line, *header_lines = head.split(b"\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        parsed[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return RawAnswer(int(status_line.split()[1]), parsed, rest)
