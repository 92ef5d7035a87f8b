//! The service provider (服务商) and its sub-merchants (特约商户): who may act
//! for whom. A service provider is a configured merchant that signs the
//! request (`sp_mchid`); a sub-merchant is registered to it, by the test
//! ([`PaySandbox::add_sub_merchant`](super::PaySandbox::add_sub_merchant)) or
//! by a finished onboarding, with its appids and its settlement account.
//! A request naming a sub-merchant that is not the signer's is refused as
//! WeChat refuses it: 400 `INVALID_REQUEST` “受理关系不存在”.

use serde_json::Value;

use super::answer::{query_param, required};
use super::error::PayError;
use super::state::PayWorld;

/// WeChat's default ceiling on what a service provider may share away from
/// a sub-merchant's order, in basis points (30%).
pub(crate) const DEFAULT_MAX_RATIO: i64 = 3000;

/// A sub-merchant's settlement account, as WeChat shows it (the number
/// masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settlement {
    pub account_type: String,
    pub account_bank: String,
    pub bank_name: Option<String>,
    pub bank_branch_id: Option<String>,
    /// The last four digits of the account number.
    pub account_tail: String,
}

impl Settlement {
    /// `***************1234`.
    pub(crate) fn masked_number(&self) -> String {
        format!("{}{}", "*".repeat(15), self.account_tail)
    }
}

/// A sub-merchant of a service provider.
#[derive(Debug, Clone)]
pub(crate) struct SubMerchant {
    pub sp_mchid: String,
    pub sub_mchid: String,
    /// The sub-merchant's own appids (official account, mini program, app).
    pub sub_appids: Vec<String>,
    /// Basis points of an order the service provider may share away.
    pub max_ratio: i64,
    pub settlement: Option<Settlement>,
}

/// The refusal for a sub-merchant that is not the signer's.
pub(crate) fn no_relation() -> PayError {
    PayError::invalid("受理关系不存在")
}

impl PayWorld {
    /// Sub-merchant `sub_mchid` of service provider `sp_mchid`.
    pub(crate) fn sub_merchant(&self, sp_mchid: &str, sub_mchid: &str) -> Option<&SubMerchant> {
        self.sp
            .sub_merchants
            .iter()
            .find(|s| s.sp_mchid == sp_mchid && s.sub_mchid == sub_mchid)
    }

    /// As [`sub_merchant`](Self::sub_merchant), mutable.
    pub(crate) fn sub_merchant_mut(
        &mut self,
        sp_mchid: &str,
        sub_mchid: &str,
    ) -> Option<&mut SubMerchant> {
        self.sp
            .sub_merchants
            .iter_mut()
            .find(|s| s.sp_mchid == sp_mchid && s.sub_mchid == sub_mchid)
    }

    /// Registers (or keeps) a sub-merchant.
    pub(crate) fn add_sub_merchant(&mut self, sp_mchid: &str, sub_mchid: &str, appids: &[String]) {
        if let Some(existing) = self.sub_merchant_mut(sp_mchid, sub_mchid) {
            for appid in appids {
                if !existing.sub_appids.contains(appid) {
                    existing.sub_appids.push(appid.clone());
                }
            }
            return;
        }
        self.sp.sub_merchants.push(SubMerchant {
            sp_mchid: sp_mchid.to_owned(),
            sub_mchid: sub_mchid.to_owned(),
            sub_appids: appids.to_vec(),
            max_ratio: DEFAULT_MAX_RATIO,
            settlement: None,
        });
    }
}

/// The `sub_mchid` of a JSON body: present and the signer's sub-merchant.
pub(crate) fn body_sub_mchid<'a>(
    world: &PayWorld,
    sp_mchid: &str,
    body: &'a Value,
) -> Result<&'a str, PayError> {
    let sub = required(body, "sub_mchid", 32)?;
    world
        .sub_merchant(sp_mchid, sub)
        .map(|_| sub)
        .ok_or_else(no_relation)
}

/// The `sub_mchid` query parameter: present and the signer's sub-merchant.
pub(crate) fn query_sub_mchid(
    world: &PayWorld,
    sp_mchid: &str,
    query: Option<&str>,
) -> Result<String, PayError> {
    let sub = query_param(query, "sub_mchid").ok_or_else(|| {
        PayError::param("sub_mchid", "缺少必填参数").detail("sub_mchid", "query", "missing")
    })?;
    world
        .sub_merchant(sp_mchid, &sub)
        .map(|_| sub.clone())
        .ok_or_else(no_relation)
}

/// A path's sub-merchant: the signer's, or refused.
pub(crate) fn path_sub_mchid(world: &PayWorld, sp_mchid: &str, sub: &str) -> Result<(), PayError> {
    world
        .sub_merchant(sp_mchid, sub)
        .map(|_| ())
        .ok_or_else(no_relation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::settings::PaySettings;
    use serde_json::json;

    #[test]
    fn only_the_signers_sub_merchants_are_accepted() {
        let mut world = PayWorld::new(&PaySettings::default()).unwrap();
        world.add_sub_merchant("sp", "1900000109", &["wxsub".to_owned()]);
        world.add_sub_merchant("sp", "1900000109", &["wxsub2".to_owned()]);
        assert_eq!(
            world.sub_merchant("sp", "1900000109").unwrap().sub_appids,
            ["wxsub", "wxsub2"]
        );
        let body = json!({"sub_mchid": "1900000109"});
        assert_eq!(body_sub_mchid(&world, "sp", &body).unwrap(), "1900000109");
        let refused = body_sub_mchid(&world, "other", &body).unwrap_err();
        assert_eq!(
            (refused.code, refused.message.as_str()),
            ("INVALID_REQUEST", "受理关系不存在")
        );
        assert_eq!(
            query_sub_mchid(&world, "sp", Some("sub_mchid=1900000109")).unwrap(),
            "1900000109"
        );
        assert_eq!(
            query_sub_mchid(&world, "sp", None).unwrap_err().code,
            "PARAM_ERROR"
        );
        assert!(path_sub_mchid(&world, "sp", "1").is_err());
    }
}
