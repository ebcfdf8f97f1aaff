//! What may watch a client's exchanges (a recorder, the verbose log, the "waiting for LinkedIn"
//! line, a request count), and what they are shown: never a request's cookies or body.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::endpoints::Endpoint;
use crate::error::Error;

/// What one exchange brought back, as an [`Observer`] sees it. Request headers (cookies, the
/// csrf-token) and request bodies (a password) are never part of it.
pub struct Exchange<'a> {
    pub endpoint: &'static Endpoint,
    pub path: &'a str,
    pub attempt: u32,
    pub status: u16,
    pub headers: &'a HeaderMap,
    /// The body, when the client read it (not for redirects, retries or refusals).
    pub body: Option<&'a [u8]>,
    pub elapsed: Duration,
}

/// Something that watches every exchange of a client: a recorder, a verbose log, the "waiting
/// for LinkedIn" line.
pub trait Observer: Send + Sync {
    fn observe(&self, exchange: &Exchange<'_>);

    /// A request that got no reply at all (a timeout, a refused connection).
    fn failed(&self, _endpoint: &'static Endpoint, _path: &str, _error: &Error) {}

    /// A request is about to be sent (`attempt` from 1).
    fn sending(&self, _endpoint: &'static Endpoint, _path: &str, _attempt: u32) {}

    /// The client is about to wait before sending again.
    fn waiting(&self, _wait: &Wait<'_>) {}
}

/// A wait the client is about to make, and why.
pub struct Wait<'a> {
    pub endpoint: &'static Endpoint,
    pub path: &'a str,
    pub duration: Duration,
    pub why: WaitReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitReason {
    /// LinkedIn answered `status` (429, 999 or a 5xx); `asked` when it said how long to wait
    /// (`Retry-After`). The next attempt is `next` of at most `of`.
    Status {
        status: u16,
        asked: bool,
        next: u32,
        of: u32,
    },
    /// The whole run is backing off after another account's 429.
    RunBackingOff,
}
