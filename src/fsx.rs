//! Files, done one way everywhere: what the tool reads is a regular file of a bounded size (a
//! FIFO or a device is refused before it can hang a run), read a bounded line at a time; what
//! it writes for the user alone is created 0600 (folders 0700) from the moment it exists,
//! never through a symbolic link, and a file that is rewritten is replaced whole by a rename.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// A folder, a FIFO, a device, a socket: something that is not a regular file.
    NotRegular,
    /// Larger than the limit the caller gave.
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("it does not exist"),
            ReadError::NotRegular => f.write_str("it is not a regular file"),
            ReadError::TooLarge(max) => write!(f, "it is larger than {}", size(*max)),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Io(e),
        }
    }
}

/// `64 KiB`, `16 MiB`, `1 GiB`, for messages.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b >= KIB * KIB * KIB && b % (KIB * KIB * KIB) == 0 => format!("{} GiB", b >> 30),
        b if b >= KIB * KIB && b % (KIB * KIB) == 0 => format!("{} MiB", b >> 20),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Opens a file to read it, only when it is a regular file. A FIFO is opened without waiting
/// for a writer (`O_NONBLOCK`), seen for what it is and refused, so it can never hang a run.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    open_checked(path, false)
}

/// Like [`open_regular`], refusing a symbolic link too (a file the tool will append to or
/// trust, which another user could have replaced by a link).
pub fn open_regular_nofollow(path: &Path) -> Result<File, ReadError> {
    open_checked(path, true)
}

fn open_checked(path: &Path, nofollow: bool) -> Result<File, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if nofollow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    {
        let meta = if nofollow {
            fs::symlink_metadata(path)?
        } else {
            fs::metadata(path)?
        };
        if !meta.is_file() {
            return Err(ReadError::NotRegular);
        }
    }
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => ReadError::NotRegular,
        _ => ReadError::from(e),
    })?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotRegular);
    }
    #[cfg(unix)]
    blocking(&file)?;
    Ok(file)
}

/// Turns `O_NONBLOCK` off again: the file is regular, and reads of it simply block as usual.
#[cfg(unix)]
fn blocking(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function's caller owns; no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A whole regular file of at most `max` bytes.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    read_all_capped(file, max)
}

/// Everything `from` holds, at most `max` bytes (one more is read to tell).
pub fn read_all_capped(from: impl io::Read, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::Read::take(from, max.saturating_add(1)), &mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(max));
    }
    Ok(bytes)
}

/// A whole regular file of at most `max` bytes, as UTF-8 text.
pub fn read_text_capped(path: &Path, max: u64) -> Result<String, ReadError> {
    let bytes = read_capped(path, max)?;
    String::from_utf8(bytes).map_err(|_| {
        ReadError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is not UTF-8 text",
        ))
    })
}

/// One line read with [`read_line`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line is in the buffer, without its `\n`.
    Read,
    /// The line was longer than the limit: it was skipped to its end, never held whole.
    TooLong,
}

/// Reads one line into `buf` (cleared first; the `\n` left out), holding at most `max` bytes of
/// it: a longer line is read past in the reader's own buffer and reported as [`Line::TooLong`].
/// `None` at the end of the input.
pub fn read_line(
    reader: &mut impl BufRead,
    max: usize,
    buf: &mut Vec<u8>,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => None,
        (true, true) => Some(Line::TooLong),
        (true, false) => Some(Line::Read),
    })
}

/// Creates a folder for the user alone (0700) when it is missing, with the folders above it as
/// any program makes them. An existing folder is left exactly as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(above) = dir.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(above)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Creates a new folder for the user alone (0700 from the moment it exists); `AlreadyExists`
/// when something is there already.
pub fn create_new_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens (creating it 0600 when missing) a file that is only ever locked, never a link.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = private_options(0o600);
    options.read(true).write(true).create(true).truncate(false);
    options.open(path)
}

fn private_options(mode: u32) -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options
}

/// Creates a new, empty file for the user alone (0600 from the start); `AlreadyExists` when
/// something is there already (a file, or a link planted in its place).
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = private_options(0o600);
    options.write(true).create_new(true);
    options.open(path)
}

/// Opens a file to append to (and read), creating it 0600 when missing; a symbolic link, a
/// FIFO or anything else that is not a regular file is refused.
pub fn open_append_private(path: &Path) -> Result<File, ReadError> {
    let mut options = private_options(0o600);
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => ReadError::NotRegular,
        _ => ReadError::from(e),
    })?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotRegular);
    }
    #[cfg(unix)]
    blocking(&file)?;
    Ok(file)
}

/// Replaces `path` whole with `bytes`: a temporary file beside it, created with `mode` from the
/// start, synced, then renamed over it. Readers see the old content or the new, never half; a
/// link standing at `path` is replaced itself, never written through. An interruption removes
/// the temporary file (it may hold secrets).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut suffix = [0u8; 8];
    let _ = getrandom::fill(&mut suffix);
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    let _guard = crate::interrupt::PathGuard::new(tmp.clone());
    let result = (|| {
        let mut options = private_options(mode);
        options.write(true).create_new(true);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A file being written beside its final place, for a writer that streams (an export): created
/// 0600 from the start, removed if the run stops or is interrupted, and put in place whole by a
/// rename ([`Staged::commit`]).
pub struct Staged {
    file: File,
    target: PathBuf,
    guard: Option<crate::interrupt::PathGuard>,
}

impl Staged {
    pub fn beside(target: &Path) -> io::Result<Staged> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut suffix = [0u8; 8];
        let _ = getrandom::fill(&mut suffix);
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("file"),
            suffix
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ));
        let guard = crate::interrupt::PathGuard::new(tmp);
        let file = create_new_private(guard.path())?;
        Ok(Staged {
            file,
            target: target.to_path_buf(),
            guard: Some(guard),
        })
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// Syncs the file and renames it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        let guard = self.guard.take().expect("committed once");
        fs::rename(guard.path(), &self.target)?;
        // The guard would remove a file that is no longer there: harmless.
        drop(guard);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(g) = self.guard.take() {
            let _ = fs::remove_file(g.path());
        }
    }
}

/// Whether two paths name the same file (the same device and inode), when both exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Whether an open file is the one standard input reads (the same device and inode).
pub fn is_stdin(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::FromRawFd;
        // SAFETY: fd 0 is borrowed for one fstat and never closed (ManuallyDrop).
        let stdin = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
        match (stdin.metadata(), file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

/// Who besides the user could change a file or folder: `Some(why)` when another user can write
/// it (group or others may write, or someone else owns it).
pub fn writable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // A link is judged by what it points to: a 0600 file in a folder every user can write
        // is as open as the folder.
        let meta = fs::metadata(path).ok()?;
        let mode = meta.mode() & 0o7777;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me && meta.uid() != 0 {
            return Some(format!("it belongs to another user (uid {})", meta.uid()));
        }
        if mode & 0o002 != 0 {
            return Some(format!("every user may write it (mode {:o})", mode & 0o777));
        }
        if mode & 0o020 != 0 {
            return Some(format!("its group may write it (mode {:o})", mode & 0o777));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Who besides the user could change a file through its place: the file itself, or the folder
/// it really is in (a link followed). `None` when only the user can.
pub fn exposed_file(path: &Path) -> Option<(PathBuf, String)> {
    let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(why) = writable_by_others(&real) {
        return Some((real, why));
    }
    let dir = real
        .parent()
        .filter(|d| !d.as_os_str().is_empty())?
        .to_path_buf();
    writable_by_others(&dir).map(|why| (dir, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_an_overlong_one_is_skipped_whole() {
        let text = format!("short\n{}\nnext\nlast", "x".repeat(100_000));
        let mut reader = io::BufReader::with_capacity(1024, text.as_bytes());
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        while let Some(line) = read_line(&mut reader, 64, &mut buf).unwrap() {
            assert!(buf.capacity() < 4096, "the line was never held whole");
            seen.push((line, String::from_utf8(buf.clone()).unwrap()));
        }
        assert_eq!(
            seen,
            [
                (Line::Read, "short".to_string()),
                (Line::TooLong, String::new()),
                (Line::Read, "next".to_string()),
                (Line::Read, "last".to_string()),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(open_regular(&fifo), Err(ReadError::NotRegular)));
        assert!(matches!(
            open_append_private(&fifo),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(read_capped(&fifo, 10), Err(ReadError::NotRegular)));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed_for_appends_and_replaced_by_atomic_writes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            open_append_private(&link),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            open_regular_nofollow(&link),
            Err(ReadError::NotRegular)
        ));
        write_atomic(&link, b"new", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(fs::read_to_string(&link).unwrap(), "new");
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let mode = fs::metadata(&link).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(create_new_private(&link).is_err());
    }

    #[test]
    fn capped_reads_refuse_what_is_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_capped(&f, 10).unwrap().len(), 10);
        assert!(matches!(read_capped(&f, 9), Err(ReadError::TooLarge(9))));
        assert!(matches!(
            read_capped(&dir.path().join("none"), 9),
            Err(ReadError::NotFound)
        ));
        assert!(matches!(
            read_capped(dir.path(), 9),
            Err(ReadError::NotRegular)
        ));
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(16 << 20), "16 MiB");
    }
}
