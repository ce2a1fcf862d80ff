//! URL names (slugs) of datasets, organizations and categories, by CKAN's rules.

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must be at least 2 characters long")]
    TooShort,
    #[error("must be at most 100 characters long")]
    TooLong,
    #[error("may contain only lowercase letters a–z, digits 0–9, '-' and '_' (found {0:?})")]
    BadCharacter(char),
}

/// CKAN's rule: 2–100 characters, lowercase ASCII letters, digits, `-` and `_`.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(NameError::BadCharacter(c));
    }
    match name.len() {
        0..=1 => Err(NameError::TooShort),
        2..=100 => Ok(()),
        _ => Err(NameError::TooLong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ckan_rules() {
        assert!(validate_name("ranking-municipal_2018").is_ok());
        assert_eq!(validate_name("a"), Err(NameError::TooShort));
        assert_eq!(validate_name(&"a".repeat(101)), Err(NameError::TooLong));
        assert!(validate_name(&"a".repeat(100)).is_ok());
        assert_eq!(validate_name("Pobreza"), Err(NameError::BadCharacter('P')));
        assert_eq!(
            validate_name("población"),
            Err(NameError::BadCharacter('ó'))
        );
        assert_eq!(validate_name("a b"), Err(NameError::BadCharacter(' ')));
    }
}
