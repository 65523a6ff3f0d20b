//! Confluence's classic emoticon names → Unicode, for emoticons whose export carries
//! no Unicode fallback (e.g. `data-emoji-fallback=":check_mark:"`).

/// Unicode for a classic emoticon name (`tick`, `cross`, `warning`, ...).
pub fn unicode(name: &str) -> Option<&'static str> {
    Some(match name {
        "smile" => "\u{1F642}",
        "sad" => "\u{1F641}",
        "cheeky" => "\u{1F61B}",
        "laugh" => "\u{1F606}",
        "wink" => "\u{1F609}",
        "thumbs-up" => "\u{1F44D}",
        "thumbs-down" => "\u{1F44E}",
        "information" => "\u{2139}\u{FE0F}",
        "tick" => "\u{2705}",
        "cross" => "\u{274C}",
        "warning" => "\u{26A0}\u{FE0F}",
        "plus" => "\u{2795}",
        "minus" => "\u{2796}",
        "question" => "\u{2753}",
        "light-on" => "\u{1F4A1}",
        "light-off" => "\u{1F4A1}",
        "yellow-star" | "star_yellow" => "\u{2B50}",
        "red-star" | "star_red" => "\u{2B50}",
        "green-star" | "star_green" => "\u{2B50}",
        "blue-star" | "star_blue" => "\u{2B50}",
        "heart" => "\u{2764}\u{FE0F}",
        "broken-heart" => "\u{1F494}",
        _ => return None,
    })
}

/// The text to show for an emoticon: a real Unicode fallback when there is one,
/// else the classic name's Unicode, else the shortname or name in brackets.
pub fn text(fallback: Option<&str>, name: Option<&str>, shortname: Option<&str>) -> String {
    if let Some(f) = fallback.map(str::trim).filter(|f| !f.is_empty())
        && !(f.starts_with(':') && f.ends_with(':'))
    {
        return f.to_string();
    }
    if let Some(u) = name.and_then(unicode) {
        return u.to_string();
    }
    match shortname.or(fallback).or(name) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fallbacks() {
        assert_eq!(super::text(Some("⚠️"), Some("blue-star"), None), "⚠️");
        assert_eq!(
            super::text(Some(":check_mark:"), Some("tick"), None),
            "\u{2705}"
        );
        assert_eq!(super::text(None, Some("odd"), Some(":odd:")), ":odd:");
    }
}
