//! Where each service is offered, for `scan --all-regions`: the commercial (`aws`) partition's
//! regional endpoints of AWS's endpoint lists, late 2026
//! (<https://docs.aws.amazon.com/general/latest/gr/appmesh.html>,
//! <https://docs.aws.amazon.com/general/latest/gr/vpc-lattice-service.html>).

use meshwarden_rules::resource::AwsService;

/// Regions with an App Mesh endpoint.
const APP_MESH: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ca-central-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Regions with a VPC Lattice endpoint.
const VPC_LATTICE: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The regions `service` is offered in.
pub fn offered_in(service: AwsService) -> &'static [&'static str] {
    match service {
        AwsService::AppMesh => APP_MESH,
        AwsService::VpcLattice => VPC_LATTICE,
    }
}

/// Every region some service is offered in, each once, sorted.
pub fn any_service() -> Vec<String> {
    let mut all: Vec<String> = AwsService::ALL
        .into_iter()
        .flat_map(offered_in)
        .map(|r| (*r).to_owned())
        .collect();
    all.sort();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_has_its_own_regions() {
        assert!(offered_in(AwsService::VpcLattice).contains(&"ap-southeast-5"));
        assert!(!offered_in(AwsService::AppMesh).contains(&"ap-southeast-5"));
        assert!(offered_in(AwsService::AppMesh).contains(&"il-central-1"));
        assert!(!offered_in(AwsService::VpcLattice).contains(&"il-central-1"));
        let all = any_service();
        assert!(
            all.contains(&"ap-southeast-5".to_owned()) && all.contains(&"il-central-1".to_owned())
        );
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    }
}
