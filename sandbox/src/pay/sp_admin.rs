//! What a test steers on the service-provider side, as WeChat (or the
//! user, or the merchant on its phone) would act: sub-merchants, the
//! onboarding's steps, paying a partner order, ending a partner refund,
//! where profit-sharing notifications go, opening a complaint, ending a
//! transfer. Every push it causes is signed and encrypted like any other
//! notification and recorded in
//! [`PaySandbox::notifications`](super::PaySandbox::notifications).

use std::sync::Arc;

use super::applyment::{self, ApplymentState, ApplymentStep};
use super::complaints::{self, ComplaintSpec};
use super::state::RefundStatus;
use super::transfers::{self, TransferOutcome};
use super::{
    PaidOrder, PaySandbox, RefundOutcome, notify, partner_orders, partner_refunds, pay_error,
};
use crate::{SandboxError, Shared};

/// An onboarding's state after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplymentStatus {
    /// Its new state.
    pub state: ApplymentState,
    /// The `sub_mchid` issued, once `Finished`.
    pub sub_mchid: Option<String>,
}

/// A complaint the sandbox opened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenedComplaint {
    /// Its `complaint_id`.
    pub complaint_id: String,
    /// The id of its `COMPLAINT.CREATE` notification (`None` when no
    /// complaint notification URL is set).
    pub notification_id: Option<String>,
}

/// Ends a partner refund and pushes its `REFUND.*` notification.
pub(crate) fn finish_partner_refund(
    shared: &Arc<Shared>,
    sp: &str,
    sub: &str,
    no: &str,
    outcome: RefundOutcome,
) -> Result<Option<String>, String> {
    let (status, event_type, summary) = match outcome {
        RefundOutcome::Success => (RefundStatus::Success, "REFUND.SUCCESS", "退款成功"),
        RefundOutcome::Abnormal => (RefundStatus::Abnormal, "REFUND.ABNORMAL", "退款异常"),
        RefundOutcome::Closed => (RefundStatus::Closed, "REFUND.CLOSED", "退款关闭"),
    };
    let refund = partner_refunds::finish(&mut *shared.pay.world()?, sp, sub, no, status)?;
    let Some(notify_url) = refund.notify_url.clone() else {
        return Ok(None);
    };
    notify::send(
        shared,
        notify::Outgoing {
            mchid: sp.to_owned(),
            notify_url,
            event_type,
            summary,
            original_type: "refund",
            resource: partner_refunds::notification_json(&refund),
        },
    )
    .map(Some)
}

impl PaySandbox<'_> {
    /// Registers `sub_mchid` as a sub-merchant of service provider
    /// `sp_mchid` (a configured merchant), with its own appids.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when `sp_mchid` is not a configured merchant.
    pub fn add_sub_merchant(
        &self,
        sp_mchid: &str,
        sub_mchid: &str,
        sub_appids: &[&str],
    ) -> Result<(), SandboxError> {
        let mut world = self.world()?;
        if world.merchant(sp_mchid).is_none() {
            return Err(pay_error(format!("{sp_mchid} is not a pay merchant")));
        }
        let appids: Vec<String> = sub_appids.iter().map(|a| (*a).to_owned()).collect();
        world.add_sub_merchant(sp_mchid, sub_mchid, &appids);
        Ok(())
    }

    /// Sets how much of an order `sp_mchid` may share away from
    /// `sub_mchid`, in basis points (default 3000: 30%).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] for an unknown sub-merchant or a ratio over
    /// 10000.
    pub fn set_profit_sharing_max_ratio(
        &self,
        sp_mchid: &str,
        sub_mchid: &str,
        basis_points: i64,
    ) -> Result<(), SandboxError> {
        if !(0..=10_000).contains(&basis_points) {
            return Err(pay_error(format!("{basis_points} is not 0 to 10000")));
        }
        let mut world = self.world()?;
        let sub = world
            .sub_merchant_mut(sp_mchid, sub_mchid)
            .ok_or_else(|| pay_error(format!("{sub_mchid} is not a sub-merchant of {sp_mchid}")))?;
        sub.max_ratio = basis_points;
        Ok(())
    }

    /// Where `PROFITSHARING.*` notifications of receiver `mchid` (a
    /// configured merchant) go, as set on WeChat's merchant platform.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn set_profit_sharing_notify_url(
        &self,
        mchid: &str,
        url: &str,
    ) -> Result<(), SandboxError> {
        self.world()?
            .sp
            .profitsharing_urls
            .insert(mchid.to_owned(), url.to_owned());
        Ok(())
    }

    /// Takes `step` on onboarding `applyment_id` (see the module docs of
    /// `applyment` for the state machine). `Finish` issues a `sub_mchid`
    /// and registers the sub-merchant, with the appids and settlement
    /// account of the submission.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] for an unknown applyment or a step its state
    /// does not allow.
    pub fn advance_applyment(
        &self,
        applyment_id: u64,
        step: ApplymentStep,
    ) -> Result<ApplymentStatus, SandboxError> {
        let (state, sub_mchid) =
            applyment::advance(&mut *self.world()?, applyment_id, step).map_err(pay_error)?;
        Ok(ApplymentStatus { state, sub_mchid })
    }

    /// The user pays partner order `out_trade_no` of `sub_mchid`: it
    /// becomes `SUCCESS`, and the partner `TRANSACTION.SUCCESS` (with
    /// `sp_mchid`, `sub_mchid`, …) is pushed to its `notify_url`, encrypted
    /// with the service provider's APIv3 key.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when there is no such order or it is not
    /// `NOTPAY`.
    pub fn pay_partner_order(
        &self,
        sub_mchid: &str,
        out_trade_no: &str,
    ) -> Result<PaidOrder, SandboxError> {
        let order =
            partner_orders::pay(&mut *self.world()?, sub_mchid, out_trade_no).map_err(pay_error)?;
        let notification_id = notify::send(
            self.shared,
            notify::Outgoing {
                mchid: order.sp_mchid.clone(),
                notify_url: order.notify_url.clone(),
                event_type: "TRANSACTION.SUCCESS",
                summary: "支付成功",
                original_type: "transaction",
                resource: partner_orders::transaction_json(&order),
            },
        )
        .map_err(pay_error)?;
        Ok(PaidOrder {
            transaction_id: order.transaction_id.unwrap_or_default(),
            notification_id,
        })
    }

    /// Ends partner refund `out_refund_no` of `sp_mchid`'s `sub_mchid` with
    /// `outcome` and pushes its `REFUND.*`; answers the notification id.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when there is no such refund or it is not
    /// `PROCESSING`.
    pub fn complete_partner_refund(
        &self,
        sp_mchid: &str,
        sub_mchid: &str,
        out_refund_no: &str,
        outcome: RefundOutcome,
    ) -> Result<Option<String>, SandboxError> {
        finish_partner_refund(self.shared, sp_mchid, sub_mchid, out_refund_no, outcome)
            .map_err(pay_error)
    }

    /// The payer of a paid order complains: the complaint is `PENDING`,
    /// with a picture, and `COMPLAINT.CREATE` is pushed to the complaint
    /// notification URL of the service provider (or merchant).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when no paid order has that `transaction_id`.
    pub fn open_complaint(&self, spec: ComplaintSpec) -> Result<OpenedComplaint, SandboxError> {
        let (complaint_id, note) =
            complaints::open(&mut *self.world()?, spec).map_err(pay_error)?;
        let notification_id = match note {
            Some(out) => Some(notify::send(self.shared, out).map_err(pay_error)?),
            None => None,
        };
        Ok(OpenedComplaint {
            complaint_id,
            notification_id,
        })
    }

    /// Ends transfer `out_bill_no` of merchant `mchid` and pushes
    /// `MCHTRANSFER.BILL.FINISHED`; answers the notification id (`None`
    /// without a `notify_url`).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when there is no such transfer or it already
    /// ended.
    pub fn finish_transfer(
        &self,
        mchid: &str,
        out_bill_no: &str,
        outcome: TransferOutcome,
    ) -> Result<Option<String>, SandboxError> {
        let note = transfers::finish(&mut *self.world()?, mchid, out_bill_no, outcome)
            .map_err(pay_error)?;
        note.map(|out| notify::send(self.shared, out))
            .transpose()
            .map_err(pay_error)
    }
}
