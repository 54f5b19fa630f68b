//! User-pool ids.

use core::fmt;

use crate::error::{Defect, Error};

/// A user-pool id, `<region>_<name>` (`us-east-1_AbC123`).
///
/// SRP uses the part after the `_`, the pool name, in x and in the
/// signature; the region names the endpoint.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserPoolId {
    id: String,
    split: usize,
}

impl UserPoolId {
    /// Parses an id: a region of lowercase letters, digits and `-`, one `_`,
    /// and a name of ASCII letters and digits, at most 55 characters in all
    /// (the service's limit).
    pub fn parse(id: &str) -> Result<Self, Error> {
        let invalid = || Error::invalid_input("UserPoolId", Defect::NotAUserPoolId);
        if id.len() > 55 {
            return Err(Error::invalid_input("UserPoolId", Defect::TooLong));
        }
        let (region, name) = id.split_once('_').ok_or_else(invalid)?;
        let region_ok =
            !region.is_empty() && region.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
        let name_ok = !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric());
        if !(region_ok && name_ok) {
            return Err(invalid());
        }
        Ok(UserPoolId { id: id.to_owned(), split: region.len() })
    }

    /// The region, before the `_`.
    pub fn region(&self) -> &str {
        &self.id[..self.split]
    }

    /// The pool name, after the `_`: what SRP hashes.
    pub fn pool_name(&self) -> &str {
        &self.id[self.split + 1..]
    }

    /// The whole id.
    pub fn as_str(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserPoolId").field(&self.id).finish()
    }
}

impl fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl core::str::FromStr for UserPoolId {
    type Err = Error;

    fn from_str(id: &str) -> Result<Self, Error> {
        Self::parse(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_name_is_the_part_after_the_underscore() {
        let id = UserPoolId::parse("us-gov-west-1_LhsYQ2HE3").expect("valid");
        assert_eq!((id.region(), id.pool_name()), ("us-gov-west-1", "LhsYQ2HE3"));
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for bad in [
            "",
            "_",
            "us-east-1",
            "us-east-1_",
            "_AbC",
            "us-east-1_Ab_C",
            "US-east-1_AbC",
            "us-east-1_Ab-C",
            "us east-1_AbC",
        ] {
            assert_eq!(
                UserPoolId::parse(bad),
                Err(Error::invalid_input("UserPoolId", Defect::NotAUserPoolId)),
                "{bad:?}"
            );
        }
        assert_eq!(
            UserPoolId::parse(&format!("us-east-1_{}", "a".repeat(50))),
            Err(Error::invalid_input("UserPoolId", Defect::TooLong))
        );
    }
}
