"""The two notifications of ../kat.rs: a resource (the docs' examples of a
paid transaction and of a refund) encrypted with AES-256-GCM under the
official Java SDK's test APIv3 key by Python's `cryptography`, wrapped in
the notification envelope, and the envelope signed over
`TIMESTAMP\nNONCE\nBODY\n` by the openssl CLI. Prints the bodies and the
signatures; run by make_vectors.sh."""
import base64, json, subprocess
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
KEY = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
def note(eid, event_type, summary, original_type, nonce, plaintext):
    ct = base64.b64encode(AESGCM(KEY).encrypt(nonce.encode(), plaintext.encode(), original_type.encode())).decode()
    body = json.dumps({"id": eid, "create_time": "2015-05-20T13:29:35+08:00", "resource_type": "encrypt-resource",
        "event_type": event_type, "summary": summary,
        "resource": {"original_type": original_type, "algorithm": "AEAD_AES_256_GCM", "ciphertext": ct,
                     "associated_data": original_type, "nonce": nonce}}, ensure_ascii=False, separators=(",", ":"))
    msg = "1554209980\nfdasfwqer3r2f4wjlk3rwjf9\n" + body + "\n"
    raw = subprocess.run(["openssl", "dgst", "-sha256", "-sign", "wechatpay_java_merchant_key.pem"],
                         input=msg.encode(), capture_output=True, check=True).stdout
    sig = base64.b64encode(raw).decode()
    print(event_type); print("BODY", json.dumps(body, ensure_ascii=False)); print("SIG", sig)
note("EV-2018022511223320873", "TRANSACTION.SUCCESS", "支付成功", "transaction", "fdasflkja484",
 json.dumps({"mchid":"1230000109","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"自定义数据","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}, ensure_ascii=False, separators=(",",":")))
note("EV-2018022511223320874", "REFUND.SUCCESS", "退款成功", "refund", "fdasflkja485",
 json.dumps({"mchid":"1900000100","transaction_id":"1008450740201411110005820873","out_trade_no":"20150806125346","refund_id":"50200207182018070300011301001","out_refund_no":"7752501201407033233368018","refund_status":"SUCCESS","success_time":"2018-06-08T10:34:56+08:00","user_received_account":"招商银行信用卡0403","amount":{"total":999,"refund":999,"payer_total":999,"payer_refund":999}}, ensure_ascii=False, separators=(",",":")))
