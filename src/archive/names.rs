//! Entry-name validation: an entry name is used only as a lookup key, never as a
//! path to write to, but names that try to leave the archive mark it as hostile.

/// What to do with one entry name.
#[derive(Debug, PartialEq, Eq)]
pub enum NameCheck {
    /// A clean relative name, `/`-separated.
    Ok(String),
    /// The entry is skipped with a finding (the reason).
    Skip(String),
    /// The whole archive is refused (the reason).
    Hostile(String),
}

/// Validates and normalizes one entry name (backslashes become `/`).
pub fn check(raw: &str) -> NameCheck {
    if raw.contains('\0') {
        return NameCheck::Skip("entry name contains a NUL byte".into());
    }
    let name = raw.replace('\\', "/");
    if name.starts_with('/') {
        return NameCheck::Hostile(format!("entry {raw:?} has an absolute path"));
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return NameCheck::Hostile(format!("entry {raw:?} names a drive (absolute path)"));
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => continue,
            ".." => {
                return NameCheck::Hostile(format!(
                    "entry {raw:?} contains '..' and would leave the archive"
                ));
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return NameCheck::Skip(format!("entry {raw:?} has an empty name"));
    }
    NameCheck::Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_names_pass_and_normalize() {
        assert_eq!(
            check("ACME/index.html"),
            NameCheck::Ok("ACME/index.html".into())
        );
        assert_eq!(check("a\\b.html"), NameCheck::Ok("a/b.html".into()));
        assert_eq!(check("./a//b"), NameCheck::Ok("a/b".into()));
    }

    #[test]
    fn escaping_names_are_hostile() {
        for n in [
            "../evil",
            "a/../../evil",
            "/etc/passwd",
            "C:/x",
            "c:\\x",
            "..\\x",
        ] {
            assert!(matches!(check(n), NameCheck::Hostile(_)), "{n}");
        }
        assert!(matches!(check("a\0b"), NameCheck::Skip(_)));
    }
}
