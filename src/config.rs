//! The config file: `config.toml` in the config directory (`$XDG_CONFIG_HOME/linkedin-privacy`,
//! else `~/.config/linkedin-privacy`), holding defaults a user sets once. Flags beat the
//! environment, which beats this file, which beats the built-in defaults. A key this version
//! does not know, or a value of the wrong kind, is an error that names its line: a typo never
//! silently does nothing.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::output::{ColorChoice, Format};

/// The file's name in the config directory.
pub const FILE_NAME: &str = "config.toml";
/// The largest config file read.
const MAX_BYTES: u64 = 64 * 1024;

/// The defaults the file may set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub format: Option<Format>,
    pub profile: Option<String>,
    pub timeout: Option<f64>,
    pub catalog: Option<PathBuf>,
    pub insecure_storage: bool,
    pub color: Option<ColorChoice>,
    /// Where it was read from, for messages.
    pub path: Option<PathBuf>,
    /// Said once the output is set up: the file or its folder can be changed by another user.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, deserialize_with = "format_name")]
    format: Option<Format>,
    profile: Option<String>,
    timeout: Option<f64>,
    catalog: Option<PathBuf>,
    insecure_storage: Option<bool>,
    #[serde(default, deserialize_with = "color_name")]
    color: Option<ColorChoice>,
}

/// A format by its name, as the command line takes it.
fn format_name<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Format>, D::Error> {
    let name = String::deserialize(d)?;
    Format::from_name(&name).map(Some).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|(_, n, _)| *n).collect();
        serde::de::Error::custom(format!(
            "unknown format `{name}`, expected one of {}",
            names.join(", ")
        ))
    })
}

/// A colour choice by its name.
fn color_name<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<ColorChoice>, D::Error> {
    let name = String::deserialize(d)?;
    ColorChoice::from_name(&name).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown color `{name}`, expected auto, always or never"
        ))
    })
}

impl Config {
    /// Reads `config.toml` from the config directory; none there is no error.
    pub fn load(config_dir: Option<&Path>) -> Result<Config> {
        let Some(dir) = config_dir else {
            return Ok(Config::default());
        };
        let path = dir.join(FILE_NAME);
        let bad = |why: String| {
            Error::usage(
                format!("cannot read {}: {why}", path.display()),
                Some("fix it, or move it away: every setting has a built-in default".to_string()),
            )
        };
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(bad(e.to_string())),
        };
        // A pipe or a device would never end: only a regular file, and a small one, is read.
        if !meta.is_file() {
            return Err(bad("it is not a regular file".to_string()));
        }
        if meta.len() > MAX_BYTES {
            return Err(bad("it is larger than 64 KiB".to_string()));
        }
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text".to_string()))?;
        let mut config = Config::parse(&text, &path)?;
        // A file another user can change could point the catalog anywhere or keep sessions in
        // plain text: those two keys are refused from it, and the rest is used with a warning.
        if let Some((place, why)) = crate::fsx::exposed_file(&path) {
            let why = if place.is_dir() {
                format!(
                    "{} is in {}, which another user can change: {why}",
                    path.display(),
                    place.display()
                )
            } else {
                format!("{} can be changed by another user: {why}", path.display())
            };
            let fix = format!(
                "`chmod go-w {}`",
                crate::text::shell_word(&place.display().to_string())
            );
            if config.catalog.is_some() || config.insecure_storage {
                return Err(Error::usage(
                    format!(
                        "{why}; its catalog and insecure_storage settings are not used from such a file"
                    ),
                    Some(format!("make it yours alone: {fix}")),
                ));
            }
            config.warnings.push(format!("{why}; run {fix}"));
        }
        Ok(config)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let file: File = toml::from_str(text).map_err(|e| {
            Error::usage(
                format!(
                    "{}{}: {}",
                    path.display(),
                    crate::text::line_of(text, e.span()),
                    e.message().trim()
                ),
                Some(
                    "the keys are format, profile, timeout, catalog, insecure_storage and color; see the README's \"Config file\""
                        .to_string(),
                ),
            )
        })?;
        if let Some(t) = file.timeout
            && !(t.is_finite() && t > 0.0 && t <= 3600.0)
        {
            return Err(Error::usage(
                format!("{}: timeout {t} is out of range", path.display()),
                Some("give seconds between 0 and 3600, e.g. timeout = 10".to_string()),
            ));
        }
        if let Some(p) = &file.profile {
            crate::sessions::check_profile(p)?;
        }
        // A relative catalog path is relative to the config file, not to wherever a run starts.
        let catalog = file.catalog.map(|c| match path.parent() {
            Some(dir) if c.is_relative() => dir.join(c),
            _ => c,
        });
        Ok(Config {
            format: file.format,
            profile: file.profile,
            timeout: file.timeout,
            catalog,
            insecure_storage: file.insecure_storage.unwrap_or(false),
            color: file.color,
            path: Some(path.to_path_buf()),
            warnings: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(
            text,
            Path::new("/home/ada/.config/linkedin-privacy/config.toml"),
        )
    }

    #[test]
    fn every_key_and_relative_paths() {
        let c = parse(
            "format = \"json\"\nprofile = \"work\"\ntimeout = 12.5\ncatalog = \"cat.toml\"\ninsecure_storage = true\ncolor = \"never\"\n",
        )
        .unwrap();
        assert_eq!(c.format, Some(Format::Json));
        assert_eq!(c.profile.as_deref(), Some("work"));
        assert_eq!(c.timeout, Some(12.5));
        assert_eq!(
            c.catalog.as_deref(),
            Some(Path::new("/home/ada/.config/linkedin-privacy/cat.toml"))
        );
        assert!(c.insecure_storage);
        assert_eq!(c.color, Some(ColorChoice::Never));
        assert_eq!(parse("").unwrap().format, None);
    }

    #[test]
    fn a_typo_names_its_line() {
        let e = parse("format = \"json\"\n\nfromat = \"csv\"\n").unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(e.to_string().contains("fromat"), "{e}");
        let e = parse("color = \"sometimes\"\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        assert!(parse("timeout = -1\n").is_err());
        assert!(parse("profile = \"a b\"\n").is_err());
    }
}
