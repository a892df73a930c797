//! The README's first command, end to end: `scripts/demo.sh` runs the whole story on its own
//! emulator and leaves the seeds' resources (App Mesh, VPC Lattice and ECS Service Connect)
//! compliant where they can be made so; an image-only ECS deploy invokes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[test]
fn the_demo_reverts_the_seeds_drift() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let state_file =
        std::env::temp_dir().join(format!("meshwarden-demo-state-{}.json", std::process::id()));
    let out = Command::new("bash")
        .arg(root.join("scripts/demo.sh"))
        .env("MESHWARDEN_DEMO_SKIP_BUILD", "1") // the binaries this test was built with
        .env("MESHWARDEN_DEMO_STATE_FILE", &state_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    let _ = std::fs::remove_file(&state_file);
    assert_eq!(state["meshEgress"], "DROP_ALL");
    assert_eq!(state["gatewayTlsEnforced"], true);
    assert_eq!(state["gatewayTrust"], serde_json::json!(["acm"]));
    assert_eq!(
        state["networkAuthType"], "AWS_IAM",
        "restored on VPC Lattice"
    );
    assert_eq!(state["networkPolicyRestored"], true, "the policy first");
    assert_eq!(
        state["listenerProtocols"],
        serde_json::json!(["HTTP"]),
        "alert-only: the listener's protocol cannot be changed in place"
    );
    assert!(
        stdout.contains("action NONE") && stdout.contains("action REVERTED"),
        "{stdout}"
    );
    assert_eq!(
        state["serviceConnectTls"], true,
        "Service Connect TLS restored, and kept by the image deploy"
    );
    assert_eq!(
        state["ecsTaskDefinition"], "checkout:2",
        "the image deploy went through"
    );
    assert!(
        stdout.contains("service/payments/checkout → COMPLIANT, action REVERTED")
            && stdout.contains("no rule matches; the function is not invoked"),
        "{stdout}"
    );
    assert!(
        stdout.contains("4 non-compliant resource(s)")
            && stdout.contains("2 non-compliant resource(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("serviceNetwork/sn-") && stdout.contains("REVERT_SKIPPED"),
        "{stdout}"
    );
}
