//! ECS identifiers as CloudTrail records carry them: a name, or an ARN
//! `arn:{partition}:ecs:{region}:{account}:cluster/{cluster}`,
//! `…:service/{cluster}/{service}` (the new format) or `…:service/{service}` (the old format,
//! without the cluster).

use crate::event::arn::{fields, ArnFields};
use crate::event::EventError;

/// Where an ARN says its resource lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    /// The ARN's partition.
    pub partition: &'a str,
    /// The ARN's region.
    pub region: &'a str,
    /// The ARN's account.
    pub account: &'a str,
}

/// What a `cluster` or `service` parameter (or a response's `serviceArn`) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named<'a> {
    /// The cluster's name, when the identifier names one (a cluster, or a new-format service
    /// ARN).
    pub cluster: Option<&'a str>,
    /// The service's name (for a cluster identifier: `None`).
    pub service: Option<&'a str>,
    /// An ARN's partition, region and account; `None` for a name.
    pub place: Option<Place<'a>>,
}

/// Whether `text` can be a cluster or service name (ECS allows letters, digits, `-` and `_`;
/// an emulator may allow more, so only separators and whitespace are refused).
fn is_name(text: &str) -> bool {
    !text.is_empty() && !text.contains(['/', ':']) && !text.contains(char::is_whitespace)
}

/// Read `value`, the field `field`, as a cluster (`service == false`) or a service identifier.
pub(crate) fn identifier<'a>(
    field: &str,
    value: &'a str,
    service: bool,
) -> Result<Named<'a>, EventError> {
    let invalid = || EventError::InvalidEcsIdentifier {
        field: field.to_owned(),
        value: value.to_owned(),
    };
    if is_name(value) {
        return Ok(match service {
            true => Named {
                cluster: None,
                service: Some(value),
                place: None,
            },
            false => Named {
                cluster: Some(value),
                service: None,
                place: None,
            },
        });
    }
    let Some(ArnFields {
        partition,
        service: "ecs",
        region,
        account,
        resource,
    }) = fields(value)
    else {
        return Err(invalid());
    };
    if partition.is_empty() || region.is_empty() || account.is_empty() {
        return Err(invalid());
    }
    let segments: Vec<&str> = resource.split('/').collect();
    let (cluster, name) = match (service, segments.as_slice()) {
        (false, ["cluster", cluster]) => (Some(*cluster), None),
        (true, ["service", name]) => (None, Some(*name)),
        (true, ["service", cluster, name]) => (Some(*cluster), Some(*name)),
        _ => return Err(invalid()),
    };
    if !cluster.is_none_or(is_name) || !name.is_none_or(is_name) {
        return Err(invalid());
    }
    Ok(Named {
        cluster,
        service: name,
        place: Some(Place {
            partition,
            region,
            account,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVC: &str = "requestParameters.service";

    #[test]
    fn names_and_both_arn_formats_parse() {
        let place = Some(Place {
            partition: "aws",
            region: "eu-west-1",
            account: "111122223333",
        });
        assert_eq!(
            identifier(SVC, "payments", true).unwrap(),
            Named {
                cluster: None,
                service: Some("payments"),
                place: None
            }
        );
        assert_eq!(
            identifier(
                SVC,
                "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments",
                true
            )
            .unwrap(),
            Named {
                cluster: Some("prod"),
                service: Some("payments"),
                place
            }
        );
        assert_eq!(
            identifier(
                SVC,
                "arn:aws:ecs:eu-west-1:111122223333:service/payments",
                true
            )
            .unwrap(),
            Named {
                cluster: None,
                service: Some("payments"),
                place
            }
        );
        assert_eq!(
            identifier(
                "requestParameters.cluster",
                "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
                false
            )
            .unwrap(),
            Named {
                cluster: Some("prod"),
                service: None,
                place
            }
        );
    }

    #[test]
    fn other_shapes_are_invalid() {
        for (value, service) in [
            ("", true),
            ("pay ments", true),
            ("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", true),
            (
                "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments",
                false,
            ),
            (
                "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments/x",
                true,
            ),
            ("arn:aws:ecs:eu-west-1:111122223333:service//payments", true),
            ("arn:aws:ecs::111122223333:service/prod/payments", true),
            ("arn:aws:ecs:eu-west-1::service/prod/payments", true),
            (
                "arn:aws:vpc-lattice:eu-west-1:111122223333:service/svc-1",
                true,
            ),
            ("arn:aws:ecs:eu-west-1:111122223333:task/prod/0123", true),
        ] {
            assert!(
                matches!(
                    identifier(SVC, value, service),
                    Err(EventError::InvalidEcsIdentifier { .. })
                ),
                "{value}"
            );
        }
    }
}
