#!/bin/sh
# Regenerates the known-answer vectors of ../kat.rs with tools that are not
# this crate: the openssl CLI (RSA signatures, SHA1, the public key) and
# Python's `cryptography` (AES-256-GCM). Run from this directory:
#   sh make_vectors.sh
# The vectors are committed (inline in kat.rs); the tests never run this.
#
# The key pair is the merchant test key of WeChat Pay's official Java SDK
# (github.com/wechatpay-apiv3/wechatpay-java,
# core/src/test/resources/merchant_private_key.pem, Apache-2.0): a published
# test key, never a real merchant's.
set -eu
cd "$(dirname "$0")"
K=wechatpay_java_merchant_key.pem
openssl pkey -in $K -pubout -out wechatpay_java_merchant_public_key.pem
sign() { openssl dgst -sha256 -sign $K | openssl base64 -A; echo; }

echo "request, the docs' example (签名生成: GET /v3/certificates)"
printf 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n' | sign
echo "request, POST with a body"
printf 'POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"appid":"wxd678efh567hg6787","mchid":"1230000109"}\n' | sign
echo "request, GET with a query"
printf 'GET\n/v3/pay/transactions/id/1217752501201407033233368018?mchid=1230000109\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n' | sign
echo "JSAPI paySign, the docs' example values (JSAPI调起支付)"
printf 'wx2421b1c4370ec43b\n1395712654\ne61463f8efa94090b1f366cccfbbb444\nprepay_id=wx21201855730335ac86f8c43d1889123400\n' | sign
echo "APP sign, the same values (APP调起支付: appid, timestamp, noncestr, prepayid)"
printf 'wx2421b1c4370ec43b\n1395712654\ne61463f8efa94090b1f366cccfbbb444\nwx21201855730335ac86f8c43d1889123400\n' | sign
echo "answer, signed as WeChat Pay signs (timestamp, nonce, body, one per line)"
printf '1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"prepay_id":"wx201410272009395522657a690389285100"}\n' | sign

echo "notifications (AES-256-GCM with the APIv3 key, signed with the key above)"
python3 make_notification.py

echo "bill: SHA1 of the plain file, and the file gzip-compressed"
sha1sum bill.csv
gzip -n -9 -c bill.csv | base64 -w0; echo
