"""How uvicorn serves the archive: its HTTP protocol, with Nagle's algorithm off.

`archive serve --workers N` has uvicorn bind the listening socket itself, as
socket.socket(AF_INET) with protocol number 0; asyncio turns TCP_NODELAY on only for
sockets whose protocol says TCP, so every connection of a worker kept Nagle's algorithm.
A response goes out in two writes (head, then body), and the second waited for the
client's delayed ACK: every request on a kept-alive connection took 40 ms or more,
/healthz included (3 ms with one worker). The protocol turns TCP_NODELAY on itself.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.auto import AutoHTTPProtocol

# uvicorn's own choice (httptools when installed, else h11), so that --workers changes
# nothing but the socket option
HTTP = "app.web.serving:NoDelayHTTPProtocol"  # as uvicorn's `http` setting names it


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        no_delay(transport)
        super().connection_made(transport)


def no_delay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the connection's socket (TCP sockets only; a Unix socket has none)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
