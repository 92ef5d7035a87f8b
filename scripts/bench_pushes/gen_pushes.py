#!/usr/bin/env python3
"""Writes distinct authorizer message pushes, encrypted and signed like
WeChat's (safe mode: `signature` and `msg_signature`), one request a line
(`path<TAB>body`), for `pushes.lua` to send with wrk.

How to: python3 scripts/bench_pushes/gen_pushes.py --count 200000 > /tmp/pushes.txt
(needs `cryptography`: pip install cryptography)

The defaults are the credentials of the sandbox's default configuration
(`wechat_sandbox::SandboxConfig::default()`), which `examples/callback_server
--sandbox` uses. Every push has its own MsgId, nonce and content, so the
server's duplicate detection never short-circuits one. All are stamped with
the time of generation: send them within the server's 5-minute replay window.
`--forge` writes the same pushes with a wrong `signature` and
`msg_signature` (a forged flood).
"""

import argparse
import base64
import hashlib
import os
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SANDBOX_TOKEN = "sandboxtoken"
SANDBOX_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SANDBOX_COMPONENT_APPID = "wx00000000c0000001"
SANDBOX_MERCHANT_APPID = "wx00000000b0000001"
OPENID = "oSandboxUser0000000000000001"
ACCOUNT = "gh_b0000001"


def sha1_sorted(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(key, receive_id, plaintext):
    """WXBizMsgCrypt: random(16) + len(4, big endian) + message + receive id,
    PKCS#7-padded to 32 bytes, AES-256-CBC with the key's first 16 bytes as
    IV, base64."""
    message = plaintext.encode()
    data = os.urandom(16) + struct.pack(">I", len(message)) + message + receive_id.encode()
    pad = 32 - len(data) % 32
    data += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--first-msg-id", type=int, default=None,
                        help="default: derived from the time, so that runs do not repeat ids")
    parser.add_argument("--token", default=SANDBOX_TOKEN)
    parser.add_argument("--aes-key", default=SANDBOX_AES_KEY)
    parser.add_argument("--component-appid", default=SANDBOX_COMPONENT_APPID)
    parser.add_argument("--authorizer", default=SANDBOX_MERCHANT_APPID)
    parser.add_argument("--forge", action="store_true", help="wrong signatures")
    args = parser.parse_args()

    key = base64.b64decode(args.aes_key + "=")
    now = int(time.time())
    first = args.first_msg_id if args.first_msg_id is not None else now * 1_000_000
    out = sys.stdout
    for n in range(args.count):
        msg_id = first + n
        nonce = str(100_000_000 + (msg_id * 7919) % 900_000_000)
        timestamp = str(now)
        plaintext = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
            f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[hello {msg_id}]]></Content><MsgId>{msg_id}</MsgId></xml>"
        )
        enc = encrypt(key, args.component_appid, plaintext)
        signature = sha1_sorted(args.token, timestamp, nonce)
        msg_signature = sha1_sorted(args.token, timestamp, nonce, enc)
        if args.forge:
            signature = sha1_sorted("forged", signature)
            msg_signature = sha1_sorted("forged", msg_signature)
        path = (
            f"/{args.authorizer}/callback?signature={signature}&timestamp={timestamp}"
            f"&nonce={nonce}&openid={OPENID}&encrypt_type=aes&msg_signature={msg_signature}"
        )
        body = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
        )
        out.write(f"{path}\t{body}\n")


if __name__ == "__main__":
    main()
