//! Where each service is offered, for `scan --all-regions`: each service's spec lists the
//! commercial (`aws`) partition's regional endpoints of AWS's endpoint list for it.

use meshwarden_rules::resource::AwsService;

/// The regions `service` is offered in ([`meshwarden_rules::service::ServiceSpec::regions`]).
pub fn offered_in(service: AwsService) -> &'static [&'static str] {
    service.spec().regions
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
