//! The Data Processing Objection Form: read whatever `<form>` LinkedIn serves ([`form`]),
//! recognise its fields and fill what can be filled ([`fill`]), and write the explanation and a
//! page to copy from ([`letter`]). Nothing here submits anything. Plain data in and out.

pub mod fill;
pub mod form;
pub mod lang;
pub mod letters;
pub mod page;
pub mod ui;

pub use fill::{FillError, Filled, Inputs, Region, Source, fill, is_email};
pub use form::{
    Field, Form, FormOption, MAX_FIELDS, MAX_OPTIONS, fallback_form, looks_like_objection_form,
    parse_form, parse_form_within,
};
pub use lang::Lang;
pub use letters::letter;
pub use page::html_page;

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
            grounds: None,
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
        let filled = fill(&form, &inputs(), &letter(&inputs(), Lang::En)).unwrap();
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
        let filled = fill(&form, &inputs(), &letter(&inputs(), Lang::En)).unwrap();
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
        let filled = fill(&form, &i, &letter(&i, Lang::En)).unwrap();
        let t = by_name(&filled, "objectionType");
        assert_eq!(
            (t.value.as_deref(), t.source),
            (Some("OTHER"), Source::User)
        );
        i.objection_type = Some("astrology".into());
        let err = fill(&form, &i, &letter(&i, Lang::En)).unwrap_err();
        assert!(
            matches!(&err, FillError::TypeNone { options, .. } if options.contains("Direct marketing")),
            "{err:?}"
        );
        // With --include-genai the generative option is no longer penalised, but personalisation still wins.
        let mut i = inputs();
        i.include_genai = true;
        assert_eq!(
            by_name(
                &fill(&form, &i, &letter(&i, Lang::En)).unwrap(),
                "objectionType"
            )
            .value
            .as_deref(),
            Some("AI_ML_PERSONALIZATION")
        );
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
        let mut i = inputs();
        i.country = Some("de".into());
        let filled = fill(&fallback_form(Lang::De), &i, &letter(&i, Lang::De)).unwrap();
        let value = |name: &str| by_name(&filled, name).value.clone();
        assert_eq!(value("country").as_deref(), Some("Germany"));
        assert_eq!(
            value("objection_type").as_deref(),
            Some(form::OPTION_OTHER_AI)
        );
        assert!(value("explanation").unwrap().contains("Art. 21 Abs. 1"));
        assert_eq!(by_name(&filled, "confirm").source, Source::NotFilled);
        assert_eq!(
            by_name(&filled, "email").label.as_deref(),
            Some("E-Mail-Adresse")
        );
        i.include_genai = true;
        let filled = fill(&fallback_form(Lang::En), &i, "").unwrap();
        assert_eq!(
            by_name(&filled, "objection_type").value.as_deref(),
            Some(form::OPTION_CONTENT_AI)
        );
    }

    #[test]
    fn email_addresses_are_checked_by_their_shape() {
        for good in [
            "ada@example.com",
            "a.b+tag@mail.example.co.uk",
            "josé@exämple.de",
            "x@y.io",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "ada",
            "ada@example",
            "a;b@x.co",
            ".a@x.co",
            "a.@x.co",
            "a..b@x.co",
            "a@-x-.co",
            "a@x.c",
            "a@x_y.co",
            "a(b)@x.co",
            "a@[1.2.3.4]",
            "a@x.co`id`",
            "a@x.co&b",
            "a@x.co\\",
            "a b@x.co",
            "a@x..co",
            "@x.co",
            "a@",
            "a@x.co\u{7}",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn the_html_page_escapes_values() {
        let mut i = inputs();
        i.grounds = Some("<script>alert(1)</script> & \"quotes\"".into());
        let filled = fill(&fallback_form(Lang::Fr), &i, &letter(&i, Lang::Fr)).unwrap();
        let page = html_page(
            "https://www.linkedin.com/help/linkedin/ask/TS-DPRO",
            &filled,
            Lang::Fr,
            &["<b>step</b>".to_string()],
        );
        assert!(!page.contains("<script>alert") && !page.contains("<b>step"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assert!(page.contains("<html lang=\"fr\">"));
        // Name, email and the letter can be copied; the option is shown as what to pick and
        // the confirmation as a checkbox; the country is left to the member.
        assert_eq!(page.matches("data-copy=").count(), 3, "{page}");
        assert!(page.contains("<strong>Choisir:</strong>"));
        assert!(page.contains("type=\"checkbox\" disabled"));
    }
}
