//! The one place that knows where a run's requests go and with whose session: a sandbox started
//! for the command, a stored profile (the keyring or the plain file), or a token from the
//! environment. It builds the client for the target, starts the sandbox when asked, picks the
//! store, reads sessions and binds them to the origin they were signed in at, and identifies the
//! member. The only `match` on the target is here; commands ask for a connection.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Time;
use crate::error::{Error, Hint, Result};
use crate::linkedin::net::{self, ProxyEnv};
use crate::linkedin::{Client, Member, NetConfig, Observer, Origin, Session};
use crate::report::Identity;
use crate::sandbox::{AccountsFile, Fault, Sandbox, SandboxOptions};
use crate::secret::Secret;
use crate::sessions::{FileStore, KeyringStore, KeyringUse, SessionSource, Store, StoredSession};

/// Where requests go.
#[derive(Clone, Debug)]
pub enum Target {
    /// A sandbox started for this command, acting as one of its accounts.
    Sandbox { account: String },
    /// LinkedIn, or whatever `--base-url` names.
    Remote(Origin),
}

impl Target {
    /// The origin, when it is known before anything starts (not for a sandbox).
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Target::Remote(o) => Some(o),
            Target::Sandbox { .. } => None,
        }
    }
}

/// What a connector was told to do, resolved from the settings.
#[derive(Clone)]
pub struct Plan {
    pub target: Target,
    /// For one whole request, connect to last byte.
    pub timeout: Duration,
    /// Further attempts after a 429, 999 or 5xx.
    pub retries: u32,
    pub proxy: ProxyEnv,
    /// `SSL_CERT_FILE`.
    pub ssl_cert_file: Option<PathBuf>,
    /// The profile a single-account command acts as.
    pub profile: String,
    /// Sessions are kept in the 0600 file instead of the keyring.
    pub insecure_storage: bool,
    /// The keyring only: a session missing from it is not looked for in the plain file.
    pub keyring_only: bool,
    pub keyring: KeyringUse,
    /// `XDG_CONFIG_HOME` and `HOME`: where the index and the plain file live.
    pub xdg_config_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// `LINKEDIN_LI_AT` and `LINKEDIN_JSESSIONID`: win over every store, never written.
    pub env_li_at: Option<Secret>,
    pub env_jsessionid: Option<String>,
    pub time: Time,
}

/// Something the person should hear about, as data; the output layer words it.
pub enum Notice {
    /// Sessions are kept in a plain file (said once per run).
    PlainFileStore { path: PathBuf },
    /// The status lists sessions read from the plain file.
    ReadingPlainFile { path: PathBuf },
    /// A profile's session is read from the plain file: the keyring has none for it, or could
    /// not be read (the error).
    SessionFromPlainFile {
        profile: String,
        path: PathBuf,
        keyring_error: Option<String>,
    },
    /// Whose account this is could not be learned: the run is not recorded.
    Unidentified(Error),
}

type Tell = Arc<dyn Fn(Notice) + Send + Sync>;

/// The outside world, as commands reach it.
pub struct Connector {
    plan: Plan,
    observers: Vec<Arc<dyn Observer>>,
    tell: Tell,
}

/// A client with a session, ready to make calls. Owns the sandbox when there is one, so it
/// lives exactly as long as the command needs it.
pub struct Connection {
    pub client: Client,
    pub session: Session,
    pub identity: Identity,
    pub source: SessionSource,
    _sandbox: Option<Sandbox>,
}

impl Connection {
    pub fn member(&self) -> Member<'_> {
        self.client.member(&self.session)
    }
}

/// A client for the target, and the sandbox it talks to when there is one (kept alive with it).
pub struct Reach {
    pub client: Client,
    sandbox: Option<Sandbox>,
}

/// One session the tool could use, for `status`.
pub struct Listed {
    pub profile: Option<String>,
    pub source: SessionSource,
    pub location: String,
    pub name: Option<String>,
    pub public_id: Option<String>,
    pub stored_at: Option<String>,
    /// The User-Agent the session sends (`None`: the tool's own), and where the session came
    /// from in words.
    pub user_agent: Option<String>,
    pub came_from: Option<String>,
    /// When LinkedIn revoked it.
    pub revoked_at: Option<String>,
    /// The origin a stored session was signed in at (it is only ever sent there).
    pub origin: Option<String>,
    /// The session to check, or why there is none to check.
    pub session: Result<Session>,
}

impl Connector {
    /// `observers` see every exchange of every client made here; `tell` hears the notices.
    pub fn new(
        plan: Plan,
        observers: Vec<Arc<dyn Observer>>,
        tell: impl Fn(Notice) + Send + Sync + 'static,
    ) -> Connector {
        Connector {
            plan,
            observers,
            tell: Arc::new(tell),
        }
    }

    pub fn time(&self) -> &Time {
        &self.plan.time
    }

    /// The profile a single-account command acts as.
    pub fn profile(&self) -> &str {
        &self.plan.profile
    }

    /// The sandbox account acted as, when the target is the sandbox (for its banner).
    pub fn sandbox_account(&self) -> Option<&str> {
        match &self.plan.target {
            Target::Sandbox { account } => Some(account),
            Target::Remote(_) => None,
        }
    }

    /// Whether sessions signed in here are stored (never for the sandbox).
    pub fn stores_sessions(&self) -> bool {
        self.sandbox_account().is_none()
    }

    /// What the history calls the place the account lives: `linkedin`, `sandbox`, or the origin.
    pub fn site(&self) -> String {
        match &self.plan.target {
            Target::Sandbox { .. } => "sandbox".to_string(),
            Target::Remote(o) if *o == Origin::linkedin() => "linkedin".to_string(),
            Target::Remote(o) => o.as_str().to_string(),
        }
    }

    /// The network settings for one origin: the proxy it goes through (never for loopback), and
    /// the certificates `SSL_CERT_FILE` adds.
    pub fn net(&self, origin: Origin) -> Result<NetConfig> {
        let extra_roots = match (
            &self.plan.ssl_cert_file,
            origin.as_str().starts_with("https:"),
        ) {
            (Some(path), true) => net::extra_roots(path)?,
            // Plain http (loopback only) has no certificate to trust.
            _ => Vec::new(),
        };
        let mut cfg = NetConfig {
            timeout: self.plan.timeout,
            retries: self.plan.retries,
            proxy: net::proxy_for(&self.plan.proxy, &origin)?,
            extra_roots,
            ..NetConfig::new(origin)
        };
        // One account's requests are paced against LinkedIn, whatever the command.
        cfg.pace(None);
        Ok(cfg)
    }

    /// A client for the target, without a session (the password login, the public form).
    pub fn client(&self) -> Result<Reach> {
        self.client_with(|_| {})
    }

    /// A client for the target, its network settings adjusted (a bulk run's pause between
    /// requests), with the sandbox when there is one.
    pub fn client_with(&self, adjust: impl FnOnce(&mut NetConfig)) -> Result<Reach> {
        let (origin, sandbox) = match &self.plan.target {
            Target::Sandbox { .. } => {
                let sandbox = Sandbox::start_builtin(SandboxOptions::default())?;
                (Origin::parse(&sandbox.base_url())?, Some(sandbox))
            }
            Target::Remote(origin) => (origin.clone(), None),
        };
        let mut cfg = self.net(origin)?;
        adjust(&mut cfg);
        let mut client = Client::new(cfg, self.plan.time.clone())?;
        for o in &self.observers {
            client = client.observe(Arc::clone(o));
        }
        Ok(Reach { client, sandbox })
    }

    fn config_dir(&self) -> Result<PathBuf> {
        crate::sessions::config_dir(
            self.plan.xdg_config_home.as_deref(),
            self.plan.home.as_deref(),
        )
    }

    /// The OS keyring, as this run may use it.
    pub fn keyring(&self) -> Result<KeyringStore> {
        Ok(KeyringStore::system(&self.config_dir()?, self.plan.keyring))
    }

    /// The 0600 sessions file (whether or not sessions are kept there).
    pub fn session_file(&self) -> Result<FileStore> {
        Ok(FileStore::new(&self.config_dir()?))
    }

    /// The store sessions are read from and written to: the OS keyring, or the 0600 file when
    /// asked for (with a notice).
    pub fn store(&self) -> Result<Store> {
        if self.plan.insecure_storage {
            let file = self.session_file()?;
            (self.tell)(Notice::PlainFileStore {
                path: file.path.clone(),
            });
            Ok(Store::File(file))
        } else {
            Ok(Store::Keyring(self.keyring()?))
        }
    }

    /// Where a session would come from, without reading it.
    pub fn session_source(&self) -> SessionSource {
        match (
            &self.plan.target,
            &self.plan.env_li_at,
            self.plan.insecure_storage,
        ) {
            (Target::Sandbox { .. }, ..) => SessionSource::Sandbox,
            (_, Some(_), _) => SessionSource::Environment,
            (_, None, true) => SessionSource::File,
            (_, None, false) => SessionSource::Keyring,
        }
    }

    /// A session from a token the tool was handed (a sandbox account's, a cookie just read).
    pub fn session(&self, li_at: Secret, jsessionid: Option<&str>) -> Result<Session> {
        Session::new(li_at, jsessionid, &*self.plan.time.random)
    }

    /// The environment's session, which wins over every store and is never written anywhere.
    pub fn env_session(&self) -> Result<Option<Session>> {
        self.plan
            .env_li_at
            .as_ref()
            .map(|li_at| self.session(li_at.clone(), self.plan.env_jsessionid.as_deref()))
            .transpose()
    }

    /// A client and the session to act with: the sandbox account's, the environment's, or the
    /// stored profile's.
    pub fn connect(&self) -> Result<Connection> {
        self.connect_observed(None)
    }

    /// Like [`Connector::connect`], with an observer that sees every exchange (the recorder).
    pub fn connect_observed(&self, observer: Option<Arc<dyn Observer>>) -> Result<Connection> {
        self.connect_adjusted(observer, |_| {})
    }

    /// Like [`Connector::connect`], the network settings adjusted (`audit --delay-ms`).
    pub fn connect_with(&self, adjust: impl FnOnce(&mut NetConfig)) -> Result<Connection> {
        self.connect_adjusted(None, adjust)
    }

    fn connect_adjusted(
        &self,
        observer: Option<Arc<dyn Observer>>,
        adjust: impl FnOnce(&mut NetConfig),
    ) -> Result<Connection> {
        let Reach { client, sandbox } = self.client_with(adjust)?;
        let client = match observer {
            Some(o) => client.observe(o),
            None => client,
        };
        let (session, identity, source) = match (&self.plan.target, &sandbox) {
            (Target::Sandbox { account }, Some(sandbox)) => {
                let (token, identity) = sandbox
                    .account(account)
                    .ok_or_else(|| Error::usage(format!("no sandbox account {account:?}"), None))?;
                (
                    self.session(Secret::new(token), None)?,
                    identity,
                    SessionSource::Sandbox,
                )
            }
            _ => match self.env_session()? {
                Some(session) => (session, Identity::default(), SessionSource::Environment),
                None => self.stored_session(&self.plan.profile)?,
            },
        };
        Ok(Connection {
            client,
            session,
            identity,
            source,
            _sandbox: sandbox,
        })
    }

    /// The stored session of `profile`, bound to the target's origin. Not in the keyring (or no
    /// keyring to ask) but in the plain sessions file, where `--insecure-storage` kept it: it is
    /// read from there, and said so, rather than asking for the flag on every command.
    pub fn stored_session(&self, profile: &str) -> Result<(Session, Identity, SessionSource)> {
        let store = self.store()?;
        let loaded = store.load(profile);
        let (stored, source) = match loaded {
            Ok(Some(stored)) => (stored, store.source()),
            missing => match self.in_plain_file(profile) {
                Some((stored, path)) => {
                    (self.tell)(Notice::SessionFromPlainFile {
                        profile: profile.to_string(),
                        path,
                        keyring_error: missing.err().map(|e| e.to_string()),
                    });
                    (stored, SessionSource::File)
                }
                None => {
                    missing?;
                    return Err(Error::NotSignedIn {
                        detail: format!(
                            "no session stored for profile {:?} in {}",
                            profile,
                            store.location(),
                        ),
                        hint: None,
                    });
                }
            },
        };
        // A stored session only ever goes to the origin it was signed in at.
        if let Some(target) = self.plan.target.origin()
            && Origin::parse(&stored.origin).ok().as_ref() != Some(target)
        {
            return Err(Error::WrongOrigin {
                profile: profile.to_string(),
                stored: crate::text::clean_line(&stored.origin, 100),
                target: target.as_str().to_string(),
            });
        }
        // LinkedIn ended it: never sent again (a request would only confirm it to LinkedIn).
        if let Some(at) = &stored.revoked_at {
            return Err(Error::NotSignedIn {
                detail: format!(
                    "LinkedIn revoked the session of profile {profile:?} on {}",
                    crate::text::day_of(at)
                ),
                hint: Some(Hint::SignInAfterRevoke),
            });
        }
        let identity = identity_of(profile, &stored);
        let user_agent = stored.user_agent.clone();
        Ok((
            self.session(stored.li_at, stored.jsessionid.as_deref())?
                .with_user_agent(user_agent)?,
            identity,
            source,
        ))
    }

    /// Marks a profile's stored session revoked (LinkedIn set `li_at` to `delete me`), when it
    /// is still the session that was revoked: it stays, to be seen by `status`, and is not
    /// used again. Failing to mark it is a warning, never a reason to lose it.
    /// It is marked where it was read from: the store, or the plain file a read fell back to.
    pub fn mark_revoked(&self, profile: &str, li_at: &Secret) -> Result<bool> {
        let store = self.store()?;
        let (mut stored, store) = match store.load(profile) {
            Ok(Some(stored)) if stored.li_at.expose() == li_at.expose() => (stored, store),
            found => match self.in_plain_file(profile) {
                Some((stored, _)) => (stored, Store::File(self.session_file()?)),
                None => return found.map(|_| false),
            },
        };
        if stored.li_at.expose() != li_at.expose() || stored.revoked_at.is_some() {
            return Ok(false);
        }
        stored.revoked_at = Some(self.plan.time.clock.rfc3339());
        store.save(profile, &stored)?;
        Ok(true)
    }

    /// Forgets the profile's session in the plain sessions file, where a read would find it
    /// when the keyring has none (see [`Connector::stored_session`]): the file's path, or `None`
    /// when it holds none, or when the store asked is that file already (or the keyring only).
    pub fn forget_in_plain_file(&self, profile: &str) -> Result<Option<PathBuf>> {
        if self.in_plain_file(profile).is_none() {
            return Ok(None);
        }
        let file = self.session_file()?;
        let path = file.path.clone();
        Ok(Store::File(file).delete(profile)?.then_some(path))
    }

    /// The profile's session in the plain sessions file, when the store asked is another one.
    fn in_plain_file(&self, profile: &str) -> Option<(StoredSession, PathBuf)> {
        if self.plan.insecure_storage || self.plan.keyring_only {
            return None;
        }
        let file = self.session_file().ok()?;
        let path = file.path.clone();
        match Store::File(file).load(profile) {
            Ok(Some(stored)) => Some((stored, path)),
            _ => None,
        }
    }

    /// Every profile with a stored session: the store's, and the plain file's beside it.
    pub fn stored_profiles(&self) -> Result<Vec<String>> {
        let plain = if self.plan.insecure_storage || self.plan.keyring_only {
            Vec::new()
        } else {
            Store::File(self.session_file()?)
                .profiles()
                .unwrap_or_default()
        };
        let mut names = match self.store()?.profiles() {
            Ok(names) => names,
            Err(_) if !plain.is_empty() => Vec::new(),
            Err(e) => return Err(e),
        };
        names.extend(plain);
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Every account a run over "all profiles" audits: the stored profiles, or with the sandbox
    /// its built-in accounts. The accounts that answer 999 go last: a 999 stops a run from
    /// starting new accounts (as against LinkedIn it must), so before them every other account
    /// has started.
    pub fn all_profiles(&self) -> Result<Vec<String>> {
        match &self.plan.target {
            Target::Sandbox { .. } => {
                let mut accounts = AccountsFile::builtin().accounts;
                accounts.sort_by_key(|a| a.fault == Fault::Blocked);
                Ok(accounts.into_iter().map(|a| a.id).collect())
            }
            Target::Remote(_) => self.stored_profiles(),
        }
    }

    /// Whether a name can be a profile of a run over several (any sandbox account's name can).
    pub fn check_profile_name(&self, name: &str) -> Result<()> {
        match &self.plan.target {
            Target::Sandbox { .. } => Ok(()),
            Target::Remote(_) => crate::sessions::check_profile(name),
        }
    }

    /// The session of one account of a run over several profiles: a stored profile's, or the
    /// sandbox account of that name.
    pub fn profile_session(&self, name: &str) -> Result<(Session, Identity)> {
        let labelled = |mut identity: Identity| {
            identity.label = Some(name.to_string());
            identity
        };
        match &self.plan.target {
            Target::Sandbox { .. } => {
                let token = AccountsFile::builtin()
                    .get(name)
                    .map(|a| a.li_at.clone())
                    .ok_or_else(|| {
                        Error::usage(format!("the sandbox has no account {name:?}"), None)
                    })?;
                let session = self.session(Secret::new(token), None)?;
                Ok((session, labelled(Identity::default())))
            }
            Target::Remote(_) => {
                let (session, identity, _) = self.stored_session(name)?;
                Ok((session, labelled(identity)))
            }
        }
    }

    /// Learns whose account a session is (one `/me` call) when `wanted` and not known yet.
    /// `Err` only for what ends the run anyway (the session, the throttle, the network); any
    /// other failure is a notice, and the identity stays as it was.
    pub fn identify(
        &self,
        member: &Member<'_>,
        identity: &mut Identity,
        wanted: bool,
    ) -> Result<()> {
        if !wanted || identity.member_key().is_some() {
            return Ok(());
        }
        match member.me() {
            Ok(me) => identity.learn(me.name, me.public_id, me.member_urn),
            Err(e) if e.ends_account() => return Err(e),
            Err(e) => (self.tell)(Notice::Unidentified(e)),
        }
        Ok(())
    }

    /// Every session the tool could use, for `status`: the sandbox account's, or the
    /// environment's, the keyring's and the plain file's (when it exists or is in use), with a
    /// session to check for each, or why there is none.
    pub fn list_sessions(&self, sandbox: Option<&Sandbox>) -> Result<Vec<Listed>> {
        let mut out = Vec::new();
        if let (Target::Sandbox { account }, Some(sandbox)) = (&self.plan.target, sandbox) {
            if let Some((token, identity)) = sandbox.account(account) {
                out.push(Listed {
                    profile: None,
                    source: SessionSource::Sandbox,
                    location: format!("sandbox account {account:?}"),
                    name: identity.name,
                    public_id: identity.public_id,
                    stored_at: None,
                    user_agent: None,
                    came_from: None,
                    revoked_at: None,
                    origin: None,
                    session: self.session(Secret::new(token), None),
                });
            }
            return Ok(out);
        }
        if let Some(session) = self.env_session().transpose() {
            out.push(Listed {
                profile: None,
                source: SessionSource::Environment,
                location: "LINKEDIN_LI_AT".to_string(),
                name: None,
                public_id: None,
                stored_at: None,
                user_agent: None,
                came_from: None,
                revoked_at: None,
                origin: None,
                session,
            });
        }
        let file = self.session_file()?;
        let file_exists = file.path.exists();
        let mut stores = vec![Store::Keyring(self.keyring()?)];
        if file_exists || self.plan.insecure_storage {
            if file_exists {
                (self.tell)(Notice::ReadingPlainFile {
                    path: file.path.clone(),
                });
            }
            stores.push(Store::File(file));
        }
        for store in &stores {
            let entry = |profile: Option<String>, session: Result<Session>| Listed {
                profile,
                source: store.source(),
                location: store.location(),
                name: None,
                public_id: None,
                stored_at: None,
                user_agent: None,
                came_from: None,
                revoked_at: None,
                origin: None,
                session,
            };
            if let Store::Keyring(k) = store {
                for stray in k.strays() {
                    let stray = crate::text::clean_line(&stray, 64);
                    out.push(entry(
                        Some(stray.clone()),
                        Err(Error::Store {
                            message: "the keyring holds this profile but the index beside it does not list it, so no command uses it".to_string(),
                            hint: Some(Hint::LogoutStray { profile: stray }),
                        }),
                    ));
                }
            }
            let profiles = match store.profiles() {
                Ok(p) => p,
                Err(e) => {
                    out.push(entry(None, Err(e)));
                    continue;
                }
            };
            for profile in profiles {
                match store.load(&profile) {
                    Ok(Some(stored)) => {
                        let identity = identity_of(&profile, &stored);
                        let elsewhere = self.plan.target.origin().filter(|target| {
                            Origin::parse(&stored.origin).ok().as_ref() != Some(*target)
                        });
                        let session = match elsewhere {
                            // Never sent to an origin it was not signed in at, not even to check.
                            Some(target) => Err(Error::WrongOrigin {
                                profile: profile.clone(),
                                stored: crate::text::clean_line(&stored.origin, 100),
                                target: target.as_str().to_string(),
                            }),
                            // LinkedIn ended it: never sent again, not even to check.
                            None if stored.revoked_at.is_some() => Err(Error::NotSignedIn {
                                detail: format!(
                                    "LinkedIn revoked this session on {}",
                                    crate::text::day_of(stored.revoked_at.as_deref().unwrap_or(""))
                                ),
                                hint: Some(Hint::SignInAfterRevoke),
                            }),
                            None => self
                                .session(stored.li_at.clone(), stored.jsessionid.as_deref())
                                .and_then(|s| s.with_user_agent(stored.user_agent.clone())),
                        };
                        let mut listed = entry(Some(profile.clone()), session);
                        listed.name = identity.name;
                        listed.public_id = identity.public_id;
                        listed.stored_at = Some(stored.stored_at.clone());
                        listed.user_agent = stored.user_agent.clone();
                        listed.came_from = stored.source.clone();
                        listed.revoked_at = stored.revoked_at.clone();
                        listed.origin = Some(crate::text::clean_line(&stored.origin, 100));
                        out.push(listed);
                    }
                    Ok(None) => out.push(entry(
                        Some(profile.clone()),
                        Err(Error::NotSignedIn {
                            detail: format!(
                                "profile {profile:?} is listed but its keyring item is gone"
                            ),
                            hint: None,
                        }),
                    )),
                    Err(e) => out.push(entry(Some(profile.clone()), Err(e))),
                }
            }
        }
        Ok(out)
    }
}

impl Reach {
    /// The sandbox, when the target is one (its accounts, for `status`).
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }
}

/// The identity a stored session names: its profile, the member's name and public id (records
/// from before identifiers were checked may hold anything: cleaned).
fn identity_of(profile: &str, stored: &StoredSession) -> Identity {
    Identity {
        label: None,
        profile: Some(profile.to_string()),
        name: Some(crate::text::clean_line(&stored.name, 100)),
        public_id: stored
            .public_id
            .as_deref()
            .and_then(crate::linkedin::api::clean_public_id),
        member_urn: None,
    }
}
