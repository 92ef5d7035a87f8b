//! The WeChat Pay quickstart: a merchant's whole payment flow against the
//! local sandbox playing WeChat Pay, over real HTTP on 127.0.0.1.
//!
//! ```text
//! cargo run --example pay_quickstart
//! ```
//!
//! It starts the sandbox and a `notify_url` server (the library's
//! `PayNotifyRoutes`) in this process, then:
//!
//! 1. creates a JSAPI order (a signed request; the answer is verified);
//! 2. builds the `wx.requestPayment` parameters for it;
//! 3. the sandbox pays it (the user paid);
//! 4. `TRANSACTION.SUCCESS` reaches the `notify_url`: verified, decrypted,
//!    handled;
//! 5. queries the order: `SUCCESS`;
//! 6. refunds part of it;
//! 7. `REFUND.SUCCESS` reaches the `notify_url`: verified, decrypted, handled;
//! 8. asks for the day's trade bill and downloads it (gzip), its SHA1 checked;
//! 9. the sandbox rotates its platform certificate: the next call is signed
//!    with a serial the client has not seen, and still verifies (one refresh);
//! 10. the sandbox switches to the WeChat Pay public key: the client
//!     configured with both keys keeps verifying, so does one configured with
//!     the public key only; one with certificates only refuses the answer.
//!
//! It prints each step with its time and exits 0 when every step held, 1
//! with the failing step otherwise. It waits on conditions (a notification
//! handled), never on fixed sleeps. Set `RUST_LOG=info` to see the logs.

use std::future::IntoFuture as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use wechat_api::api::bills::TradeBillRequest;
use wechat_api::api::refunds::{CreateRequest, RefundRequestAmount};
use wechat_api::api::transactions::{
    JsapiRequest, OrderAmount, OrderPayer, QueryByOutTradeNoRequest, TradeState,
};
use wechat_api::pay::{
    BillCompression, PayConfig, PayConfigBuilder, PayRejection, Refund, RefundStatus, Transaction,
    WechatPay,
};
use wechat_api::server::{PayNotifyRoutes, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_sandbox::pay::{Delivery, KeyMode, PaySettings};
use wechat_sandbox::{Sandbox, SandboxConfig};

/// The official account the order is for, and its user.
const APPID: &str = "wxd678efh567hg6787";
const OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
const OUT_TRADE_NO: &str = "QUICKSTART-ORDER-1";
const OUT_REFUND_NO: &str = "QUICKSTART-REFUND-1";
/// How long a notification may take to arrive (generous: a loaded machine).
const WAIT: Duration = Duration::from_secs(60);

/// What failed, and where.
type Failed = String;

/// Names the step a failure happened in.
fn at<E: std::fmt::Display>(step: &'static str) -> impl FnOnce(E) -> Failed {
    move |e| format!("step `{step}` failed: {e}")
}

/// Fails `step` unless `holds`.
fn check(holds: bool, step: &'static str, what: &str) -> Result<(), Failed> {
    match holds {
        true => Ok(()),
        false => Err(at(step)(what)),
    }
}

/// Prints a step that held, with the time it took.
fn done(n: usize, started: Instant, what: &str) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    println!("{n:>2}. {what} ({ms:.1} ms)");
}

/// Waits for what the notification handler passes on.
async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>, step: &'static str) -> Result<T, Failed> {
    match tokio::time::timeout(WAIT, rx.recv()).await {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(at(step)("the notify server stopped")),
        Err(_) => Err(at(step)(format!("no notification within {WAIT:?}"))),
    }
}

/// The merchant's configuration, as its sandbox credentials give it.
fn merchant(sandbox: &Sandbox) -> Result<PayConfigBuilder, Failed> {
    let m = sandbox.pay().merchant().map_err(at("merchant"))?;
    let key = m
        .private_key_pem()
        .ok_or_else(|| at("merchant")("no private key"))?;
    Ok(PayConfig::builder()
        .mchid(m.mchid())
        .merchant_serial(m.serial())
        .private_key_pem(key.as_bytes().to_vec())
        .apiv3_key(m.apiv3_key())
        .base_url(sandbox.base_url().as_str()))
}

/// Runs the whole flow, printing each step; returns how many steps held
/// (all of them) or the first failure.
async fn run() -> Result<usize, Failed> {
    let settings = PaySettings::default();
    let config = SandboxConfig::builder()
        .push_interval(None)
        .pay(settings)
        .build()
        .map_err(at("sandbox"))?;
    let sandbox = Sandbox::start(config).await.map_err(at("sandbox"))?;
    println!("sandbox: WeChat Pay on {}", sandbox.base_url());

    // The merchant: platform certificates (downloaded from /v3/certificates)
    // and the WeChat Pay public key, as during the migration WeChat Pay asks
    // merchants to make.
    let public_key = sandbox.pay().public_key().map_err(at("merchant"))?;
    let pay_config = merchant(&sandbox)?
        .platform_certificates()
        .public_key_pem(public_key.id.clone(), public_key.pem.clone().into_bytes())
        .build()
        .map_err(at("merchant"))?;
    let pay = WechatPay::new(pay_config).map_err(at("merchant"))?;

    // The notify_url: the library's route; the handlers pass what they got on.
    let (paid_tx, mut paid_rx) = mpsc::unbounded_channel::<Transaction>();
    let (refund_tx, mut refund_rx) = mpsc::unbounded_channel::<Refund>();
    let routes = PayNotifyRoutes::new(pay.clone(), Arc::new(MemoryStore::new()))
        .on_transaction(move |transaction| {
            let sent = paid_tx.send(transaction);
            async move { Ok(sent?) }
        })
        .on_refund(move |refund| {
            let sent = refund_tx.send(refund);
            async move { Ok(sent?) }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(at("listen"))?;
    let notify_url = format!(
        "http://{}/pay/notify",
        listener.local_addr().map_err(at("listen"))?
    );
    tokio::spawn(
        serve(
            listener,
            routes.router("/pay/notify"),
            ServeOptions::default(),
        )
        .into_future(),
    );
    println!("notify_url: {notify_url}");

    let step = "create a JSAPI order";
    let t = Instant::now();
    let order = JsapiRequest::new(
        APPID,
        "Image形象店-深圳腾大-QQ公仔",
        OUT_TRADE_NO,
        notify_url.as_str(),
        OrderAmount::new(888).currency("CNY"),
        OrderPayer::new(OPENID),
    );
    let created = pay.transactions().jsapi(order).await.map_err(at(step))?;
    check(!created.prepay_id.is_empty(), step, "no prepay_id")?;
    done(
        1,
        t,
        &format!(
            "JSAPI order {OUT_TRADE_NO}: prepay_id {}",
            created.prepay_id
        ),
    );

    let step = "client parameters";
    let t = Instant::now();
    let params = pay
        .jsapi_params(APPID, &created.prepay_id)
        .map_err(at(step))?;
    check(
        params.package == format!("prepay_id={}", created.prepay_id)
            && params.sign_type == "RSA"
            && !params.pay_sign.is_empty(),
        step,
        "incomplete wx.requestPayment parameters",
    )?;
    done(
        2,
        t,
        &format!(
            "wx.requestPayment parameters: {}, paySign {} chars",
            params.package,
            params.pay_sign.len()
        ),
    );

    let step = "the sandbox pays";
    let t = Instant::now();
    let paid = sandbox.pay().pay_order(OUT_TRADE_NO).map_err(at(step))?;
    done(
        3,
        t,
        &format!("paid: transaction_id {}", paid.transaction_id),
    );

    // Timed from the payment: the push, verification, decryption, handling.
    let step = "payment notification";
    let transaction = next(&mut paid_rx, step).await?;
    check(
        transaction.out_trade_no == OUT_TRADE_NO
            && transaction.transaction_id == paid.transaction_id
            && transaction.trade_state == wechat_api::pay::TradeState::Success
            && transaction.amount.total == 888,
        step,
        "the handled transaction is not the order paid",
    )?;
    let record = sandbox
        .pay()
        .wait_for_notification(&paid.notification_id, WAIT)
        .await;
    check(
        record.is_some_and(|r| r.delivery == Delivery::Delivered),
        step,
        "WeChat Pay did not see the notification acknowledged",
    )?;
    done(
        4,
        t,
        &format!(
            "TRANSACTION.SUCCESS verified, decrypted and handled ({} fen, acknowledged; timed from the payment)",
            transaction.amount.total
        ),
    );

    let step = "query the order";
    let t = Instant::now();
    let queried = pay
        .transactions()
        .query_by_out_trade_no(QueryByOutTradeNoRequest::new(OUT_TRADE_NO))
        .await
        .map_err(at(step))?;
    check(
        queried.transaction.trade_state == TradeState::Success,
        step,
        "the order is not SUCCESS",
    )?;
    done(5, t, &format!("order {OUT_TRADE_NO} is SUCCESS"));

    let step = "refund";
    let t = Instant::now();
    let refunded_at = t;
    let refund = pay
        .refunds()
        .create(
            CreateRequest::new(OUT_REFUND_NO, RefundRequestAmount::new(300, 888, "CNY"))
                .transaction_id(paid.transaction_id.clone())
                .notify_url(notify_url.clone()),
        )
        .await
        .map_err(at(step))?;
    check(refund.refund.amount.refund == 300, step, "wrong amount")?;
    done(
        6,
        t,
        &format!(
            "refund {OUT_REFUND_NO} of 300 fen accepted: refund_id {}",
            refund.refund.refund_id
        ),
    );

    // Timed from the refund request.
    let step = "refund notification";
    let refunded = next(&mut refund_rx, step).await?;
    check(
        refunded.out_refund_no == OUT_REFUND_NO
            && refunded.refund_status == RefundStatus::Success
            && refunded.amount.refund == 300,
        step,
        "the handled refund is not the refund made",
    )?;
    done(
        7,
        refunded_at,
        "REFUND.SUCCESS verified, decrypted and handled (timed from the refund request)",
    );

    let step = "download the bill";
    let t = Instant::now();
    // The bill of the payment's day, China time.
    let day: String = transaction
        .success_time
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    let bill = pay
        .bills()
        .trade_bill(TradeBillRequest::new(day.clone()).tar_type("GZIP"))
        .await
        .map_err(at(step))?;
    let file = pay
        .download_bill(
            &bill.download_url,
            &bill.hash_type,
            &bill.hash_value,
            BillCompression::Gzip,
        )
        .await
        .map_err(at(step))?;
    let text = String::from_utf8_lossy(&file);
    check(
        text.contains(OUT_TRADE_NO),
        step,
        "the order is not in the bill",
    )?;
    done(
        8,
        t,
        &format!(
            "trade bill of {day}: {} bytes, {} {} checked",
            file.len(),
            bill.hash_type,
            bill.hash_value
        ),
    );

    let step = "certificate rotation";
    let t = Instant::now();
    // WeChat Pay lists a new certificate well before it signs with it; the
    // client's refresh (hourly by default; run here now) downloads it, so
    // the switch needs no emergency refresh.
    let old = sandbox.pay().signing_serial().map_err(at(step))?;
    let listed = sandbox.pay().rotate_certificate().map_err(at(step))?;
    pay.verifier().refresh().await.map_err(at(step))?;
    let new = sandbox.pay().complete_rotation().map_err(at(step))?;
    check(
        new != old && new == listed,
        step,
        "the signing certificate did not change",
    )?;
    let refreshes = pay.verifier().generation();
    pay.transactions()
        .query_by_out_trade_no(QueryByOutTradeNoRequest::new(OUT_TRADE_NO))
        .await
        .map_err(at(step))?;
    check(
        pay.verifier().generation() == refreshes,
        step,
        "the switch needed an emergency refresh",
    )?;
    done(
        9,
        t,
        &format!("platform certificate rotated {old} -> {new}; the next answer verified"),
    );

    let step = "public-key mode";
    let t = Instant::now();
    sandbox
        .pay()
        .set_key_mode(KeyMode::PublicKey)
        .map_err(at(step))?;
    let query = || QueryByOutTradeNoRequest::new(OUT_TRADE_NO);
    pay.transactions()
        .query_by_out_trade_no(query())
        .await
        .map_err(at(step))?;
    let public_only = merchant(&sandbox)?
        .public_key_pem(public_key.id.clone(), public_key.pem.clone().into_bytes())
        .build()
        .and_then(WechatPay::new)
        .map_err(at(step))?;
    public_only
        .transactions()
        .query_by_out_trade_no(query())
        .await
        .map_err(at(step))?;
    let certificates_only = merchant(&sandbox)?
        .platform_certificates()
        .build()
        .and_then(WechatPay::new)
        .map_err(at(step))?;
    let refused = certificates_only
        .transactions()
        .query_by_out_trade_no(query())
        .await;
    check(
        matches!(
            refused,
            Err(wechat_api::Error::PaySignature {
                reason: PayRejection::UnknownSerial(_)
            })
        ),
        step,
        "a client without the public key believed an answer it cannot verify",
    )?;
    done(
        10,
        t,
        &format!(
            "signed with the WeChat Pay public key {}: verified with both keys and with the public key only",
            public_key.id
        ),
    );
    sandbox.shutdown().await;
    Ok(10)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let started = Instant::now();
    match run().await {
        Ok(steps) => {
            println!(
                "pay quickstart passed: {steps} steps in {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pay quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// CI runs this program's flow (`cargo test` runs this example's tests).
#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_pay_quickstart_passes_every_step() {
        assert_eq!(super::run().await, Ok(10));
    }
}
