"""How the product's ASGI server is started, wherever it is (demo, tests, Procfile, compose).

Uvicorn negotiates permessage-deflate by default and browsers ask for it. Each connection then
keeps its own zlib state, and every event is compressed again for every socket: measured with
a deflate-asking client, 75 KB of server memory per idle connection instead of 25 KB. Our
frames are small JSON, so the bandwidth saved does not pay for that in a fan-out server.

Uvicorn buffers a whole incoming message before the application sees it, up to 16 MiB by
default: ten unauthenticated sockets sending 15 MB each cost the server 300 MB before the
consumer could refuse them. ``--ws-max-size`` makes the server itself close an oversized message
with 1009 while reading it, at the same 64 KiB cap the consumer enforces.
"""

from __future__ import annotations

# The largest frame a client may send (the consumer answers 4413 past it, Uvicorn 1009).
MAX_FRAME_BYTES = 64 * 1024

UVICORN_WEBSOCKET_OPTIONS = (
    "--ws-per-message-deflate",
    "false",
    "--ws-max-size",
    str(MAX_FRAME_BYTES),
)
