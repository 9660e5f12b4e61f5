"""How the product's ASGI server is started, wherever it is (demo, tests, Procfile, compose).

Uvicorn negotiates permessage-deflate by default and browsers ask for it. Each connection then
keeps its own zlib state, and every event is compressed again for every socket: measured with
a deflate-asking client, 75 KB of server memory per idle connection instead of 25 KB. Our
frames are small JSON, so the bandwidth saved does not pay for that in a fan-out server.
"""

from __future__ import annotations

UVICORN_WEBSOCKET_OPTIONS = ("--ws-per-message-deflate", "false")
