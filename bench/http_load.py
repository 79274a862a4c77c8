"""A small keep-alive HTTP/1.1 load generator, for when wrk is not installed.

Run: python bench/http_load.py URL --connections 16 --seconds 10
Prints one JSON line: {"requests": N, "seconds": S, "rps": R, "errors": E, "non_2xx": K}.
Loopback only: it refuses any host that is not 127.0.0.0/8 or ::1.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import socket
import sys
import time
from urllib.parse import urlsplit


async def worker(host: str, port: int, request: bytes, deadline: float, counts: dict[str, int]) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            await reader.readexactly(length)
            counts["requests"] += 1
            if not 200 <= status < 300:
                counts["non_2xx"] += 1
            if close:
                writer.close()
                reader = writer = None
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            counts["errors"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def load(url: str, connections: int, seconds: float, cookie: str = "") -> dict[str, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if not address.is_loopback:
        raise SystemExit(f"{host} is not a loopback address: this tool loads only this machine")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
    request = (f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"Accept-Encoding: identity\r\n{cookie_line}\r\n").encode()
    counts = {"requests": 0, "errors": 0, "non_2xx": 0}
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(worker(host, port, request, deadline, counts) for _ in range(connections)))
    elapsed = time.monotonic() - started
    return {**counts, "seconds": round(elapsed, 3), "rps": round(counts["requests"] / elapsed, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cookie", default="", help="a Cookie header to send with every request")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(load(args.url, args.connections, min(args.seconds, 120.0), args.cookie))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
