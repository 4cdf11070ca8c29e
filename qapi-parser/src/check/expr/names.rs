//! QEMU's name grammar (expr.py `valid_name`, `check_name_*`) as plain functions on strings.
//!
//! A name is `(__RFQDN_)?(x-)?STEM`, ASCII letters compared without case: a downstream prefix
//! first, then the experimental prefix, then the stem the case rules look at.

/// The stem of a valid name, or `None` when the name is not one.
///
/// The prefixes are optional, so QEMU's regex falls back to reading `x-` as part of the stem
/// when what follows it is not a stem on its own (`x-1a` has the stem `x-1a`).
pub(super) fn name_stem(name: &str) -> Option<&str> {
    let rest = match name.strip_prefix("__") {
        Some(after) => {
            // The RFQDN cannot hold `_`, so the prefix ends at the first `_` after `__`.
            let end = after.find('_')?;
            let rfqdn = &after[..end];
            let is_rfqdn = !rfqdn.is_empty()
                && rfqdn
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '-');
            if !is_rfqdn {
                return None;
            }
            &after[end + 1..]
        }
        None => name,
    };
    let experimental = rest
        .get(..2)
        .filter(|prefix| prefix.eq_ignore_ascii_case("x-"))
        .map(|_| &rest[2..]);
    match experimental {
        Some(stem) if is_stem(stem) => Some(stem),
        _ if is_stem(rest) => Some(rest),
        _ => None,
    }
}

/// `[a-z][a-z0-9_-]*`, without case.
fn is_stem(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
}

/// QEMU's `c_name(name, protect=False)`: every character but ASCII letters, digits and `_`
/// becomes `_`, so `a-b`, `a.b` and `a_b` are one C name.
pub(super) fn c_name(name: &str) -> String {
    name.chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
        .collect()
}

/// A type's stem is CamelCase: `[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*`, so it starts upper case,
/// holds letters and digits only, and has a lower-case letter after its first character.
pub(super) fn is_camel_case(stem: &str) -> bool {
    let mut chars = stem.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    first.is_ascii_uppercase()
        && rest.chars().all(|ch| ch.is_ascii_alphanumeric())
        && rest.chars().any(|ch| ch.is_ascii_lowercase())
}

/// An `if` condition string is a C macro name as QEMU accepts it: `[A-Z][A-Z0-9_]*`.
pub(super) fn is_condition_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_ascii_uppercase())
        && chars.all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_after_prefixes() {
        assert_eq!(name_stem("guest-info"), Some("guest-info"));
        assert_eq!(name_stem("x-foo"), Some("foo"));
        assert_eq!(name_stem("X-Foo"), Some("Foo"));
        assert_eq!(name_stem("__org.qemu_x-Foo"), Some("Foo"));
        assert_eq!(name_stem("__com.redhat_drive-mirror"), Some("drive-mirror"));
        assert_eq!(name_stem("x-1a"), Some("x-1a"));
        assert_eq!(name_stem("x-"), Some("x-"));
    }

    #[test]
    fn invalid_names() {
        for name in [
            "", "*oops", "1a", "a b", "__", "___a", "__org_", "__a_1", "a.b", "x-*",
        ] {
            assert_eq!(name_stem(name), None, "{name}");
        }
    }

    #[test]
    fn c_names_and_cases() {
        assert_eq!(c_name("q-Unix.a_b"), "q_Unix_a_b");
        assert!(is_camel_case("GuestFileRead"));
        assert!(is_camel_case("Ab"));
        assert!(!is_camel_case("S"));
        assert!(!is_camel_case("not-a-camel"));
        assert!(!is_camel_case("ABC"));
        assert!(!is_camel_case("Foo_Bar"));
        assert!(is_condition_identifier("CONFIG_LINUX2"));
        assert!(!is_condition_identifier(""));
        assert!(!is_condition_identifier("defined(X)"));
    }
}
