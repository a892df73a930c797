//! App Mesh resource ARNs, as tag calls name their resource:
//! `arn:{partition}:appmesh:{region}:{account}:mesh/{mesh}[/{kind}/{name}]`.

use crate::event::arn::{fields, ArnFields};
use crate::event::EventError;

/// The parts of an App Mesh resource ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshArn<'a> {
    /// The region.
    pub region: &'a str,
    /// The owning account.
    pub account: &'a str,
    /// The mesh.
    pub mesh: &'a str,
    /// The kind below the mesh (`virtualGateway`, `virtualRouter`, ...) and the name; `None` for a mesh.
    pub child: Option<(&'a str, &'a str)>,
}

/// Split an App Mesh ARN; anything else is an [`EventError::InvalidArn`].
pub fn parse(arn: &str) -> Result<MeshArn<'_>, EventError> {
    let invalid = || EventError::InvalidArn(arn.to_owned());
    let Some(ArnFields {
        service: "appmesh",
        region,
        account,
        resource,
        ..
    }) = fields(arn)
    else {
        return Err(invalid());
    };
    let segments: Vec<&str> = resource.split('/').collect();
    let child = match segments.as_slice() {
        ["mesh", mesh] => return ok(region, account, mesh, None).ok_or_else(invalid),
        ["mesh", _, kind, name] => Some((*kind, *name)),
        // Routes live below a router / gateway routes below a gateway: report the leaf kind.
        ["mesh", _, _, _, kind, name] => Some((*kind, *name)),
        _ => return Err(invalid()),
    };
    ok(region, account, segments[1], child).ok_or_else(invalid)
}

fn ok<'a>(
    region: &'a str,
    account: &'a str,
    mesh: &'a str,
    child: Option<(&'a str, &'a str)>,
) -> Option<MeshArn<'a>> {
    let filled = |s: &str| !s.is_empty();
    let complete = filled(region)
        && filled(account)
        && filled(mesh)
        && child.is_none_or(|(k, n)| filled(k) && filled(n));
    complete.then_some(MeshArn {
        region,
        account,
        mesh,
        child,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_meshes_children_and_grandchildren() {
        let m = parse("arn:aws:appmesh:eu-west-1:111122223333:mesh/prod").unwrap();
        assert_eq!(
            (m.region, m.account, m.mesh, m.child),
            ("eu-west-1", "111122223333", "prod", None)
        );
        let g = parse("arn:aws-cn:appmesh:cn-north-1:1:mesh/prod/virtualGateway/ingress").unwrap();
        assert_eq!(g.child, Some(("virtualGateway", "ingress")));
        let r = parse("arn:aws:appmesh:us-east-1:1:mesh/p/virtualRouter/r/route/a").unwrap();
        assert_eq!(r.child, Some(("route", "a")));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            "arn:aws:appmesh:us-east-1:1:prod",
            "arn:aws:appmesh:us-east-1:1:mesh/",
            "arn:aws:appmesh::1:mesh/p",
            "arn:aws:appmesh:us-east-1:1:mesh/p/virtualGateway",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
