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
    /// Whether the variable part may hold `/` (a settings page's path).
    pub nested: bool,
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
    nested: false,
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
    nested: false,
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
    nested: false,
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
    nested: false,
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
    nested: false,
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
    nested: false,
};

/// `GET` a settings page (`/mypreferences/d/…`): the page LinkedIn renders, with the settings
/// it shows embedded as JSON in `<code>` elements. The second source, for `record` and `drift`.
pub static SETTINGS_PAGE: Endpoint = Endpoint {
    name: "settings-page",
    method: "GET",
    pattern: "/mypreferences/d/{}",
    accept: "text/html",
    expect: Expect::Html,
    access: Access::Read,
    pass: &[404, 410],
    retry: true,
    nested: true,
};

/// `GET` the discovery list of one category: the setting cards LinkedIn offers there.
pub static DISCOVERY: Endpoint = Endpoint {
    name: "discovery",
    method: "GET",
    pattern: "/mysettings-api/settingsApiSneakPeeks?category={}&q=category",
    accept: "application/json",
    expect: Expect::Json,
    access: Access::Read,
    pass: &[404, 410],
    retry: true,
    nested: false,
};

/// Every endpoint, in the order a recording lists them.
pub static ALL: &[&Endpoint] = &[
    &ME,
    &CARD,
    &SETTINGS_PAGE,
    &DISCOVERY,
    &SETTING,
    &LOGIN_START,
    &LOGIN,
    &OBJECTION_FORM,
];

impl Endpoint {
    /// The path, with `arg` in place of `{}`.
    pub fn path(&self, arg: &str) -> String {
        self.pattern.replacen("{}", arg, 1)
    }

    /// The variable part of `target` (a path, with its query) when `method` and `target` are
    /// this endpoint's (`""` when it has none). An endpoint without a query in its pattern
    /// ignores the target's query.
    pub fn matches<'p>(&self, method: &str, target: &'p str) -> Option<&'p str> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let target = if self.pattern.contains('?') {
            target
        } else {
            target.split('?').next().unwrap_or(target)
        };
        match self.pattern.split_once("{}") {
            None => (target == self.pattern).then_some(""),
            Some((head, tail)) => {
                let arg = target.strip_prefix(head)?.strip_suffix(tail)?;
                let plain = |part: &str| {
                    !part.is_empty()
                        && part != "."
                        && part != ".."
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                };
                let ok = if self.nested {
                    arg.split('/').all(plain)
                } else {
                    plain(arg)
                };
                ok.then_some(arg)
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
        assert_eq!(
            route("GET", "/mysettings-api/settingsApiSettingCards/abc?x=1").map(|(_, a)| a),
            Some("abc")
        );
        let (page, arg) = route("GET", "/mypreferences/d/settings/ads-by-age").unwrap();
        assert_eq!((page.name, arg), ("settings-page", "settings/ads-by-age"));
        assert!(route("GET", "/mypreferences/d/settings/../me").is_none());
        assert!(route("GET", "/mypreferences/d/a//b").is_none());
        let (d, arg) = route(
            "GET",
            "/mysettings-api/settingsApiSneakPeeks?category=PRIVACY&q=category",
        )
        .unwrap();
        assert_eq!((d.name, arg), ("discovery", "PRIVACY"));
        assert!(
            route(
                "GET",
                "/mysettings-api/settingsApiSneakPeeks?category=A&B&q=category"
            )
            .is_none()
        );
        assert!(route("DELETE", "/voyager/api/me").is_none());
        let names: std::collections::HashSet<_> = ALL.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), ALL.len(), "names are unique");
    }
}
