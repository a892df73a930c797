//! Who made a call: the loop guard's question "was this change ours?".

use super::arn::{self, ArnFields};
use super::EventMeta;

/// `account` and role name of an IAM role ARN (`arn:aws:iam::ACCT:role[/path]/NAME`) or of an
/// STS assumed-role session ARN (`arn:aws:sts::ACCT:assumed-role/NAME/SESSION`).
fn role_of(arn: &str) -> Option<(&str, &str)> {
    let ArnFields {
        service,
        account,
        resource,
        ..
    } = arn::fields(arn)?;
    let name = match service {
        "iam" => resource.strip_prefix("role/")?.rsplit('/').next()?,
        "sts" => resource.strip_prefix("assumed-role/")?.split('/').next()?,
        _ => return None,
    };
    (!name.is_empty() && !account.is_empty()).then_some((account, name))
}

/// Whether the event's caller is the responder's own role (`own_role_arn`, an IAM role ARN), by
/// the session issuer or by the assumed-role session the call was made with.
/// Any other identity (an IAM user, say) matches only itself.
pub fn is_own_identity(meta: &EventMeta, own_role_arn: &str) -> bool {
    let own = role_of(own_role_arn);
    [meta.actor_issuer.as_deref(), meta.actor.as_deref()]
        .into_iter()
        .flatten()
        .any(|arn| arn == own_role_arn || (own.is_some() && role_of(arn) == own))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(actor: Option<&str>, issuer: Option<&str>) -> EventMeta {
        EventMeta {
            actor: actor.map(str::to_owned),
            actor_issuer: issuer.map(str::to_owned),
            ..EventMeta::default()
        }
    }

    #[test]
    fn matches_the_session_or_the_issuer_of_our_role_only() {
        let own = "arn:aws:iam::111122223333:role/service-role/meshwarden-responder";
        assert!(is_own_identity(
            &meta(
                Some("arn:aws:sts::111122223333:assumed-role/meshwarden-responder/fn"),
                None
            ),
            own
        ));
        assert!(is_own_identity(&meta(None, Some(own)), own));
        assert!(!is_own_identity(
            &meta(
                Some("arn:aws:sts::999988887777:assumed-role/meshwarden-responder/fn"),
                None
            ),
            own
        ));
        assert!(!is_own_identity(
            &meta(
                Some("arn:aws:sts::111122223333:assumed-role/platform-admin/alice"),
                None
            ),
            own
        ));
        assert!(!is_own_identity(
            &meta(
                Some("arn:aws:iam::111122223333:user/meshwarden-responder"),
                None
            ),
            own
        ));
        assert!(!is_own_identity(&meta(None, None), own));
        let user = "arn:aws:iam::111122223333:user/ci";
        assert!(is_own_identity(&meta(Some(user), None), user));
        assert!(!is_own_identity(
            &meta(Some("arn:aws:iam::111122223333:user/other"), None),
            user
        ));
        assert!(!is_own_identity(
            &meta(Some("garbage"), None),
            "also garbage"
        ));
    }
}
