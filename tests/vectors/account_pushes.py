#!/usr/bin/env python3
"""WeChat's pushes to an official account's and a mini program's own message
URL, built independently of wechat-api: from the official documentation's
algorithm (消息加解密接入指引 / 消息推送) and its sample account, with Python's
`hashlib` and `cryptography` only.

    pip install cryptography
    python3 tests/vectors/account_pushes.py   # writes tests/vectors/account_pushes.json

The algorithm, as documented:

- signature     = sha1(sorted([token, timestamp, nonce]) joined)
- msg_signature = sha1(sorted([token, timestamp, nonce, Encrypt]) joined)
- Encrypt       = base64(AES-256-CBC(key, iv = key[:16],
                  pad32(random(16) + len(msg) as 4 bytes big-endian + msg + appid)))
  where key = base64decode(EncodingAESKey + "=") and pad32 is PKCS#7 to a
  multiple of 32 bytes.

Each case is one request (method, query, body) with what it carries; the Rust
test tests/tests/it/callback/account_vectors.rs feeds them to the library's
account message URL and opens its replies with its own AES code.
"""

import base64
import hashlib
import json
import pathlib
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = pathlib.Path(__file__).resolve().parent

# The sample account of WeChat's message encryption documentation.
TOKEN = "spamtest"
ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
ORIGINAL_ID = "gh_7f083739789a"
OPENID = "oia2TjjewbmiOUlr6X-1crbLOvLw"
# The documentation's sample timestamp and nonce (2014: the Rust test widens
# the replay window for these vectors).
TIMESTAMP = "1409304348"
NONCE = "xxxxxx"
RANDOM = b"aaaabbbbccccdddd"


def sha1(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(plaintext, appid=APPID):
    key = base64.b64decode(ENCODING_AES_KEY + "=")
    message = plaintext.encode()
    data = RANDOM + struct.pack(">I", len(message)) + message + appid.encode()
    pad = 32 - len(data) % 32
    data += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def query(nonce, **extra):
    pairs = {"signature": sha1(TOKEN, TIMESTAMP, nonce), "timestamp": TIMESTAMP, "nonce": nonce}
    pairs.update(extra)
    return "&".join(f"{k}={v}" for k, v in pairs.items())


def xml_message(msg_type, fields, msg_id=None, create_time=1409304348):
    body = (
        f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
    )
    for name, value in fields:
        body += f"<{name}><![CDATA[{value}]]></{name}>"
    if msg_id is not None:
        body += f"<MsgId>{msg_id}</MsgId>"
    return body + "</xml>"


def json_message(msg_type, fields, msg_id=None, create_time=1409304348):
    message = {
        "ToUserName": ORIGINAL_ID,
        "FromUserName": OPENID,
        "CreateTime": create_time,
        "MsgType": msg_type,
    }
    message.update(fields)
    if msg_id is not None:
        message["MsgId"] = msg_id
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def plain(name, nonce, document, **expect):
    return {"name": name, "method": "POST", "query": query(nonce, openid=OPENID),
            "body": document, "encrypted": False, **expect}


def safe(name, nonce, document, json_format=False, compatible=False, **expect):
    ciphertext = encrypt(document)
    q = query(nonce, openid=OPENID, encrypt_type="aes",
              msg_signature=sha1(TOKEN, TIMESTAMP, nonce, ciphertext))
    if json_format:
        body = json.dumps({"ToUserName": ORIGINAL_ID, "Encrypt": ciphertext})
    elif compatible:
        body = document[: -len("</xml>")] + f"<Encrypt><![CDATA[{ciphertext}]]></Encrypt></xml>"
    else:
        body = (f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{ciphertext}]]></Encrypt></xml>")
    return {"name": name, "method": "POST", "query": q, "body": body, "encrypted": True, **expect}


def main():
    text = lambda content, msg_id: xml_message("text", [("Content", content)], msg_id)
    cases = [
        {"name": "url check", "method": "GET",
         "query": query("1514711492", echostr="5927782489442352469"),
         "body": "", "encrypted": False, "answer": "5927782489442352469"},
        plain("plain text", "100000001", text("plain hello", 6054768590064713728),
              msg_type="text", content="plain hello"),
        safe("compatible text", "100000002", text("compatible hello", 6054768590064713729),
             compatible=True, msg_type="text", content="compatible hello"),
        safe("safe text", "100000003", text("safe <b>hello</b> ]]", 6054768590064713730),
             msg_type="text", content="safe <b>hello</b> ]]"),
        safe("safe subscribe", "100000004",
             xml_message("event", [("Event", "subscribe"), ("EventKey", "")]),
             msg_type="event", event="subscribe"),
        safe("safe click", "100000005",
             xml_message("event", [("Event", "CLICK"), ("EventKey", "MENU_KEY")]),
             msg_type="event", event="CLICK"),
        plain("mini program JSON text", "100000006",
              json_message("text", {"Content": "json hello"}, 6054768590064713731),
              msg_type="text", content="json hello", json=True),
        safe("mini program JSON safe text", "100000007",
             json_message("text", {"Content": "json safe"}, 6054768590064713732),
             json_format=True, msg_type="text", content="json safe", json=True),
        safe("mini program customer-service card", "100000008",
             json_message("miniprogrampage", {
                 "Title": "Title", "AppId": "wxappid", "PagePath": "pages/index",
                 "ThumbUrl": "https://example.com/t.png", "ThumbMediaId": "media"},
                 6054768590064713733),
             json_format=True, msg_type="miniprogrampage", json=True),
        safe("mini program enters the session", "100000009",
             json_message("event", {"Event": "user_enter_tempsession", "SessionFrom": "card"}),
             json_format=True, msg_type="event", event="user_enter_tempsession", json=True),
        safe("mini program XML customer-service card", "100000010",
             xml_message("miniprogrampage", [
                 ("Title", "Title"), ("AppId", "wxappid"), ("PagePath", "pages/index"),
                 ("ThumbUrl", "https://example.com/t.png"), ("ThumbMediaId", "media")],
                 6054768590064713734),
             msg_type="miniprogrampage"),
    ]
    out = {
        "source": "tests/vectors/account_pushes.py (hashlib + cryptography, the documented algorithm)",
        "token": TOKEN, "encoding_aes_key": ENCODING_AES_KEY, "appid": APPID,
        "original_id": ORIGINAL_ID, "openid": OPENID, "cases": cases,
    }
    path = HERE / "account_pushes.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
