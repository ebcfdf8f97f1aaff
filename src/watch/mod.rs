//! The scheduled check (`watch`): when it runs and how each scheduler is told ([`schedule`],
//! [`units`]), what it keeps between runs ([`state`]), what it has to tell ([`events`]) and the
//! channels it tells through ([`notify`]).

pub mod events;
pub mod notify;
pub mod schedule;
pub mod state;
pub mod units;
