//! The Data Processing Objection Form: read whatever `<form>` LinkedIn serves ([`form`]),
//! recognise its fields and fill what can be filled ([`fill`]), and write the explanation and a
//! page to copy from ([`letter`]). Nothing here submits anything. Plain data in and out.

pub mod fill;
pub mod form;
pub mod letter;

pub use fill::{FillError, Filled, Inputs, Region, Source, fill};
pub use form::{
    Field, Form, FormOption, MAX_FIELDS, MAX_OPTIONS, fallback_form, looks_like_objection_form,
    parse_form, parse_form_within,
};
pub use letter::{explanation, html_page};

/// The most time reading a page's form may take, wherever a page is read (`objection`,
/// `drift`, the fixtures' self-check).
pub const PARSE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::State;
    use crate::sandbox::fixtures::embedded;

    fn inputs() -> Inputs {
        Inputs {
            name: Some("Ada Lovelace".into()),
            public_id: Some("ada-lovelace".into()),
            email: Some("ada@example.com".into()),
            objection_type: None,
            region: Some(Region::Eea),
            country: None,
            reason: None,
            include_genai: false,
            genai_state: State::Off,
        }
    }

    fn by_name<'a>(filled: &'a [Filled], name: &str) -> &'a Filled {
        filled.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn the_main_form_is_read_with_labels_and_options() {
        let form = parse_form(embedded("forms/ts-dpro.html").unwrap()).unwrap();
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "csrfToken",
                "formId",
                "fullName",
                "emailAddress",
                "country",
                "objectionType",
                "objectionDetails",
                "confirmAccuracy"
            ]
        );
        let t = &form.fields[5];
        assert_eq!(
            t.label.as_deref(),
            Some("What would you like to object to?")
        );
        assert_eq!(t.options.len(), 5);
        assert_eq!(form.fields[1].preset.as_deref(), Some("TS-DPRO"));
        let filled = fill(&form, &inputs(), &explanation(&inputs())).unwrap();
        assert_eq!(
            by_name(&filled, "fullName").value.as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(by_name(&filled, "emailAddress").source, Source::User);
        assert_eq!(
            by_name(&filled, "objectionType").value.as_deref(),
            Some("AI_ML_PERSONALIZATION")
        );
        assert_eq!(
            by_name(&filled, "objectionDetails").source,
            Source::Template
        );
        assert_eq!(by_name(&filled, "formId").source, Source::Page);
        assert_eq!(by_name(&filled, "country").source, Source::NotFilled);
        assert_eq!(
            by_name(&filled, "confirmAccuracy").source,
            Source::NotFilled
        );
    }

    #[test]
    fn the_reordered_form_with_wrapping_labels() {
        let form = parse_form(embedded("forms/ts-dpro.reordered.html").unwrap()).unwrap();
        let filled = fill(&form, &inputs(), &explanation(&inputs())).unwrap();
        let cat = by_name(&filled, "request_category");
        assert_eq!(cat.label.as_deref(), Some("Type of request"));
        assert_eq!(cat.value.as_deref(), Some("ml"));
        assert_eq!(
            by_name(&filled, "requester_name").value.as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(
            by_name(&filled, "contact_email").value.as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(
            by_name(&filled, "profile_url").value.as_deref(),
            Some("https://www.linkedin.com/in/ada-lovelace")
        );
        assert_eq!(by_name(&filled, "phone").source, Source::NotFilled);
        assert!(
            by_name(&filled, "additional_information")
                .value
                .as_deref()
                .unwrap()
                .contains("Article 21")
        );
    }

    #[test]
    fn type_flag_picks_an_option_or_says_which_exist() {
        let form = parse_form(embedded("forms/ts-dpro.html").unwrap()).unwrap();
        let mut i = inputs();
        i.objection_type = Some("other".into());
        let filled = fill(&form, &i, &explanation(&i)).unwrap();
        let t = by_name(&filled, "objectionType");
        assert_eq!(
            (t.value.as_deref(), t.source),
            (Some("OTHER"), Source::User)
        );
        i.objection_type = Some("astrology".into());
        let err = fill(&form, &i, &explanation(&i)).unwrap_err();
        assert!(
            matches!(&err, FillError::TypeNone { options, .. } if options.contains("Direct marketing")),
            "{err:?}"
        );
        // With --include-genai the generative option is no longer penalised, but personalisation still wins.
        let mut i = inputs();
        i.include_genai = true;
        assert_eq!(
            by_name(&fill(&form, &i, &explanation(&i)).unwrap(), "objectionType")
                .value
                .as_deref(),
            Some("AI_ML_PERSONALIZATION")
        );
    }

    #[test]
    fn the_template_follows_region_toggle_and_reason() {
        let mut i = inputs();
        let t = explanation(&i);
        assert!(t.contains("Article 21 of the General Data Protection Regulation"));
        assert!(t.contains("age and gender"));
        assert!(t.contains("already turned off"));
        assert!(!t.contains("generative AI models that create content"));
        i.region = None;
        i.genai_state = State::On;
        i.include_genai = true;
        i.reason = Some("I never agreed to this.".into());
        let t = explanation(&i);
        assert!(t.contains("the data protection law that applies to me"));
        assert!(
            t.contains("is still on in my account; my objection covers that use of my data too")
        );
        assert!(t.contains("train generative AI models"));
        assert!(t.contains("In my own words: I never agreed to this."));
        assert!(!t.contains("already turned off"));
        i.genai_state = State::Unknown;
        let t = explanation(&i);
        assert!(!t.contains("already turned off") && !t.contains("still on"));
        i.region = Some(Region::Uk);
        assert!(explanation(&i).contains("UK GDPR"));
    }

    #[test]
    fn pages_without_a_form_give_none_and_the_fallback_has_the_reported_fields() {
        assert_eq!(
            parse_form("<html><body><p>Page not found</p></body></html>"),
            None
        );
        let interstitial = parse_form(embedded("pages/interstitial.html").unwrap()).unwrap();
        assert!(!looks_like_objection_form(&interstitial));
        for page in ["forms/ts-dpro.html", "forms/ts-dpro.reordered.html"] {
            assert!(looks_like_objection_form(
                &parse_form(embedded(page).unwrap()).unwrap()
            ));
        }
        let filled = fill(&fallback_form(), &inputs(), &explanation(&inputs())).unwrap();
        assert!(filled.iter().all(|f| f.value.is_some()), "{filled:?}");
    }

    #[test]
    fn the_html_page_escapes_values() {
        let mut i = inputs();
        i.reason = Some("<script>alert(1)</script> & \"quotes\"".into());
        let filled = fill(&fallback_form(), &i, &explanation(&i)).unwrap();
        let page = html_page(
            "https://www.linkedin.com/help/linkedin/ask/TS-DPRO",
            &filled,
        );
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assert_eq!(page.matches("data-copy=").count(), 4);
    }
}
