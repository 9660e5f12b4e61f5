"""The simulated browsers' HTTP client keeps connections alive and, like a browser, sends a GET
again on a new connection when the server has closed the one it reused."""

from __future__ import annotations

import asyncio

from bench.httpget import Browser


async def _one_answer_per_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answers one request, then closes: what a keep-alive timeout does to an idle connection."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    await writer.drain()
    writer.close()


def test_a_get_on_a_connection_the_server_closed_is_sent_again_on_a_new_one() -> None:
    async def scenario() -> list[int]:
        connections = 0

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            await _one_answer_per_connection(reader, writer)

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        browser = Browser(f"http://127.0.0.1:{port}", [])
        # Two at once: two idle connections, both closed by the server a moment later.
        first = await asyncio.gather(browser.get("/a/"), browser.get("/b/"))
        await asyncio.sleep(0.05)
        again = await browser.get("/a/")
        browser.close()
        server.close()
        return [*(answer.status for answer in (*first, again)), connections]

    *statuses, connections = asyncio.run(scenario())
    assert statuses == [200, 200, 200]
    assert connections == 3


def test_a_body_is_read_whole_over_one_kept_alive_connection() -> None:
    async def scenario() -> tuple[list[bytes], int]:
        connections = 0

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            while True:
                try:
                    await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                body = b"<p>" + b"x" * 100_000 + b"</p>"
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        browser = Browser(f"http://127.0.0.1:{port}", [("Cookie", "a=b")])
        bodies = [(await browser.get("/big/")).body for _ in range(3)]
        browser.close()
        server.close()
        return bodies, connections

    bodies, connections = asyncio.run(scenario())
    assert [len(b) for b in bodies] == [100_007] * 3
    assert connections == 1
