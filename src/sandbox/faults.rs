//! How the sandbox's accounts misbehave on purpose: each [`Fault`] either answers instead of the
//! account's route (an expired session, a throttle, an interstitial) or changes its answer (slow,
//! huge), or changes what a write does.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::server::{Answer, AnswerBody, HUGE_BYTES, Incoming, csrf_failed};
use super::{Account, Shared};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    #[default]
    None,
    /// Every call redirects to `/uas/login`.
    Expired,
    /// Every call redirects to `/checkpoint/challenge/…`.
    Challenge,
    /// Every call answers 403 `CSRF check failed.`.
    Csrf,
    /// The account's first call answers 429.
    ThrottleOnce,
    /// Every call answers 429.
    Throttle,
    /// The account's first call answers; every later one 429.
    ThrottleLater,
    /// Every call answers 999.
    Blocked,
    /// Every call answers 200 with an HTML page.
    Interstitial,
    /// Every reply waits `delay_ms`.
    Slow,
    /// Every reply is 9 MiB.
    Huge,
    /// Writes answer 403.
    PutForbidden,
    /// Writes answer 500.
    PutError,
    /// Writes answer 200 and change nothing.
    PutNoop,
    /// After a write, every call answers 429.
    RereadThrottled,
    /// Every card answers 410 Gone.
    Gone,
    /// Every card answers 404 with an empty body.
    Moved,
    /// Every reply revokes the session: a 302 to the sign-in page that sets `li_at` to
    /// `delete me`, as LinkedIn answers a request that contradicts the browser.
    Revoke,
    /// The account's first call answers; every later one revokes the session.
    RevokeLater,
    /// Every call answers 200 with a JSON body whose `status` is 429.
    ThrottleJson,
}

/// An answer that replaces the account's route, when the fault calls for one.
pub(super) fn before(
    shared: &Shared,
    account: &Account,
    rq: &Incoming,
    fault: Fault,
    hit: u64,
) -> Option<Answer> {
    let retry_after = account.spec.retry_after.unwrap_or(1).to_string();
    let throttled = || Answer::status(429).header("Retry-After", retry_after.clone());
    match fault {
        Fault::Expired => Some(Answer::redirect(format!(
            "/uas/login?session_redirect={}",
            rq.path
        ))),
        Fault::Challenge => Some(Answer::redirect(
            "/checkpoint/challenge/AgHsandboxChallenge?ut=sandbox".to_string(),
        )),
        Fault::Csrf => Some(csrf_failed()),
        _ if !rq.csrf_ok() => None,
        Fault::ThrottleOnce if hit == 0 => Some(throttled()),
        Fault::Throttle => Some(throttled()),
        Fault::ThrottleLater if hit > 0 => Some(throttled()),
        Fault::RereadThrottled if account.wrote.load(Ordering::SeqCst) => Some(throttled()),
        Fault::Revoke => Some(revoked()),
        Fault::RevokeLater if hit > 0 => Some(revoked()),
        Fault::ThrottleJson => Some(Answer::json(
            200,
            &serde_json::json!({"status": 429, "message": "Too many requests"}),
        )),
        Fault::Blocked => {
            let page = shared.page("pages/blocked-999.html");
            Some(Answer::text(999, "text/html", &page))
        }
        Fault::Interstitial => {
            let page = shared.page("pages/interstitial.html");
            Some(Answer::text(200, "text/html; charset=utf-8", &page))
        }
        _ => None,
    }
}

/// LinkedIn ending a session: `li_at` set to `delete me` (quoted, as often seen), on a redirect
/// to the sign-in page.
fn revoked() -> Answer {
    Answer::redirect("/uas/login?session_redirect=%2F".to_string()).header(
        "Set-Cookie",
        "li_at=\"delete me\"; Domain=.linkedin.com; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
            .to_string(),
    )
}

/// Changes the account's answer, when the fault calls for it.
pub(super) fn after(account: &Account, rq: &Incoming, fault: Fault, answer: &mut Answer) {
    let is_card = crate::linkedin::endpoints::CARD
        .matches(&rq.method, &rq.path)
        .is_some();
    match fault {
        Fault::Gone if is_card => *answer = Answer::json(410, &serde_json::json!({"status": 410})),
        Fault::Moved if is_card => *answer = Answer::text(404, "text/plain", ""),
        Fault::Slow => {
            answer.delay = Duration::from_millis(account.spec.delay_ms.unwrap_or(5000));
        }
        Fault::Huge if answer.status == 200 && rq.method == "GET" => {
            answer.body = AnswerBody::Huge(HUGE_BYTES);
        }
        _ => {}
    }
}
