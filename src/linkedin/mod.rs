//! Everything that knows LinkedIn's side of the wire: the origin, the session's cookies, the
//! endpoints (as data), the client that sends every request, and its manners.

pub mod api;
pub mod client;
mod echo;
pub mod endpoints;
pub mod net;
pub mod observe;
pub mod origin;
pub mod retry;
pub mod session;
mod wire;

pub use api::{CardReply, Discovery, LoginResult, Me};
pub use client::{Client, Exchange, Member, Observer, Wait, WaitReason};
pub use net::NetConfig;
pub use origin::{LINKEDIN, Origin, profile_url};
pub use session::Session;
