//! Reading a page a server sent, in one linear pass: html5ever's tokenizer (no tree is built)
//! turns it into start tags, end tags and text, handed to a callback as they come. No page can
//! make it slow (a tree builder's work grows with the nesting depth; a tokenizer's does not),
//! it is fed a bounded chunk at a time and stops at a deadline, and memory holds only what the
//! callback keeps.

use std::cell::RefCell;
use std::time::Instant;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// How much of the page is handed to the tokenizer at a time (the deadline is checked between:
/// small enough that one tag of very many attributes, whose duplicate check grows with their
/// number, still meets the deadline).
const CHUNK: usize = 4 * 1024;

/// What the page holds, in order.
pub enum Event<'a> {
    /// A start tag: its name (lower case) and attributes (names lower case, character
    /// references in values already decoded).
    Start {
        name: &'a str,
        tag: &'a Tag,
    },
    End {
        name: &'a str,
    },
    /// Text (character references decoded); the text of `<textarea>` and `<title>` too, as it
    /// stands. Script and style contents never come: they are no text a person reads.
    Text(&'a str),
}

/// A page that took longer to read than it was allowed.
#[derive(Debug)]
pub struct TooSlow;

/// The value of an attribute of a start tag.
pub fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| a.name.ns == html5ever::ns!() && &*a.name.local == name)
        .map(|a| &*a.value)
}

struct Sink<F> {
    f: RefCell<F>,
}

impl<F: FnMut(Event<'_>)> TokenSink for Sink<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut f = self.f.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                match tag.kind {
                    TagKind::StartTag => {
                        f(Event::Start { name, tag: &tag });
                        if tag.self_closing {
                            return TokenSinkResult::Continue;
                        }
                        // What a browser's parser would switch to, so that a `<form>` written
                        // inside a script is no form.
                        match name {
                            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                                TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                            "plaintext" => TokenSinkResult::Plaintext,
                            _ => TokenSinkResult::Continue,
                        }
                    }
                    TagKind::EndTag => {
                        f(Event::End { name });
                        TokenSinkResult::Continue
                    }
                }
            }
            Token::CharacterTokens(text) => {
                f(Event::Text(&text));
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Hands every tag and text of `html` to `f`, in order; gives up at `deadline`.
pub fn scan(
    html: &str,
    deadline: Option<Instant>,
    f: impl FnMut(Event<'_>),
) -> Result<(), TooSlow> {
    let tokenizer = Tokenizer::new(Sink { f: RefCell::new(f) }, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut at = 0;
    while at < html.len() {
        let mut end = (at + CHUNK).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        queue.push_back(StrTendril::from_slice(&html[at..end]));
        let _ = tokenizer.feed(&queue);
        at = end;
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(TooSlow);
        }
    }
    tokenizer.end();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(html, None, |e| {
            out.push(match e {
                Event::Start { name, tag } => format!(
                    "<{name}{}>",
                    attr(tag, "name")
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default()
                ),
                Event::End { name } => format!("</{name}>"),
                Event::Text(t) => t.to_string(),
            })
        })
        .unwrap();
        out
    }

    #[test]
    fn script_and_style_hold_no_tags_and_textarea_keeps_its_text() {
        let e = events(
            "<script>x='<form><input name=a>'</script><style>b{}</style><textarea name=t>a <b>&amp; c</textarea>",
        );
        assert!(!e.iter().any(|x| x.contains("<form")), "{e:?}");
        assert!(!e.iter().any(|x| x.contains("<input")), "{e:?}");
        let text: String = e
            .iter()
            .skip_while(|x| *x != "<textarea t>")
            .skip(1)
            .take_while(|x| *x != "</textarea>")
            .cloned()
            .collect();
        assert_eq!(text, "a <b>& c");
    }

    #[test]
    fn deep_nesting_reads_in_linear_time() {
        // A tree builder's work grows with the depth of what is open; a tokenizer's does not.
        let page = format!(
            "{}{}",
            "<div><span>".repeat(200_000),
            "</span></div>".repeat(200_000)
        );
        let mut n = 0usize;
        scan(&page, None, |_| n += 1).unwrap();
        assert_eq!(n, 800_000);
    }

    #[test]
    fn a_deadline_in_the_past_stops_the_scan() {
        let page = "<p>x</p>".repeat(100_000);
        assert!(scan(&page, Some(Instant::now()), |_| {}).is_err());
    }
}
