//! Many accounts at once, in one place: the [`engine`] (a feeder, `jobs` workers, the one printer
//! thread), the [`input`] (an accounts file or a list of profiles), the [`resume`] file, the
//! [`tally`] a run's summary and exit are made from, and the [`printer`] that streams each
//! account's report as it is done. What "auditing one account" means comes from outside, through
//! the small [`Auditor`] trait.

pub mod engine;
pub mod input;
pub mod printer;
pub mod resume;
pub mod tally;

pub use engine::{Auditor, Ended, Feed, Job, JobSource, Next, Printer, run};
pub use input::Input;
pub use printer::{AppendNdjson, BulkPrinter, RequestCount};
pub use resume::{Outcome, Previous, ResumeFile};
pub use tally::Tally;
