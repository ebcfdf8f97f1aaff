//! A browser's cookie database is read from a private copy, never in place: a running
//! browser's lock does not matter, and the browser's own file is never touched. The copy sits in
//! a folder only this user can open (0700, the files 0600, both from creation), in the user's
//! runtime folder (else the temporary folder); it is removed when the read is done, also when the
//! run is interrupted, and copies a killed run left are removed by the next.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::sessions::cookies::bad_input;

/// The prefix of private copy folders, so a later run can find the ones a killed run left.
pub(crate) const COPY_PREFIX: &str = "linkedin-privacy-cookies.";

/// A new folder only this user can open, created 0700 (never widened, never chmod-ed after).
pub(crate) fn private_folder(scratch: &Path) -> Result<crate::interrupt::PathGuard> {
    let fail = |e: std::io::Error| {
        bad_input(
            format!("cannot make a private folder in {}: {e}", scratch.display()),
            "check TMPDIR",
        )
    };
    sweep_stale_copies(scratch);
    let mut suffix = [0u8; 8];
    let _ = getrandom::fill(&mut suffix);
    let name = format!(
        "{COPY_PREFIX}{}.{}",
        std::process::id(),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let path = scratch.join(name);
    // Registered before it exists: a signal between the two must not leave it behind.
    let guard = crate::interrupt::PathGuard::new(path);
    crate::fsx::create_new_private_dir(guard.path()).map_err(fail)?;
    Ok(guard)
}

/// Copies `from` into a new file that is 0600 from the moment it exists.
/// Only a regular file is read (a FIFO never hangs the run), and at most [`MAX_DATABASE`].
pub(crate) fn copy_private(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::io::Read as _;
    let input = crate::fsx::open_regular(from).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = crate::fsx::create_new_private(to)?;
    let copied = std::io::copy(&mut input.take(MAX_DATABASE + 1), &mut out)?;
    if copied > MAX_DATABASE {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB, more than any browser's cookie database",
            MAX_DATABASE / (1024 * 1024)
        )));
    }
    Ok(())
}

/// The largest cookie database copied: a browser's is a few MiB.
const MAX_DATABASE: u64 = 512 * 1024 * 1024;

/// Removes copy folders of this user whose process is gone (a run killed with SIGKILL).
fn sweep_stale_copies(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(COPY_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if pid <= 0 || process_alive(pid) {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Only our own: another user's folder is theirs to clean.
            // SAFETY: geteuid has no preconditions.
            let me = unsafe { libc::geteuid() };
            match entry.metadata() {
                Ok(m) if m.uid() == me && m.is_dir() => {}
                _ => continue,
            }
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

#[cfg(unix)]
fn process_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: i32) -> bool {
    true
}

/// Copies a SQLite database and the journal beside it (`-wal`, `-journal`) into a new private
/// folder; the folder goes when the guard does.
pub(crate) fn copy_database(
    db: &Path,
    scratch: &Path,
) -> Result<(crate::interrupt::PathGuard, PathBuf)> {
    let copy = private_folder(scratch)?;
    // The copy's own name is plain: the source's may not be UTF-8.
    let name = if db.extension().is_some_and(|e| e == "sqlite") {
        "cookies.sqlite"
    } else {
        "Cookies"
    };
    for suffix in ["", "-wal", "-journal"] {
        let mut from = db.as_os_str().to_os_string();
        from.push(suffix);
        let from = PathBuf::from(from);
        if from.is_file() {
            copy_private(&from, &copy.path().join(format!("{name}{suffix}"))).map_err(|e| {
                bad_input(
                    format!("cannot copy {}: {e}", from.display()),
                    "check its permissions and the free space in the temporary folder",
                )
            })?;
        }
    }
    let path = copy.path().join(name);
    Ok((copy, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_copies_are_0700_and_0600_from_creation_and_stale_ones_are_swept() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().unwrap();
        // A folder a killed run left behind (a pid that cannot exist).
        let stale = scratch.path().join(format!("{COPY_PREFIX}999999999.00"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("cookies.sqlite"), b"jar").unwrap();
        // A live process's folder stays.
        let live = scratch
            .path()
            .join(format!("{COPY_PREFIX}{}.11", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        let guard = private_folder(scratch.path()).unwrap();
        assert!(!stale.exists(), "the stale copy is gone");
        assert!(live.exists());
        let mode = std::fs::metadata(guard.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        let src = scratch.path().join("src");
        std::fs::write(&src, b"cookies").unwrap();
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o644)).unwrap();
        let dst = guard.path().join("cookies.sqlite");
        copy_private(&src, &dst).unwrap();
        let mode = std::fs::metadata(&dst).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the copy does not keep the source's 0644"
        );
        let path = guard.path().to_path_buf();
        drop(guard);
        assert!(!path.exists());
    }
}
