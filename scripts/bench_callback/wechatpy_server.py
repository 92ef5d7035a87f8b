#!/usr/bin/env python3
"""The callback benchmark's peer: the authorizers' message URL
(POST /{appid}/callback) written with wechatpy, doing what the Rust server
(examples/bench_callback_server.rs) does for a text message: check
msg_signature, decrypt with WeChatCrypto (which checks the appid), parse the
message, answer a text reply repeating its content, encrypted.

    pip install -r scripts/bench_callback/requirements.txt
    python3 scripts/bench_callback/wechatpy_server.py --port 0 [--server uvicorn|aiohttp] [--workers N]

It prints "listening on HOST:PORT" once it accepts connections. uvicorn
(the default) runs a bare ASGI app on uvloop and httptools, its fastest
setup; aiohttp runs the same handler on aiohttp.web. No logging on the
request path, like the Rust server.

With --account it serves an official account's own message URL instead
(POST /wechat), as wechatpy's documentation writes one: check_signature over
the query's `signature`, then WeChatCrypto with the account's appid.

The credentials are those of examples/src/bench_callback.rs.
"""

import argparse
import asyncio
import os
import socket
import sys
from urllib.parse import parse_qs

from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

COMPONENT_APPID = "wx3c1a2b3c4d5e6f70"
ACCOUNT_APPID = "wx5823bf96d3bd56c7"
TOKEN = "componenttoken"
AES_KEY = "Q2xhdWRlQ29kZUlzV3JpdGluZ1RoaXNLZXlGb3JUZXN"

# The account mode is set in the environment so that uvicorn's worker
# processes, which import this module afresh, see it too.
ACCOUNT = os.environ.get("BENCH_CALLBACK_ACCOUNT") == "1"
CRYPTO = WeChatCrypto(TOKEN, AES_KEY, ACCOUNT_APPID if ACCOUNT else COMPONENT_APPID)


def handle(query_string, body):
    """(status, content type, body) of the answer to a POST."""
    query = parse_qs(query_string)
    try:
        signature = query["msg_signature"][0]
        timestamp = query["timestamp"][0]
        nonce = query["nonce"][0]
        if ACCOUNT:
            check_signature(TOKEN, query["signature"][0], timestamp, nonce)
    except (KeyError, IndexError):
        return 400, b"text/plain", b"missing parameter"
    except InvalidSignatureException:
        return 403, b"text/plain", b"invalid signature"
    try:
        xml = CRYPTO.decrypt_message(body, signature, timestamp, nonce)
    except (InvalidSignatureException, InvalidAppIdException):
        return 403, b"text/plain", b"invalid signature"
    except Exception:  # malformed envelope or ciphertext
        return 400, b"text/plain", b"invalid message"
    message = parse_message(xml)
    if message.type != "text":
        return 200, b"text/plain", b"success"
    reply = create_reply(message.content, message)
    answer = CRYPTO.encrypt_message(reply.render(), nonce, timestamp)
    return 200, b"text/xml; charset=utf-8", answer.encode()


def is_message_url(path):
    if ACCOUNT:
        return path == "/wechat"
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "" and parts[2] == "callback" and parts[1]


async def asgi_app(scope, receive, send):
    """The bare ASGI app served by uvicorn."""
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:
        event = await receive()
        chunks.append(event.get("body", b""))
        more = event.get("more_body", False)
    if scope["method"] != "POST" or not is_message_url(scope["path"]):
        status, content_type, body = 404, b"text/plain", b"not found"
    else:
        status, content_type, body = handle(scope["query_string"].decode(), b"".join(chunks))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bound_socket(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def announce(sock):
    host, port = sock.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)


def run_uvicorn(sock, workers):
    import uvicorn

    config = uvicorn.Config(
        "wechatpy_server:asgi_app",
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        workers=workers,
    )
    announce(sock)
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


def run_aiohttp(sock):
    from aiohttp import web

    async def message_url(request):
        status, content_type, body = handle(request.query_string, await request.read())
        return web.Response(status=status, body=body, headers={"Content-Type": content_type.decode()})

    app = web.Application()
    app.router.add_post("/wechat" if ACCOUNT else "/{appid}/callback", message_url)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    announce(sock)
    web.run_app(app, sock=sock, access_log=None, print=None, handle_signals=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--server", choices=["uvicorn", "aiohttp"], default="uvicorn")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--account", action="store_true", help="an official account's own URL")
    args = parser.parse_args()
    if args.account and not ACCOUNT:
        # Start again with the mode in the environment (see ACCOUNT).
        os.environ["BENCH_CALLBACK_ACCOUNT"] = "1"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    sock = bound_socket(args.host, args.port)
    if args.server == "uvicorn":
        run_uvicorn(sock, args.workers)
    else:
        run_aiohttp(sock)


if __name__ == "__main__":
    sys.path.insert(0, __import__("os").path.dirname(__file__))
    main()
