//! The macro registry: each `ac:structured-macro` (and Confluence 4 `ac:macro`) is
//! dispatched by name to its family, one family per file. Every family has a
//! defined outcome; whatever is lost is reported. Unknown macros keep their body
//! with a `macro-unsupported` finding naming the macro.

mod code;
mod details;
mod diagrams;
mod dynamic;
mod expand;
mod files;
mod include;
mod inline;
mod layout;
mod panels;
mod tree;

use super::Conv;
use super::dom::Element;
use crate::model::{Block, Inline};

/// What a macro became: blocks, or inlines that flow with the text around it.
#[derive(Debug)]
pub enum Out {
    Blocks(Vec<Block>),
    Inlines(Vec<Inline>),
}

/// A macro element with helpers for its parameters and bodies.
pub struct Macro<'e> {
    /// The macro name, lower case.
    pub name: String,
    pub el: &'e Element,
}

impl<'e> Macro<'e> {
    pub fn new(el: &'e Element) -> Macro<'e> {
        Macro {
            name: el.attr("ac:name").unwrap_or("").trim().to_lowercase(),
            el,
        }
    }

    /// The parameter element `name` (`""` is the default parameter, which
    /// Confluence 4 writes as `ac:default-parameter`).
    pub fn param_el(&self, name: &str) -> Option<&'e Element> {
        self.el
            .elements()
            .find(|e| e.name == "ac:parameter" && e.attr("ac:name").unwrap_or("") == name)
            .or_else(|| {
                (name.is_empty())
                    .then(|| self.el.child("ac:default-parameter"))
                    .flatten()
            })
    }

    /// A parameter's text, trimmed; `None` when absent or empty.
    pub fn param(&self, name: &str) -> Option<String> {
        self.param_el(name)
            .map(|e| e.text().trim().to_string())
            .filter(|v| !v.is_empty())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.param(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// Every parameter as (name, text), in source order.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .el
            .elements()
            .filter(|e| e.name == "ac:parameter" || e.name == "ac:default-parameter")
            .map(|e| (e.attr("ac:name").unwrap_or("").to_string(), param_text(e)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        out.dedup();
        out
    }

    pub fn rich_body(&self) -> Option<&'e Element> {
        self.el.child("ac:rich-text-body")
    }

    /// Blocks of every rich-text body (some macros carry more than one).
    pub fn rich_blocks(&self, conv: &mut Conv) -> Vec<Block> {
        let mut out = Vec::new();
        for b in self.el.elements().filter(|e| e.name == "ac:rich-text-body") {
            out.extend(conv.blocks(&b.children));
        }
        out
    }

    /// The plain-text body exactly as stored (no trimming).
    pub fn plain_body(&self) -> Option<String> {
        self.el.child("ac:plain-text-body").map(Element::text)
    }
}

/// A parameter's visible value: its text, or the title / file name of the
/// resource it names.
fn param_text(e: &Element) -> String {
    let t = e.text().trim().to_string();
    if !t.is_empty() {
        return t;
    }
    fn find(e: &Element) -> Option<String> {
        for c in e.elements() {
            for a in [
                "ri:content-title",
                "ri:filename",
                "ri:value",
                "ri:space-key",
                "ri:username",
            ] {
                if let Some(v) = c.attr(a) {
                    return Some(v.to_string());
                }
            }
            if let Some(v) = find(c) {
                return Some(v);
            }
        }
        None
    }
    find(e).unwrap_or_default()
}

type Handler = fn(&mut Conv, &Macro) -> Out;

fn lookup(name: &str) -> Option<Handler> {
    Some(match name {
        "code" | "noformat" | "code-block" | "codeblock" => code::convert,
        "info" | "note" | "warning" | "tip" | "panel" | "success" | "error" => panels::convert,
        "expand" | "ui-expand" => expand::convert,
        "toc" | "toc-zone" => tree::toc,
        "children" => tree::children,
        "pagetree" => tree::pagetree,
        "excerpt" => include::excerpt,
        "excerpt-include" => include::excerpt_include,
        "include" => include::include,
        "status" => inline::status,
        "anchor" => inline::anchor,
        "jira" | "jiraissues" => inline::jira,
        "attachments" => files::attachments,
        "view-file" | "viewpdf" | "viewdoc" | "viewxls" | "viewppt" | "multimedia" => {
            files::view_file
        }
        "gallery" => files::gallery,
        "drawio" | "inc-drawio" | "drawio-sketch" | "gliffy" => diagrams::convert,
        "details" | "page-properties" => details::convert,
        "section" | "column" | "center" | "div" | "span" => layout::convert,
        n if dynamic::is_dynamic(n) => dynamic::convert,
        _ => return None,
    })
}

/// Converts one macro element.
pub fn dispatch(conv: &mut Conv, el: &Element) -> Out {
    let m = Macro::new(el);
    match lookup(&m.name) {
        Some(handler) => handler(conv, &m),
        None => unknown(conv, &m),
    }
}

/// Unknown macros: the body is kept (rich as blocks, plain as preformatted text).
fn unknown(conv: &mut Conv, m: &Macro) -> Out {
    let name = if m.name.is_empty() {
        "(unnamed)"
    } else {
        m.name.as_str()
    };
    if m.rich_body().is_some() {
        conv.unsupported(name, "not converted; its body content is kept");
        return Out::Blocks(m.rich_blocks(conv));
    }
    if let Some(text) = m.plain_body().filter(|t| !t.trim().is_empty()) {
        conv.unsupported(name, "not converted; its body is kept as preformatted text");
        return Out::Blocks(vec![Block::Code {
            language: None,
            title: None,
            text,
        }]);
    }
    conv.unsupported(
        name,
        "not converted; it has no body, so nothing of it is kept",
    );
    Out::Inlines(Vec::new())
}
