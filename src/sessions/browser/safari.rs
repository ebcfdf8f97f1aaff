//! Safari (macOS): `Cookies.binarycookies`, a binary format of pages of cookie records (a
//! big-endian file header, little-endian pages; each record's domain, name, path and value as
//! NUL-terminated strings at offsets inside it). Read whole but bounded, never written.

use std::path::{Path, PathBuf};

use super::Places;
use crate::error::{Hint, Result};
use crate::secret::Secret;
use crate::sessions::cookies::{Found, bad_input, bad_input_with, is_linkedin};

/// The largest cookie file read.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Where Safari keeps its cookies, the sandboxed place first.
pub fn files(places: &Places) -> Vec<PathBuf> {
    vec![
        places
            .home
            .join("Library/Containers/com.apple.Safari/Data/Library/Cookies/Cookies.binarycookies"),
        places.home.join("Library/Cookies/Cookies.binarycookies"),
    ]
}

/// One cookie of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Cookie {
    pub domain: String,
    pub name: String,
    pub value: String,
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The NUL-terminated string at `at` inside `record`.
fn c_string(record: &[u8], at: usize) -> Option<String> {
    let rest = record.get(at..)?;
    let end = rest.iter().position(|b| *b == 0)?;
    String::from_utf8(rest[..end].to_vec()).ok()
}

/// Every cookie of a `Cookies.binarycookies` file; `None` when it is not one.
pub fn parse(bytes: &[u8]) -> Option<Vec<Cookie>> {
    if bytes.get(..4)? != b"cook" {
        return None;
    }
    let pages = u32_be(bytes, 4)? as usize;
    if pages > 100_000 {
        return None;
    }
    let mut sizes = Vec::with_capacity(pages);
    for i in 0..pages {
        sizes.push(u32_be(bytes, 8 + 4 * i)? as usize);
    }
    let mut at = 8 + 4 * pages;
    let mut out = Vec::new();
    for size in sizes {
        let page = bytes.get(at..at.checked_add(size)?)?;
        at += size;
        if u32_be(page, 0)? != 0x0000_0100 {
            return None;
        }
        let count = u32_le(page, 4)? as usize;
        for i in 0..count.min(100_000) {
            let offset = u32_le(page, 8 + 4 * i)? as usize;
            let len = u32_le(page, offset)? as usize;
            let record = page.get(offset..offset.checked_add(len)?)?;
            let field = |n: usize| u32_le(record, 16 + 4 * n).map(|o| o as usize);
            let (url, name, value) = (field(0)?, field(1)?, field(3)?);
            out.push(Cookie {
                domain: c_string(record, url)?,
                name: c_string(record, name)?,
                value: c_string(record, value)?,
            });
        }
    }
    Some(out)
}

/// Reads `li_at` and `JSESSIONID` for linkedin.com from Safari's cookies.
pub fn read(places: &Places, file: Option<&Path>) -> Result<Found> {
    let candidates: Vec<PathBuf> = match file {
        Some(f) => vec![f.to_path_buf()],
        None => files(places),
    };
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        return Err(bad_input(
            format!(
                "cannot find Safari's cookies (looked at {})",
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "macOS shows them only to a terminal with Full Disk Access (System Settings > Privacy & Security)",
        ));
    };
    let bytes = crate::fsx::read_capped(path, MAX_FILE).map_err(|e| {
        bad_input(
            format!("cannot read {}: {e}", path.display()),
            "give the terminal Full Disk Access (System Settings > Privacy & Security), or export a cookies.txt",
        )
    })?;
    let cookies = parse(&bytes).ok_or_else(|| {
        bad_input_with(
            format!("{} is not a Safari cookie file", path.display()),
            Hint::CookiesFile,
        )
    })?;
    let pick = |name: &str| {
        cookies
            .iter()
            .find(|c| c.name == name && is_linkedin(&c.domain))
            .map(|c| c.value.clone())
    };
    match pick("li_at") {
        Some(li_at) => Ok(Found {
            li_at: Secret::new(li_at),
            jsessionid: pick("JSESSIONID").map(|j| j.trim_matches('"').to_string()),
            user_agent: user_agent(Path::new(SAFARI_INFO)),
            browser: None,
        }),
        None => Err(bad_input(
            "Safari has no li_at cookie for linkedin.com".to_string(),
            "sign in to LinkedIn in Safari first",
        )),
    }
}

/// Safari's version lives in its bundle's Info.plist.
const SAFARI_INFO: &str = "/Applications/Safari.app/Contents/Info.plist";

/// Safari's User-Agent, from the `CFBundleShortVersionString` of its Info.plist (`18.2`);
/// `None` when the file cannot be read or holds no plain version.
pub fn user_agent(info_plist: &Path) -> Option<String> {
    let text = crate::fsx::read_text_capped(info_plist, 1024 * 1024).ok()?;
    let after = &text[text.find("<key>CFBundleShortVersionString</key>")?..];
    let start = after.find("<string>")? + "<string>".len();
    let version = &after[start..start + after[start..].find("</string>")?];
    let parts: Vec<&str> = version.trim().split('.').collect();
    let plain = !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
    if !plain {
        return None;
    }
    let short = parts[..parts.len().min(2)].join(".");
    Some(format!(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{short} Safari/605.1.15"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safaris_user_agent_comes_from_its_bundle_version() {
        let dir = tempfile::tempdir().unwrap();
        let plist = dir.path().join("Info.plist");
        std::fs::write(
            &plist,
            "<plist><dict><key>CFBundleName</key><string>Safari</string>\n<key>CFBundleShortVersionString</key>\n\t<string>18.2.1</string></dict></plist>",
        )
        .unwrap();
        assert_eq!(
            user_agent(&plist).as_deref(),
            Some(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15"
            )
        );
        std::fs::write(
            &plist,
            "<key>CFBundleShortVersionString</key><string>18\r\nX-Evil: 1</string>",
        )
        .unwrap();
        assert_eq!(user_agent(&plist), None);
        assert_eq!(user_agent(&dir.path().join("missing")), None);
    }

    /// A record as Safari writes it: the header, then the strings it points at.
    fn record(domain: &str, name: &str, value: &str) -> Vec<u8> {
        let header = 56usize;
        let strings = [domain, name, "/", value];
        let mut offsets = Vec::new();
        let mut tail = Vec::new();
        for s in strings {
            offsets.push((header + tail.len()) as u32);
            tail.extend(s.as_bytes());
            tail.push(0);
        }
        let size = (header + tail.len()) as u32;
        let mut r = Vec::new();
        r.extend(size.to_le_bytes());
        r.extend(0u32.to_le_bytes());
        r.extend(1u32.to_le_bytes());
        r.extend(0u32.to_le_bytes());
        for o in offsets {
            r.extend(o.to_le_bytes());
        }
        r.extend([0u8; 8]);
        r.extend(0f64.to_le_bytes());
        r.extend(0f64.to_le_bytes());
        assert_eq!(r.len(), header);
        r.extend(tail);
        r
    }

    fn file(records: &[Vec<u8>]) -> Vec<u8> {
        let mut page = Vec::new();
        page.extend(0x0000_0100u32.to_be_bytes());
        page.extend((records.len() as u32).to_le_bytes());
        let mut offset = 8 + 4 * records.len() + 4;
        for r in records {
            page.extend((offset as u32).to_le_bytes());
            offset += r.len();
        }
        page.extend(0u32.to_le_bytes());
        for r in records {
            page.extend(r);
        }
        let mut out = b"cook".to_vec();
        out.extend(1u32.to_be_bytes());
        out.extend((page.len() as u32).to_be_bytes());
        out.extend(page);
        out
    }

    #[test]
    fn cookies_are_read_and_broken_files_refused() {
        let bytes = file(&[
            record(".example.com", "li_at", "not-this-one"),
            record(".linkedin.com", "li_at", "AQEDsafari"),
            record(".www.linkedin.com", "JSESSIONID", "\"ajax:1\""),
        ]);
        let cookies = parse(&bytes).unwrap();
        assert_eq!(cookies.len(), 3);
        assert_eq!(cookies[1].value, "AQEDsafari");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cookies.binarycookies");
        std::fs::write(&path, &bytes).unwrap();
        let places = Places::for_tests(dir.path());
        let found = read(&places, Some(&path)).unwrap();
        assert_eq!(found.li_at.expose(), "AQEDsafari");
        assert_eq!(found.jsessionid.as_deref(), Some("ajax:1"));
        for broken in [&b"cook"[..], b"nope", &bytes[..bytes.len() - 5], b""] {
            assert!(parse(broken).is_none(), "{broken:?}");
        }
        // An offset that points past its record.
        let mut bad = bytes.clone();
        let at = bad.len() - 40;
        bad[at] = 0xff;
        let _ = parse(&bad);
    }
}
