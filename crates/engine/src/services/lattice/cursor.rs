//! The cursor of a VPC Lattice listing ([`crate::core::ports::ResourceReader::list_page`]): which of the
//! three listings comes next and its `nextToken`, as one opaque string (`services:TOKEN`; an
//! empty token starts that listing). A cursor is validated when decoded: one that names no
//! listing is a [`ErrorKind::Rejected`] error, never a panic.

use crate::adapters::aws::rejected;
use crate::core::error::PortError;

/// The listings of a scope, in the order they are paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `ListServiceNetworks`.
    ServiceNetworks,
    /// `ListServices`.
    Services,
    /// `ListTargetGroups`.
    TargetGroups,
}

impl Listing {
    const ALL: [Listing; 3] = [
        Listing::ServiceNetworks,
        Listing::Services,
        Listing::TargetGroups,
    ];

    /// Its name in a cursor.
    fn as_str(self) -> &'static str {
        match self {
            Listing::ServiceNetworks => "service-networks",
            Listing::Services => "services",
            Listing::TargetGroups => "target-groups",
        }
    }

    /// Where the listing goes on after a page of `self` answered with `token`: the same listing
    /// from `token`, else the next listing from its start; `None` once the last one is done.
    pub fn after(self, token: Option<String>) -> Option<Cursor> {
        match token.filter(|t| !t.is_empty()) {
            Some(token) => Some(Cursor {
                listing: self,
                token: Some(token),
            }),
            None => {
                let listing = match self {
                    Listing::ServiceNetworks => Listing::Services,
                    Listing::Services => Listing::TargetGroups,
                    Listing::TargetGroups => return None,
                };
                Some(Cursor {
                    listing,
                    token: None,
                })
            }
        }
    }
}

/// A position in a scope's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The listing to page next.
    pub listing: Listing,
    /// Its `nextToken` (`None`: from its start).
    pub token: Option<String>,
}

impl Cursor {
    /// The cursor as handed on between list shards.
    pub fn encode(&self) -> String {
        let token = self.token.as_deref().unwrap_or_default();
        format!("{}:{token}", self.listing.as_str())
    }

    /// The position `cursor` names (`None`: the start of the first listing).
    pub fn decode(cursor: Option<&str>) -> Result<Cursor, PortError> {
        let Some(cursor) = cursor else {
            return Ok(Cursor {
                listing: Listing::ServiceNetworks,
                token: None,
            });
        };
        let malformed = || {
            rejected(
                "ListPage",
                format!("malformed VPC Lattice listing cursor {cursor:?}"),
            )
        };
        let (listing, token) = cursor.split_once(':').ok_or_else(malformed)?;
        Ok(Cursor {
            listing: Listing::ALL
                .into_iter()
                .find(|l| l.as_str() == listing)
                .ok_or_else(malformed)?,
            token: Some(token.to_owned()).filter(|t| !t.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

    #[test]
    fn a_listing_pages_networks_then_services_then_target_groups() {
        let mut at = Cursor::decode(None).unwrap();
        let mut seen = Vec::new();
        // Each listing answers one token, then none.
        loop {
            let token = (at.token.is_none()).then(|| format!("t-{}", seen.len()));
            seen.push(at.clone());
            match at.listing.after(token) {
                Some(next) => at = Cursor::decode(Some(&next.encode())).unwrap(),
                None => break,
            }
        }
        let listings: Vec<(Listing, bool)> = seen
            .iter()
            .map(|c| (c.listing, c.token.is_some()))
            .collect();
        assert_eq!(
            listings,
            vec![
                (Listing::ServiceNetworks, false),
                (Listing::ServiceNetworks, true),
                (Listing::Services, false),
                (Listing::Services, true),
                (Listing::TargetGroups, false),
                (Listing::TargetGroups, true),
            ]
        );
        assert_eq!(seen[3].token.as_deref(), Some("t-2"));
    }

    #[test]
    fn a_token_with_colons_survives_the_round_trip() {
        let cursor = Cursor {
            listing: Listing::TargetGroups,
            token: Some("a:b:==".to_owned()),
        };
        assert_eq!(cursor.encode(), "target-groups:a:b:==");
        assert_eq!(Cursor::decode(Some(&cursor.encode())).unwrap(), cursor);
    }

    #[test]
    fn a_malformed_cursor_is_rejected_not_a_panic() {
        for bad in ["", "services", "meshes:x", "SERVICES:x", "12"] {
            let err = Cursor::decode(Some(bad)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Rejected, "{bad:?}");
        }
    }
}
