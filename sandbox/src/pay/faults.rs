//! Faults a test can inject into WeChat Pay's answers and notifications:
//! the failures a merchant's verifier must catch (a bad signature, an
//! unknown serial, WeChat's signature probe) and the ones its retry logic
//! must survive (5xx, latency).

use std::collections::VecDeque;
use std::time::Duration;

/// What a [`PayFault`] does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayFaultKind {
    /// The answer (or notification) is handled normally, but its
    /// `Wechatpay-Signature` does not match the body.
    BadSignature,
    /// Signed by the right key, but `Wechatpay-Serial` names a key the
    /// merchant cannot know.
    UnknownSerial,
    /// WeChat's signature probe: `Wechatpay-Signature` starts with
    /// `WECHATPAY/SIGNTEST/`; a merchant must refuse it.
    SignatureProbe,
    /// Answer this 5xx status with `SYSTEM_ERROR` without doing anything.
    ServerError(u16),
    /// Wait this long, then answer normally.
    Latency(Duration),
}

/// Where a fault applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Answers,
    Notifications,
}

/// A fault for the next `times` answers (to `path`, if set) or
/// notifications.
///
/// ```
/// use wechat_sandbox::pay::PayFault;
///
/// let probe = PayFault::signature_probe().on_notifications();
/// let outage = PayFault::server_error(503).on("/v3/certificates").times(2);
/// # let _ = (probe, outage);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayFault {
    kind: PayFaultKind,
    path: Option<String>,
    target: Target,
    times: usize,
}

impl PayFault {
    /// A fault of `kind` for the next answer.
    pub fn new(kind: PayFaultKind) -> Self {
        PayFault {
            kind,
            path: None,
            target: Target::Answers,
            times: 1,
        }
    }

    /// A signature that does not match.
    pub fn bad_signature() -> Self {
        Self::new(PayFaultKind::BadSignature)
    }

    /// A serial no merchant knows.
    pub fn unknown_serial() -> Self {
        Self::new(PayFaultKind::UnknownSerial)
    }

    /// A `WECHATPAY/SIGNTEST/…` signature probe.
    pub fn signature_probe() -> Self {
        Self::new(PayFaultKind::SignatureProbe)
    }

    /// HTTP `status` (500 if it is not 5xx) with `SYSTEM_ERROR`.
    pub fn server_error(status: u16) -> Self {
        let status = if (500..600).contains(&status) {
            status
        } else {
            500
        };
        Self::new(PayFaultKind::ServerError(status))
    }

    /// A delay before the answer.
    pub fn latency(delay: Duration) -> Self {
        Self::new(PayFaultKind::Latency(delay))
    }

    /// Only answers to `path` (e.g. `/v3/pay/transactions/jsapi`).
    pub fn on(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Applies to notifications (pushes) instead of answers; only the
    /// signature faults do anything there.
    pub fn on_notifications(mut self) -> Self {
        self.target = Target::Notifications;
        self
    }

    /// For the next `n` matching answers or notifications.
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// What it does.
    pub fn kind(&self) -> &PayFaultKind {
        &self.kind
    }
}

/// The queue of pending faults.
#[derive(Debug, Default)]
pub(crate) struct PayFaults(VecDeque<PayFault>);

impl PayFaults {
    pub(crate) fn push(&mut self, fault: PayFault) {
        if fault.times > 0 {
            self.0.push_back(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.0.iter().map(|f| f.times).sum()
    }

    /// The first fault for `target` and `path`, used once.
    pub(crate) fn take(&mut self, target: Target, path: &str) -> Option<PayFaultKind> {
        let index = self.0.iter().position(|f| {
            f.times > 0 && f.target == target && f.path.as_deref().is_none_or(|p| p == path)
        })?;
        let fault = self.0.get_mut(index)?;
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.0.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_taken_by_target_and_path() {
        let mut faults = PayFaults::default();
        faults.push(PayFault::signature_probe().on_notifications());
        faults.push(PayFault::server_error(404).on("/a").times(2));
        faults.push(PayFault::bad_signature().times(0));
        assert_eq!(faults.pending(), 3);
        assert_eq!(faults.take(Target::Answers, "/b"), None);
        assert_eq!(
            faults.take(Target::Answers, "/a"),
            Some(PayFaultKind::ServerError(500))
        );
        assert_eq!(
            faults.take(Target::Notifications, "/a"),
            Some(PayFaultKind::SignatureProbe)
        );
        assert_eq!(faults.pending(), 1);
        faults.clear();
        assert_eq!(faults.take(Target::Answers, "/a"), None);
    }
}
