//! The files under `fixtures/`, compiled into the binary so `--sandbox` works from an installed
//! binary without the source tree. A test checks that this list and the folder agree.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../fixtures/", $path)))),*]
    };
}

/// Every fixture file, by its path under `fixtures/`.
pub const EMBEDDED: &[(&str, &str)] = embed![
    "README.md",
    "manifest.json",
    "accounts.toml",
    "cards/adsBeyondLinkedin.json",
    "cards/adsByAge.json",
    "cards/adsByGender.json",
    "cards/adsInferredLocation.json",
    "cards/adsInteractionsWithBusiness.json",
    "cards/adsRelatedActions.json",
    "cards/dataExportByPageAdmins.json",
    "cards/dataForAiImprovement.data-envelope.json",
    "cards/dataForAiImprovement.data-garbage.json",
    "cards/dataForAiImprovement.drifted.json",
    "cards/dataForAiImprovement.enabled-disabled.json",
    "cards/dataForAiImprovement.json",
    "cards/dataForAiImprovement.new-field.json",
    "cards/dataForAiImprovement.no-off-value.json",
    "cards/dataForAiImprovement.odd-value.json",
    "cards/dataForAiImprovement.other-key.json",
    "cards/dataForAiImprovement.relabelled.json",
    "cards/dataForAiImprovement.switch.json",
    "cards/discoverMeByEmailAddress.json",
    "cards/discoverMeByPhoneNumber.json",
    "cards/interestCategories.json",
    "cards/linkedinPromotions.json",
    "cards/policyAndAcademicResearch.json",
    "cards/profileViewingOptions.json",
    "cards/profileViewingOptions.two-selected.json",
    "cards/profileViewingOptions.unlisted.json",
    "cards/profileVisibilityForPartners.json",
    "cards/shareDataWithSelectPartners.json",
    "discovery/ADVERTISING.json",
    "discovery/PRIVACY.json",
    "discovery/PRIVACY.new-setting.json",
    "discovery/SIGN_IN_AND_SECURITY.json",
    "forms/ts-dpro.html",
    "forms/ts-dpro.shell.html",
    "forms/ts-dpro.reordered.html",
    "me/ada-lovelace.json",
    "me/grace-hopper.normalized.json",
    "pages/blocked-999.html",
    "pages/interstitial.html",
    "settings-pages/interest-categories.html",
    "settings-pages/profile-viewing-options.html",
    "settings-pages/profile-visibility-for-partners.html",
    "settings-pages/settings_ads-beyond-linkedin.html",
    "settings-pages/settings_ads-by-age.html",
    "settings-pages/settings_ads-by-gender.html",
    "settings-pages/settings_ads-inferred-location.html",
    "settings-pages/settings_ads-interactions-with-business.html",
    "settings-pages/settings_ads-related-actions.html",
    "settings-pages/settings_data-export-by-page-admins.html",
    "settings-pages/settings_data-for-ai-improvement.html",
    "settings-pages/settings_discover-me-by-email-address.html",
    "settings-pages/settings_discover-me-by-phone-number.html",
    "settings-pages/settings_linkedin-promotions.html",
    "settings-pages/settings_policy-and-academic-research.html",
    "settings-pages/settings_share-data-with-select-partners.html",
];

/// Where fixture files are looked up: a folder first (a user's accounts file sits in one), then
/// the embedded copies.
#[derive(Clone, Debug, Default)]
pub struct Fixtures {
    dir: Option<PathBuf>,
}

impl Fixtures {
    pub fn embedded() -> Fixtures {
        Fixtures { dir: None }
    }

    pub fn in_dir(dir: &Path) -> Fixtures {
        Fixtures {
            dir: Some(dir.to_path_buf()),
        }
    }

    pub fn read(&self, name: &str) -> Result<String> {
        if name.split('/').any(|part| part == "..") || name.starts_with('/') {
            return Err(Error::usage(
                format!("fixture path {name:?} must stay inside the fixtures folder"),
                None,
            ));
        }
        if let Some(dir) = &self.dir {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path).map_err(|e| {
                    Error::usage(format!("cannot read fixture {}: {e}", path.display()), None)
                });
            }
        }
        embedded(name).map(str::to_string).ok_or_else(|| {
            Error::usage(
                format!("no fixture named {name:?}"),
                Some("fixture paths are relative to the accounts file".to_string()),
            )
        })
    }
}

pub fn embedded(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_disk() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push(rel);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_embedded_list_matches_the_folder() {
        let mut embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk());
    }

    #[test]
    fn the_readme_describes_every_fixture() {
        let readme = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/README.md"),
        )
        .unwrap();
        for (name, _) in EMBEDDED {
            assert!(
                readme.contains(&format!("`{name}`")),
                "fixtures/README.md lacks {name}"
            );
        }
    }

    /// Every fixture parses and reads as the manifest says, the hashes match, every file has
    /// its provenance, and the sandbox serves what the fixtures say (`drift --self-check`).
    #[test]
    fn the_builtin_fixtures_pass_the_self_check() {
        let time = crate::clock::Time::system();
        let checks = crate::drift::selfcheck::run(
            &crate::drift::recording::Recording::builtin(),
            None,
            &time,
        );
        let failed: Vec<_> = checks.iter().filter(|c| !c.ok).collect();
        assert!(failed.is_empty(), "{failed:#?}");
        assert!(checks.len() > 40, "{}", checks.len());
    }

    #[test]
    fn every_builtin_account_loads() {
        let sandbox =
            super::super::Sandbox::start_builtin(super::super::SandboxOptions::default()).unwrap();
        assert!(sandbox.accounts().count() >= 15);
        let (_, demo) = sandbox.account("demo").unwrap();
        assert_eq!(demo.name.as_deref(), Some("Ada Lovelace"));
        let ai = sandbox.card("demo", "dataForAiImprovement").unwrap();
        assert_eq!(ai["settings"][0]["value"], "true");
        let off = sandbox.card("private", "dataForAiImprovement").unwrap();
        assert_eq!(off["settings"][0]["value"], "false");
        assert_eq!(
            off["settings"][0]["settingDisplayValues"][1]["selected"],
            true
        );
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        let f = Fixtures::embedded();
        assert!(f.read("../Cargo.toml").is_err());
        assert!(f.read("/etc/passwd").is_err());
        assert!(f.read("cards/dataForAiImprovement.json").is_ok());
    }
}
