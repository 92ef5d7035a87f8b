//! The release test's result, check by check, like WeChat's release-test
//! page shows it.

use std::fmt;

use super::TestAccount;

/// One check of the release test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// A `component_verify_ticket` push to the component events URL is
    /// answered `success`.
    TicketPush,
    /// (Official account.) The text `TESTCOMPONENT_MSG_TYPE_TEXT` is
    /// answered with the encrypted passive text reply
    /// `TESTCOMPONENT_MSG_TYPE_TEXT_callback`, To and From swapped, as XML.
    PassiveReply,
    /// The text `QUERY_AUTH_CODE:<code>` is answered with an empty body
    /// within 5 seconds.
    EmptyAnswer,
    /// Then the platform calls `api_query_auth` with `<code>`.
    QueryAuth,
    /// And sends the customer-service text `<code>_from_api` to the sender
    /// with the authorizer token that `api_query_auth` returned.
    CustomSend,
}

impl Check {
    /// What the check is about, as a short line.
    pub fn title(self) -> &'static str {
        match self {
            Check::TicketPush => "component_verify_ticket push answered `success`",
            Check::PassiveReply => "text message answered with the passive reply",
            Check::EmptyAnswer => "QUERY_AUTH_CODE message answered empty within 5 s",
            Check::QueryAuth => "api_query_auth called with the code",
            Check::CustomSend => "customer-service message `<code>_from_api` sent",
        }
    }
}

/// A check's outcome: passed, or failed with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The platform did what WeChat expects.
    Passed,
    /// It did not; why (never quoting a code or token).
    Failed(String),
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// Its outcome.
    pub outcome: Outcome,
}

impl CheckResult {
    pub(crate) fn new(check: Check, outcome: Result<(), String>) -> Self {
        CheckResult {
            check,
            outcome: match outcome {
                Ok(()) => Outcome::Passed,
                Err(reason) => Outcome::Failed(reason),
            },
        }
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }
}

/// The result of one run of the release test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTestReport {
    /// The test account the run used.
    pub account: TestAccount,
    /// The checks, in WeChat's order.
    pub checks: Vec<CheckResult>,
}

impl ReleaseTestReport {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(CheckResult::passed)
    }

    /// The outcome of `check`, if it ran.
    pub fn outcome(&self, check: Check) -> Option<&Outcome> {
        self.checks
            .iter()
            .find(|c| c.check == check)
            .map(|c| &c.outcome)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed())
    }
}

impl fmt::Display for ReleaseTestReport {
    /// ```text
    /// release test, group 3 official account wx8e1097c5bc82cde9 (gh_3f222ed8d140): passed
    ///   pass  component_verify_ticket push answered `success`
    ///   FAIL  text message answered with the passive reply: the reply's Content is not …
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.account;
        write!(
            f,
            "release test, group {} {} {} ({}): {}",
            a.group,
            a.kind.name(),
            a.appid,
            a.user_name,
            if self.passed() { "passed" } else { "FAILED" }
        )?;
        for check in &self.checks {
            match &check.outcome {
                Outcome::Passed => write!(f, "\n  pass  {}", check.check.title())?,
                Outcome::Failed(reason) => {
                    write!(f, "\n  FAIL  {}: {reason}", check.check.title())?;
                }
            }
        }
        Ok(())
    }
}
