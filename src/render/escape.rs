//! HTML escaping for text and attribute values.

/// Copies `s` to `out` in runs, replacing only the bytes `replace` names. Every
/// byte it looks for is ASCII or the lead byte of U+00A0, so the runs split at
/// character boundaries.
fn escape_runs(
    s: &str,
    out: &mut String,
    replace: impl Fn(&[u8], usize) -> Option<(&'static str, usize)>,
) {
    let bytes = s.as_bytes();
    out.reserve(s.len());
    let (mut last, mut i) = (0, 0);
    while i < bytes.len() {
        match replace(bytes, i) {
            Some((with, len)) => {
                out.push_str(&s[last..i]);
                out.push_str(with);
                i += len;
                last = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&s[last..]);
}

pub fn escape_text(s: &str, out: &mut String) {
    escape_runs(s, out, |b, i| match b[i] {
        b'&' => Some(("&amp;", 1)),
        b'<' => Some(("&lt;", 1)),
        b'>' => Some(("&gt;", 1)),
        // U+00A0 is C2 A0 in UTF-8.
        0xC2 if b.get(i + 1) == Some(&0xA0) => Some(("&nbsp;", 2)),
        c if c < 0x20 && !matches!(c, b'\n' | b'\t' | b'\r') => Some(("", 1)),
        _ => None,
    })
}

pub fn escape_attr(s: &str, out: &mut String) {
    escape_runs(s, out, |b, i| match b[i] {
        b'&' => Some(("&amp;", 1)),
        b'<' => Some(("&lt;", 1)),
        b'>' => Some(("&gt;", 1)),
        b'"' => Some(("&quot;", 1)),
        b'\'' => Some(("&#39;", 1)),
        c if c < 0x20 => Some(("", 1)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape_text("a<b>&c\u{1}", &mut s);
        assert_eq!(s, "a&lt;b&gt;&amp;c");
        let mut s = String::new();
        escape_attr("x\"y'z", &mut s);
        assert_eq!(s, "x&quot;y&#39;z");
    }

    /// The char-by-char definition the run-based escaping must equal.
    fn reference_text(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\u{a0}' => out.push_str("&nbsp;"),
                c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn runs_equal_the_char_by_char_definition() {
        for s in [
            "",
            "plain",
            "a&b<c>d",
            "\u{a0}x\u{a0}",
            "Ä\u{a0}Â é 日本\u{1F600}&",
            "tab\tnl\ncr\rbell\u{7}esc\u{1b}end",
            "\u{c2}\u{a0}\u{2000}",
        ] {
            let mut out = String::from("keep:");
            escape_text(s, &mut out);
            assert_eq!(out, format!("keep:{}", reference_text(s)), "{s:?}");
        }
        let mut out = String::new();
        escape_attr("a\"b'c&\u{a0}\u{1}<>", &mut out);
        assert_eq!(out, "a&quot;b&#39;c&amp;\u{a0}&lt;&gt;");
    }
}
