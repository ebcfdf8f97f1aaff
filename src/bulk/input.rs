//! Where a run's accounts come from: an accounts file (or standard input), read as it goes, or a
//! list of profile names; and which of them a previous run already did.

use std::collections::HashSet;

use super::engine::{Feed, Job, JobSource};
use crate::error::{Error, Result};
use crate::sessions::accounts::{Accounts, Item};

/// A run's accounts.
pub struct Input {
    what: Kind,
    /// How many accounts the input holds.
    pub count: usize,
}

enum Kind {
    File(Accounts),
    Profiles(Vec<String>),
}

impl Input {
    /// An accounts file, surveyed (its duplicates refused).
    pub fn file(accounts: Accounts) -> Input {
        Input {
            count: accounts.survey.accounts,
            what: Kind::File(accounts),
        }
    }

    /// Profiles by name: each named once.
    pub fn profiles(names: Vec<String>) -> Result<Input> {
        let mut seen = HashSet::new();
        for name in &names {
            if !seen.insert(name) {
                return Err(Error::usage(
                    format!("the profile {name:?} is named twice"),
                    Some("name every profile once".to_string()),
                ));
            }
        }
        Ok(Input {
            count: names.len(),
            what: Kind::Profiles(names),
        })
    }

    /// How many of the accounts a previous run already did.
    pub fn already(&self, done: &HashSet<String>) -> usize {
        if done.is_empty() {
            return 0;
        }
        match &self.what {
            Kind::Profiles(names) => names.iter().filter(|n| done.contains(*n)).count(),
            Kind::File(accounts) => accounts
                .items()
                .map(|items| {
                    items
                        .filter(|i| matches!(i, Item::Account(a) if done.contains(&a.label)))
                        .count()
                })
                .unwrap_or(0),
        }
    }

    /// The accounts still to do, as the run's feed.
    pub fn feed<'a>(
        &'a self,
        done: &'a HashSet<String>,
    ) -> Result<Box<dyn Iterator<Item = Feed> + Send + 'a>> {
        match &self.what {
            Kind::Profiles(names) => Ok(Box::new(
                names
                    .iter()
                    .filter(move |n| !done.contains(*n))
                    .enumerate()
                    .map(|(index, name)| {
                        Feed::Job(Job {
                            index,
                            label: name.clone(),
                            source: JobSource::Profile,
                        })
                    }),
            )),
            Kind::File(accounts) => {
                let mut index = 0;
                Ok(Box::new(accounts.items()?.filter_map(
                    move |item| match item {
                        Item::Account(a) if done.contains(&a.label) => None,
                        Item::Account(a) => {
                            index += 1;
                            Some(Feed::Job(Job {
                                index: index - 1,
                                label: a.label,
                                source: JobSource::Token {
                                    li_at: a.li_at,
                                    jsessionid: a.jsessionid,
                                },
                            }))
                        }
                        Item::Malformed { line, why } => Some(Feed::Malformed { line, why }),
                    },
                )))
            }
        }
    }
}
