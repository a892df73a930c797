//! VPC Lattice identifiers as CloudTrail records carry them: an id (`sn-…`, `svc-…`, `tg-…`, ...)
//! or an ARN `arn:{partition}:vpc-lattice:{region}:{account}:{type}/{id}[/{child}/{id}...]`.
//! Ids are not checked against AWS's pattern (an emulator's contain hyphens): any non-empty
//! text without `/`, `:` or whitespace is an id.

use crate::event::arn::{fields, ArnFields};
use crate::event::EventError;
use crate::resource::ResourceKind;

/// What an identifier names: one of the evaluated kinds, or another kind (by its camelCase name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named<'a> {
    /// A service network, service or target group.
    Evaluated(ResourceKind),
    /// Anything else: `listener`, `accessLogSubscription`, `resourceConfiguration`, ...
    Other(&'a str),
}

/// What an identifier (an id or an ARN) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Identified<'a> {
    /// The kind (for an ARN, the leaf's: a listener's ARN names its service first).
    pub named: Named<'a>,
    /// The id (for an ARN, the leaf's).
    pub id: &'a str,
    /// An ARN's region and account; `None` for an id.
    pub place: Option<(&'a str, &'a str)>,
    /// An ARN's partition (`aws`, `aws-cn`, ...); `None` for an id.
    pub partition: Option<&'a str>,
}

/// The kind an ARN resource type (`servicenetwork`, `targetgroup`, ...) or an id prefix names.
fn kind_of_type(resource_type: &str) -> Named<'_> {
    match resource_type {
        "servicenetwork" => Named::Evaluated(ResourceKind::ServiceNetwork),
        "service" => Named::Evaluated(ResourceKind::Service),
        "targetgroup" => Named::Evaluated(ResourceKind::TargetGroup),
        "listener" => Named::Other("listener"),
        "rule" => Named::Other("rule"),
        "accesslogsubscription" => Named::Other("accessLogSubscription"),
        "servicenetworkvpcassociation" => Named::Other("serviceNetworkVpcAssociation"),
        "servicenetworkserviceassociation" => Named::Other("serviceNetworkServiceAssociation"),
        "servicenetworkresourceassociation" => Named::Other("serviceNetworkResourceAssociation"),
        "resourceconfiguration" => Named::Other("resourceConfiguration"),
        "resourcegateway" => Named::Other("resourceGateway"),
        "domainverification" => Named::Other("domainVerification"),
        other => Named::Other(other),
    }
}

/// The kind an id names by its prefix, for the parameters that take either kind
/// (`resourceIdentifier`).
fn kind_of_id(id: &str) -> Option<Named<'static>> {
    let prefix = id.split_once('-')?.0;
    Some(match prefix {
        "sn" => Named::Evaluated(ResourceKind::ServiceNetwork),
        "svc" => Named::Evaluated(ResourceKind::Service),
        "tg" => Named::Evaluated(ResourceKind::TargetGroup),
        "rcfg" => Named::Other("resourceConfiguration"),
        "rgw" => Named::Other("resourceGateway"),
        "als" => Named::Other("accessLogSubscription"),
        "snva" => Named::Other("serviceNetworkVpcAssociation"),
        "snsa" => Named::Other("serviceNetworkServiceAssociation"),
        "snra" => Named::Other("serviceNetworkResourceAssociation"),
        _ => return None,
    })
}

/// Whether `text` can be an id.
pub(crate) fn is_id(text: &str) -> bool {
    !text.is_empty() && !text.contains(['/', ':']) && !text.contains(char::is_whitespace)
}

/// Split a VPC Lattice ARN; anything else is an [`EventError::InvalidArn`].
pub(crate) fn parse(arn: &str) -> Result<Identified<'_>, EventError> {
    let invalid = || EventError::InvalidArn(arn.to_owned());
    let Some(ArnFields {
        partition,
        service: "vpc-lattice",
        region,
        account,
        resource,
    }) = fields(arn)
    else {
        return Err(invalid());
    };
    let segments: Vec<&str> = resource.split('/').collect();
    // `{type}/{id}`, with children as further `{type}/{id}` pairs: the last pair is the leaf.
    if segments.len() < 2 || !segments.len().is_multiple_of(2) {
        return Err(invalid());
    }
    let [.., resource_type, id] = segments.as_slice() else {
        return Err(invalid());
    };
    let complete = !region.is_empty()
        && !account.is_empty()
        && segments
            .chunks(2)
            .all(|pair| matches!(pair, [kind, id] if !kind.is_empty() && is_id(id)));
    if !complete {
        return Err(invalid());
    }
    Ok(Identified {
        named: kind_of_type(resource_type),
        id,
        place: Some((region, account)),
        partition: Some(partition),
    })
}

/// An identifier (`{field}` of the request) that is an id or an ARN, read as `expected` when
/// the parameter takes one kind, or by its prefix when it takes several (`expected` `None`).
pub(crate) fn identifier<'a>(
    field: &str,
    value: &'a str,
    expected: Option<ResourceKind>,
) -> Result<Identified<'a>, EventError> {
    let invalid = || EventError::InvalidIdentifier {
        field: field.to_owned(),
        value: value.to_owned(),
    };
    if value.starts_with("arn:") {
        let arn = parse(value)?;
        if expected.is_some_and(|kind| arn.named != Named::Evaluated(kind)) {
            return Err(invalid());
        }
        return Ok(arn);
    }
    if !is_id(value) {
        return Err(invalid());
    }
    let named = match expected {
        Some(kind) => Named::Evaluated(kind),
        None => kind_of_id(value).ok_or_else(invalid)?,
    };
    Ok(Identified {
        named,
        id: value,
        place: None,
        partition: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_evaluated_kinds_children_and_others() {
        let sn =
            parse("arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0")
                .unwrap();
        assert_eq!(
            sn,
            Identified {
                named: Named::Evaluated(ResourceKind::ServiceNetwork),
                id: "sn-0123456789abcdef0",
                place: Some(("eu-west-1", "111122223333")),
                partition: Some("aws"),
            }
        );
        let listener =
            parse("arn:aws:vpc-lattice:eu-west-1:1:service/svc-1/listener/listener-1").unwrap();
        assert_eq!(
            (listener.named, listener.id),
            (Named::Other("listener"), "listener-1")
        );
        let rule =
            parse("arn:aws:vpc-lattice:eu-west-1:1:service/svc-1/listener/listener-1/rule/rule-1")
                .unwrap();
        assert_eq!(rule.named, Named::Other("rule"));
        let tg =
            parse("arn:aws-cn:vpc-lattice:cn-north-1:1:targetgroup/tg-27a56bbf-b352-47b").unwrap();
        assert_eq!(
            (tg.named, tg.id),
            (
                Named::Evaluated(ResourceKind::TargetGroup),
                "tg-27a56bbf-b352-47b"
            )
        );
        let als = parse("arn:aws:vpc-lattice:eu-west-1:1:accesslogsubscription/als-1").unwrap();
        assert_eq!(als.named, Named::Other("accessLogSubscription"));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "sn-1",
            "arn:aws:appmesh:eu-west-1:1:mesh/m",
            "arn:aws:vpc-lattice:eu-west-1:1:servicenetwork",
            "arn:aws:vpc-lattice:eu-west-1:1:servicenetwork/",
            "arn:aws:vpc-lattice::1:servicenetwork/sn-1",
            "arn:aws:vpc-lattice:eu-west-1::servicenetwork/sn-1",
            "arn:aws:vpc-lattice:eu-west-1:1:service/svc-1/listener",
            "arn:aws:vpc-lattice:eu-west-1:1:service/svc 1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn identifiers_are_ids_or_arns_of_the_expected_kind() {
        let sn = Some(ResourceKind::ServiceNetwork);
        assert_eq!(
            identifier("f", "sn-27a56bbf-b352-47b", sn).unwrap(),
            Identified {
                named: Named::Evaluated(ResourceKind::ServiceNetwork),
                id: "sn-27a56bbf-b352-47b",
                place: None,
                partition: None,
            }
        );
        assert_eq!(
            identifier(
                "f",
                "arn:aws:vpc-lattice:us-west-2:2:servicenetwork/sn-1",
                sn
            )
            .unwrap(),
            Identified {
                named: Named::Evaluated(ResourceKind::ServiceNetwork),
                id: "sn-1",
                place: Some(("us-west-2", "2")),
                partition: Some("aws"),
            }
        );
        // An ARN of another kind, or something that is no id, is an error.
        assert!(identifier("f", "arn:aws:vpc-lattice:us-west-2:2:service/svc-1", sn).is_err());
        assert!(identifier("f", "sn/1", sn).is_err());
        assert!(identifier("f", "", sn).is_err());
        // Parameters that take several kinds read the prefix.
        assert_eq!(
            identifier("f", "svc-1", None).unwrap().named,
            Named::Evaluated(ResourceKind::Service)
        );
        assert_eq!(
            identifier("f", "rcfg-1", None).unwrap().named,
            Named::Other("resourceConfiguration")
        );
        let err = identifier("requestParameters.resourceIdentifier", "x-1", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "requestParameters.resourceIdentifier \"x-1\" is not a VPC Lattice id or ARN of the expected kind"
        );
    }
}
