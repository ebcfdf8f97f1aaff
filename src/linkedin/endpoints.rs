//! Every LinkedIn endpoint the tool reads or writes, as data: its name, method, path pattern, what
//! it expects back and whether it only reads. The client builds calls from it, the sandbox routes
//! by it, and `record` lists what it may fetch; one small function per endpoint beside it
//! ([`super::api`]) reads its reply. Nothing else in the code knows a LinkedIn path.

/// What a request expects back when it succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Json,
    Html,
}

/// What an endpoint does to the member's account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Only reads: safe to fetch for a recording.
    Read,
    /// Changes a setting.
    Write,
    /// Part of a password sign-in: never recorded, never retried.
    SignIn,
}

/// One endpoint.
#[derive(Debug)]
pub struct Endpoint {
    /// A stable name, used by recordings and `-v`.
    pub name: &'static str,
    pub method: &'static str,
    /// The path; `{}` stands for the one variable part (a card or setting key).
    pub pattern: &'static str,
    pub accept: &'static str,
    pub expect: Expect,
    pub access: Access,
    /// Statuses handed back as a reply instead of being turned into errors.
    pub pass: &'static [u16],
    /// Whether a 429, 999 or 5xx may be answered by sending the call again.
    pub retry: bool,
}

/// The `accept` value LinkedIn's web client sends; `/me` then answers in the normalized shape.
const NORMALIZED: &str = "application/vnd.linkedin.normalized+json+2.1";

/// `GET /voyager/api/me`: who the session belongs to.
pub static ME: Endpoint = Endpoint {
    name: "me",
    method: "GET",
    pattern: "/voyager/api/me",
    accept: NORMALIZED,
    expect: Expect::Json,
    access: Access::Read,
    pass: &[],
    retry: true,
};

/// `GET` a settings card.
pub static CARD: Endpoint = Endpoint {
    name: "card",
    method: "GET",
    pattern: "/mysettings-api/settingsApiSettingCards/{}",
    accept: "application/json",
    expect: Expect::Json,
    access: Access::Read,
    pass: &[404, 410],
    retry: true,
};

/// `PUT` one setting.
pub static SETTING: Endpoint = Endpoint {
    name: "setting",
    method: "PUT",
    pattern: "/mysettings-api/settingsApiSettings/{}",
    accept: "application/json",
    expect: Expect::Json,
    access: Access::Write,
    pass: &[],
    // A PUT of the same value is idempotent.
    retry: true,
};

/// `GET /uas/authenticate`: sets the JSESSIONID a password sign-in must use.
pub static LOGIN_START: Endpoint = Endpoint {
    name: "login-start",
    method: "GET",
    pattern: "/uas/authenticate",
    accept: "application/json",
    expect: Expect::Json,
    access: Access::SignIn,
    pass: &[],
    retry: true,
};

/// `POST /uas/authenticate`: the password sign-in itself.
pub static LOGIN: Endpoint = Endpoint {
    name: "login",
    method: "POST",
    pattern: "/uas/authenticate",
    accept: "application/json",
    expect: Expect::Json,
    access: Access::SignIn,
    pass: &[401],
    // A retry would be a second sign-in attempt.
    retry: false,
};

/// The Data Processing Objection Form page.
pub static OBJECTION_FORM: Endpoint = Endpoint {
    name: "objection-form",
    method: "GET",
    pattern: "/help/linkedin/ask/TS-DPRO",
    accept: "text/html",
    expect: Expect::Html,
    access: Access::Read,
    pass: &[],
    retry: true,
};

/// Every endpoint, in the order a recording lists them.
pub static ALL: &[&Endpoint] = &[&ME, &CARD, &SETTING, &LOGIN_START, &LOGIN, &OBJECTION_FORM];

impl Endpoint {
    /// The path, with `arg` in place of `{}`.
    pub fn path(&self, arg: &str) -> String {
        self.pattern.replacen("{}", arg, 1)
    }

    /// The variable part of `path` when `method` and `path` are this endpoint's (`""` when it
    /// has none).
    pub fn matches<'p>(&self, method: &str, path: &'p str) -> Option<&'p str> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        match self.pattern.split_once("{}") {
            None => (path == self.pattern).then_some(""),
            Some((head, tail)) => {
                let arg = path.strip_prefix(head)?.strip_suffix(tail)?;
                (!arg.is_empty() && !arg.contains('/')).then_some(arg)
            }
        }
    }
}

/// The endpoint a request is for, and its variable part.
pub fn route<'p>(method: &str, path: &'p str) -> Option<(&'static Endpoint, &'p str)> {
    ALL.iter()
        .find_map(|e| e.matches(method, path).map(|arg| (*e, arg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_builds_and_routes_every_path() {
        assert_eq!(
            CARD.path("dataForAiImprovement"),
            "/mysettings-api/settingsApiSettingCards/dataForAiImprovement"
        );
        for e in ALL {
            let path = e.path("someKey");
            let (found, arg) = route(e.method, &path).unwrap();
            // Two endpoints share /uas/authenticate, told apart by their method.
            assert_eq!(found.name, e.name, "{path}");
            assert_eq!(
                arg,
                if e.pattern.contains("{}") {
                    "someKey"
                } else {
                    ""
                }
            );
        }
        assert!(route("GET", "/mysettings-api/settingsApiSettingCards/").is_none());
        assert!(route("GET", "/mysettings-api/settingsApiSettingCards/a/b").is_none());
        assert!(route("DELETE", "/voyager/api/me").is_none());
        let names: std::collections::HashSet<_> = ALL.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), ALL.len(), "names are unique");
    }
}
