//! How App Mesh names its resources: the local id of a mesh is its name, the one of a virtual
//! gateway or node `{mesh}/{name}` (App Mesh names never contain `/`); the path inside the
//! service (also the ARN's resource part) is `mesh/{mesh}` or `mesh/{mesh}/{kind}/{name}`.

use crate::resource::{ResourceKind, ResourceRef};
use serde_json::Value;

/// The local id of the resource named `name` in `mesh` (`None`: the mesh itself).
pub fn local_id(mesh: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{mesh}/{name}"),
        None => mesh.to_owned(),
    }
}

/// An App Mesh resource of `kind` in `mesh`, named `name` (`None` for a mesh).
pub fn resource_ref(
    kind: ResourceKind,
    account: impl Into<String>,
    region: impl Into<String>,
    mesh: &str,
    name: Option<&str>,
) -> ResourceRef {
    ResourceRef::new(kind, account, region, local_id(mesh, name))
}

/// The mesh and the name inside it (`None` for a mesh) of a local id.
pub fn split(id: &str) -> (&str, Option<&str>) {
    match id.split_once('/') {
        Some((mesh, name)) => (mesh, Some(name)),
        None => (id, None),
    }
}

/// The mesh and the name inside it (`None` for a mesh) of an App Mesh resource.
pub fn mesh_and_name(resource: &ResourceRef) -> (&str, Option<&str>) {
    split(&resource.id)
}

/// `mesh/{mesh}` or `mesh/{mesh}/{kind}/{name}`.
pub(crate) fn path(kind: ResourceKind, id: &str) -> String {
    match (kind, split(id)) {
        (ResourceKind::Mesh, _) | (_, (_, None)) => format!("mesh/{id}"),
        (kind, (mesh, Some(name))) => format!("mesh/{mesh}/{kind}/{name}"),
    }
}

/// The kind and local id of `mesh/NAME[/virtualGateway|virtualNode/NAME]`.
pub(crate) fn parse(path: &str) -> Option<(ResourceKind, String)> {
    let parts: Vec<&str> = path.split('/').collect();
    let (kind, mesh, name) = match parts.as_slice() {
        ["mesh", mesh] => (ResourceKind::Mesh, *mesh, None),
        ["mesh", mesh, "virtualGateway", name] => {
            (ResourceKind::VirtualGateway, *mesh, Some(*name))
        }
        ["mesh", mesh, "virtualNode", name] => (ResourceKind::VirtualNode, *mesh, Some(*name)),
        _ => return None,
    };
    if mesh.is_empty() || name.is_some_and(str::is_empty) {
        return None;
    }
    Some((kind, local_id(mesh, name)))
}

/// `mesh` and `name` (null for a mesh), as App Mesh's JSON outputs have always named them.
pub(crate) fn id_members(_: ResourceKind, id: &str) -> Vec<(&'static str, Value)> {
    let (mesh, name) = split(id);
    vec![("mesh", mesh.into()), ("name", name.into())]
}
