//! WeChat's dedicated release-test accounts: five groups of one official
//! account and one mini program, as WeChat's release-test page lists them.
//! The sandbox keeps its own copy (it plays WeChat), independent of the
//! SDK's.

/// Which kind of account a test account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// The group's official account: the passive-reply check and the
    /// customer-service check.
    OfficialAccount,
    /// The group's mini program: the customer-service check.
    MiniProgram,
}

impl AccountKind {
    /// `official account` or `mini program`.
    pub fn name(self) -> &'static str {
        match self {
            AccountKind::OfficialAccount => "official account",
            AccountKind::MiniProgram => "mini program",
        }
    }
}

/// One release-test account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TestAccount {
    /// The group, 1 to 5.
    pub group: u8,
    /// Official account or mini program.
    pub kind: AccountKind,
    /// The appid (the `$APPID$` of the platform's message URL).
    pub appid: &'static str,
    /// The original id (`gh_…`): the `ToUserName` of the test messages.
    pub user_name: &'static str,
}

const fn account(
    group: u8,
    kind: AccountKind,
    appid: &'static str,
    user_name: &'static str,
) -> TestAccount {
    TestAccount {
        group,
        kind,
        appid,
        user_name,
    }
}

use AccountKind::{MiniProgram, OfficialAccount};

/// The ten accounts (groups 2 to 5 in use since 2021-01-18; group 2's
/// official account is `gh_c0f28a78b318` as on the Chinese page).
pub const TEST_ACCOUNTS: [TestAccount; 10] = [
    account(1, OfficialAccount, "wx570bc396a51b8ff8", "gh_3c884a361561"),
    account(1, MiniProgram, "wxd101a85aa106f53e", "gh_8dad206e9538"),
    account(2, OfficialAccount, "wx9252c5e0bb1836fc", "gh_c0f28a78b318"),
    account(2, MiniProgram, "wxc39235c15087f6f3", "gh_905ae9d01059"),
    account(3, OfficialAccount, "wx8e1097c5bc82cde9", "gh_3f222ed8d140"),
    account(3, MiniProgram, "wx7720d01d4b2a4500", "gh_393666f1fdf4"),
    account(4, OfficialAccount, "wx14550af28c71a144", "gh_26128078e9ab"),
    account(4, MiniProgram, "wx05d483572dcd5d8b", "gh_39abb5d4e1b7"),
    account(5, OfficialAccount, "wxa35b9c23cfe664eb", "gh_2b3713f184a6"),
    account(5, MiniProgram, "wx5910277cae6fd970", "gh_7818dcb60240"),
];

/// The test account of `group` (1 to 5) and `kind`.
pub fn test_account(group: u8, kind: AccountKind) -> Option<&'static TestAccount> {
    TEST_ACCOUNTS
        .iter()
        .find(|a| a.group == group && a.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_has_both_kinds_and_distinct_ids() {
        for group in 1..=5 {
            assert!(test_account(group, OfficialAccount).is_some());
            assert!(test_account(group, MiniProgram).is_some());
        }
        let mut ids: Vec<&str> = TEST_ACCOUNTS
            .iter()
            .flat_map(|a| [a.appid, a.user_name])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 20);
    }
}
