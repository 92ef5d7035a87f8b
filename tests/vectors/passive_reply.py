#!/usr/bin/env python3
"""Known-answer vectors for passive replies, from an independent
implementation: wechatpy's WeChatCrypto.

    pip install wechatpy cryptography
    WECHAT_API_WRITE_VECTORS=1 cargo test -p wechat-api-tests --test it callback::vectors  # our_reply.json
    python3 tests/vectors/passive_reply.py                                            # wechatpy_reply.json

It writes tests/vectors/wechatpy_reply.json:

- "reply": a passive text reply rendered by wechatpy (TextReply) and
  encrypted by wechatpy with a fixed 16-byte random prefix;
- "push": an incoming text message encrypted the same way (what WeChat
  sends to a message URL);
- "our_reply_decrypted_by_wechatpy": wechatpy decrypting and parsing the
  reply this crate wrote (tests/vectors/our_reply.json, produced by the
  Rust test); the script fails if wechatpy cannot decrypt it, if its
  signature does not verify, or if the parsed content differs.

The Rust test tests/tests/it/callback/vectors.rs checks both directions.
"""

import json
import pathlib
import sys

import wechatpy
from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.replies import TextReply

HERE = pathlib.Path(__file__).resolve().parent

# The configuration of test-support/src/callback.rs.
TOKEN = "componenttoken"
ENCODING_AES_KEY = "Q2xhdWRlQ29kZUlzV3JpdGluZ1RoaXNLZXlGb3JUZXN"
RECEIVE_ID = "wx3c1a2b3c4d5e6f70"
RANDOM = "0123456789abcdef"


def fixed_random(self):
    return RANDOM


# wechatpy draws the 16-byte prefix at random: fix it so the output is a
# known answer.
PrpCrypto.get_random_string = fixed_random


def encrypted(crypto, plaintext, timestamp, nonce):
    envelope = crypto.encrypt_message(plaintext, nonce, timestamp)
    # read the parts back from wechatpy's own envelope
    fields = {}
    for name in ("Encrypt", "MsgSignature"):
        start = envelope.index("<%s><![CDATA[" % name) + len(name) + 11
        fields[name] = envelope[start : envelope.index("]]>", start)]
    return {
        "plaintext": plaintext,
        "timestamp": timestamp,
        "nonce": nonce,
        "envelope": envelope,
        "encrypt": fields["Encrypt"],
        "msg_signature": fields["MsgSignature"],
    }


def check_our_reply(crypto):
    ours = json.loads((HERE / "our_reply.json").read_text(encoding="utf-8"))
    envelope = ours["envelope"]
    signature_start = envelope.index("<MsgSignature><![CDATA[") + 23
    signature = envelope[signature_start : envelope.index("]]>", signature_start)]
    # decrypt_message checks the signature over (token, timestamp, nonce,
    # Encrypt) and the receive id, and raises otherwise
    plaintext = crypto.decrypt_message(envelope, signature, ours["timestamp"], ours["nonce"])
    message = parse_message(plaintext)
    if plaintext != ours["plaintext"] or message.content != ours["content"]:
        sys.exit("wechatpy reads our reply differently:\n%r\n%r" % (plaintext, message.content))
    return {
        "envelope": envelope,
        "plaintext": plaintext,
        "content": message.content,
        "target": message.target,
        "source": message.source,
    }


def main():
    crypto = WeChatCrypto(TOKEN, ENCODING_AES_KEY, RECEIVE_ID)
    reply = TextReply(
        source="gh_account",
        target="oWechatpyUser",
        content="你好 from wechatpy",
        time=1700000000,
    ).render()
    push = (
        "<xml><ToUserName><![CDATA[gh_account]]></ToUserName>"
        "<FromUserName><![CDATA[oWechatpyUser]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[hello from wechatpy]]></Content><MsgId>6054768590064713728</MsgId></xml>"
    )
    vector = {
        "generator": "tests/vectors/passive_reply.py, wechatpy %s" % wechatpy.__version__,
        "token": TOKEN,
        "encoding_aes_key": ENCODING_AES_KEY,
        "receive_id": RECEIVE_ID,
        "random": RANDOM,
        "reply": encrypted(crypto, reply, "1700000000", "1320562132"),
        "push": encrypted(crypto, push, "1700000001", "1320562133"),
        "our_reply_decrypted_by_wechatpy": check_our_reply(crypto),
    }
    out = HERE / "wechatpy_reply.json"
    out.write_text(json.dumps(vector, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("wrote %s; wechatpy decrypted and parsed our reply" % out)


if __name__ == "__main__":
    main()
