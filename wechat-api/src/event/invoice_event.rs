//! The electronic-invoice (电子发票) events an official account or mini
//! program receives: a user authorized invoicing an order
//! (`user_authorize_invoice`), an invoice's reimbursement status changed
//! (`update_invoice_status`), a user submitted an invoice title on the
//! merchant's quick-invoicing page (`submit_invoice_title`), an invoice was
//! issued through WeChat's invoicing platform
//! (`cloud_invoice_invoiceresult_event`); their typed detail, read from the
//! push's element tree.
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. A submitted title carries the user's phone, address and
//! bank account: `Debug` does not show them.

use std::fmt;

use serde::Serialize;

use super::tree::{Node, text};

/// `user_authorize_invoice`: a user authorized (or failed to authorize)
/// invoicing an order
/// ([Vendor API](https://developers.weixin.qq.com/doc/offiaccount/WeChat_Invoice/E_Invoice/Vendor_API_List.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InvoiceAuthorize {
    /// `SuccOrderId`: the order authorized.
    pub succ_order_id: Option<String>,
    /// `FailOrderId`: the order whose authorization failed.
    pub fail_order_id: Option<String>,
    /// `AuthorizeAppId`: the account or mini program the user authorized.
    pub authorize_appid: Option<String>,
    /// `Source`: where the user authorized: `web`, `app`, `wxa`, `wap`…
    pub source: Option<String>,
}

impl InvoiceAuthorize {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            succ_order_id: text(tree, "SuccOrderId"),
            fail_order_id: text(tree, "FailOrderId"),
            authorize_appid: text(tree, "AuthorizeAppId"),
            source: text(tree, "Source"),
        }
    }
}

/// `update_invoice_status`: an invoice's (or a non-tax bill's)
/// reimbursement status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InvoiceStatus {
    /// `CardId`: the invoice's card template.
    pub card_id: Option<String>,
    /// `Code`: the invoice's card code.
    pub code: Option<String>,
    /// `Status`: `INVOICE_REIMBURSE_INIT`, `INVOICE_REIMBURSE_LOCK`,
    /// `INVOICE_REIMBURSE_CLOSURE`…
    pub status: Option<String>,
}

impl InvoiceStatus {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            code: text(tree, "Code"),
            status: text(tree, "Status"),
        }
    }
}

/// `submit_invoice_title`: a user submitted an invoice title on the
/// merchant's quick-invoicing page
/// ([Quick issuing](https://developers.weixin.qq.com/doc/offiaccount/WeChat_Invoice/Quick_issuing/Interface_Instructions.html)).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InvoiceTitle {
    /// `title_type`: `InvoiceUserTitlePersonType` (a person) or
    /// `InvoiceUserTitleBusinessType` (a company).
    pub title_type: Option<String>,
    /// `title`: the name on the invoice.
    pub title: Option<String>,
    /// `tax_no`: the company's tax number.
    pub tax_no: Option<String>,
    /// `phone`: the contact phone (not shown by `Debug`).
    pub phone: Option<String>,
    /// `addr`: the address (not shown by `Debug`).
    pub addr: Option<String>,
    /// `bank_type`: the bank.
    pub bank_type: Option<String>,
    /// `bank_no`: the bank account (not shown by `Debug`).
    pub bank_no: Option<String>,
    /// `attach`: the `attach` of the quick-invoicing page.
    pub attach: Option<String>,
}

impl InvoiceTitle {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            title_type: text(tree, "title_type"),
            title: text(tree, "title"),
            tax_no: text(tree, "tax_no"),
            phone: text(tree, "phone"),
            addr: text(tree, "addr"),
            bank_type: text(tree, "bank_type"),
            bank_no: text(tree, "bank_no"),
            attach: text(tree, "attach"),
        }
    }
}

/// Shows whether the user's phone, address and bank account are present,
/// never their value.
impl fmt::Debug for InvoiceTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("InvoiceTitle")
            .field("title_type", &self.title_type)
            .field("title", &self.title)
            .field("tax_no", &self.tax_no)
            .field("phone", &hidden(&self.phone))
            .field("addr", &hidden(&self.addr))
            .field("bank_type", &self.bank_type)
            .field("bank_no", &hidden(&self.bank_no))
            .field("attach", &self.attach)
            .finish()
    }
}

/// `cloud_invoice_invoiceresult_event`: the outcome of issuing an invoice
/// through WeChat's invoicing platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InvoiceResult {
    /// `status`: the issuing status code.
    pub status: Option<String>,
    /// `fpqqlsh`: the invoice request's serial number.
    pub fpqqlsh: Option<String>,
    /// `nsrsbh`: the seller's taxpayer number.
    pub nsrsbh: Option<String>,
}

impl InvoiceResult {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            status: text(tree, "status"),
            fpqqlsh: text(tree, "fpqqlsh"),
            nsrsbh: text(tree, "nsrsbh"),
        }
    }
}
