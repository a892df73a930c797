//! The fields every ARN has, as CloudTrail records name resources and callers.

/// The colon-separated fields of any ARN: `arn:{partition}:{service}:{region}:{account}:{resource}`.
pub(crate) struct ArnFields<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Split an ARN into its fields; `None` when it does not start with `arn:` or has too few.
pub(crate) fn fields(arn: &str) -> Option<ArnFields<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some(ArnFields {
        partition,
        service,
        region,
        account,
        resource,
    })
}
