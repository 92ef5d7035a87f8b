#!/usr/bin/env python3
"""WeChat Pay notification verify + decrypt + parse per second: wechat-api
(Rust) against wechatpayv3 (Python, the peer a Python user would pick), on
the SAME notification, in one run, as a ratio.

The notification is made here: a TRANSACTION.SUCCESS whose resource is
encrypted (AEAD_AES_256_GCM) with the fixture APIv3 key and whose body is
signed now (SHA256withRSA) with the private half of the fixture WeChat Pay
public key (wechat-api/tests/fixtures/pay/). Both sides verify with that
public key (public-key mode: wechatpayv3 would otherwise download
certificates), decrypt the resource and parse it as JSON.

    pip install -r scripts/bench_pay_notify/requirements.txt
    python3 scripts/bench_pay_notify/run.py

It runs `cargo bench -p wechat-api-benches --features pay --bench pay_notify` with
PAY_NOTIFY_INPUT naming the notification (set CARGO_TARGET_DIR as usual).
"""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
import wechatpayv3
from wechatpayv3 import WeChatPay, WeChatPayType

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "wechat-api" / "tests" / "fixtures" / "pay"
PUB_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"
MCHID = "1900000109"
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD5E63E2C0"


def notification():
    """Headers and body of a notification signed now."""
    apiv3 = json.loads((FIXTURES / "vectors.json").read_text())["apiv3_key"]
    resource = json.loads((FIXTURES / "vectors.json").read_text())["notification"]["plaintext"]
    nonce = secrets.token_hex(6)  # 12 characters
    sealed = AESGCM(apiv3.encode()).encrypt(nonce.encode(), resource.encode(), b"transaction")
    body = json.dumps(
        {
            "id": "EV-2018022511223320873",
            "create_time": "2015-05-20T13:29:35+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(sealed).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    key = serialization.load_pem_private_key((FIXTURES / "pubkey_private.pem").read_bytes(), None)
    timestamp = str(int(time.time()))
    header_nonce = secrets.token_hex(16).upper()
    message = f"{timestamp}\n{header_nonce}\n{body}\n".encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": PUB_KEY_ID,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }
    return headers, body


def python_rate(headers, body):
    """wechatpayv3: callback() = verify + decrypt + json parse; best of 3 x 1 s."""
    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.JSAPI,
        mchid=MCHID,
        private_key=(FIXTURES / "merchant_key.pem").read_text(),
        cert_serial_no=MERCHANT_SERIAL,
        apiv3_key=json.loads((FIXTURES / "vectors.json").read_text())["apiv3_key"],
        appid="wxd678efh567hg6787",
        public_key=(FIXTURES / "pub_key.pem").read_text(),
        public_key_id=PUB_KEY_ID,
    )
    result = wxpay.callback(headers, body)
    assert result and result["resource"]["trade_state"] == "SUCCESS", "wechatpayv3 refused it"
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 1.0:
            for _ in range(20):
                wxpay.callback(headers, body)
            n += 20
        best = max(best, n / (time.perf_counter() - start))
    return best


def rust_rate(headers, body):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"headers": headers, "body": body}, f, ensure_ascii=False)
        path = f.name
    try:
        env = dict(os.environ, PAY_NOTIFY_INPUT=path)
        out = subprocess.run(
            ["cargo", "bench", "-q", "-p", "wechat-api-benches", "--features", "pay", "--bench", "pay_notify"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        if out.returncode != 0:
            sys.exit(f"cargo bench failed:\n{out.stderr}")
        out = out.stdout
    finally:
        os.unlink(path)
    match = re.search(r"notify\s+wechat_api\s+(\d+)/s", out)
    if not match:
        sys.exit(f"unexpected bench output:\n{out}")
    return float(match.group(1))


def main():
    headers, body = notification()
    # Rust first (it builds), then Python, on the same notification; the
    # timestamp stays within both sides' window for minutes.
    rust = rust_rate(headers, body)
    python = python_rate(headers, body)
    print(f"notification verify+decrypt+parse, same notification, one run "
          f"(wechatpayv3 {wechatpayv3.__version__ if hasattr(wechatpayv3, '__version__') else '2.0.4'}, "
          f"Python {sys.version.split()[0]}):")
    print(f"  wechat-api (Rust)     {rust:>9.0f}/s")
    print(f"  wechatpayv3 (Python)  {python:>9.0f}/s")
    print(f"  ratio                 {rust / python:>9.2f}x")


if __name__ == "__main__":
    main()
