//! The integration tests, as one test binary (one link step for the whole suite): each module
//! runs the built binary against a sandbox or a hostile server of its own, in a hermetic home.

mod common;

mod architecture;
mod audit;
mod browsers;
mod bulk;
mod canary;
mod completions;
mod config;
mod drift;
mod fit;
mod guide;
mod history;
mod hostile;
mod keyring;
mod login;
mod network;
mod objection;
mod opt_out;
mod pages;
mod sandbox_command;
mod schemas;
mod summary;
mod surface;
mod trust;
mod watch;
