//! `fuzz`: mutation fuzzing of the two inputs Meshwarden takes from outside — events (the router)
//! and describe documents (`check`'s parsing, then every rule's evaluate and remediate) — for a
//! fixed budget. A panic is a crash: the input is saved and the run fails.
//!
//! cargo-fuzz needs a nightly toolchain (sanitizer flags) which this project's machines do not
//! have; this driver is the stable equivalent: seeded, corpus-based, coverage-blind mutation.
//!
//! `cargo run --profile fuzz -p meshwarden-fuzz -- --seconds 60` (figures in docs/benchmarks.md)

mod mutate;

use anyhow::Context;
use clap::Parser;
use meshwarden_rules::catalog::{self, EvalContext, RemediationContext, RulesConfig};
use meshwarden_rules::event::{self, Decision};
use meshwarden_rules::model::Resource;
use mutate::{mutate, Rng};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutation fuzzing of the event router and describe parsing.
#[derive(Debug, Parser)]
struct Args {
    /// Time budget per target, in seconds.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Seed of the mutation generator (runs are reproducible).
    #[arg(long, default_value_t = 20261123)]
    seed: u64,
    /// Where crashing inputs are written.
    #[arg(long, default_value = "target/fuzz-crashes")]
    crashes: PathBuf,
}

/// Every file under a fixtures directory.
fn corpus(dir: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        seeds.push(std::fs::read(entry?.path())?);
    }
    Ok(seeds)
}

/// The router: parse, route, flatten — must return a decision or a typed error, never panic.
/// `true` when the input got as far as a decision.
fn route(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(incoming) = event::route_json(text) else {
        return false;
    };
    let _ = serde_json::to_string(&Decision::of(&incoming));
    true
}

/// `check` and `fix`: parse, evaluate every rule, remediate, re-serialise. `true` when the input
/// got as far as the rules.
fn check(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(resource) = Resource::parse_describe(text) else {
        return false;
    };
    let config = RulesConfig {
        mesh_ip_preference: Some("IPv6_ONLY".into()),
        node_ip_preference: Some("IPv4_ONLY".into()),
        required_tag_keys: Some(vec!["team".into()]),
        tls_ca_arns: vec!["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x".into()],
        ecs_tls_role_arns: None,
    };
    let ctx = EvalContext {
        config: &config,
        tags: Some(&[]),
    };
    let _ = catalog::evaluate(&resource, &ctx);
    let plan = catalog::remediate(
        &resource,
        &ctx,
        &RemediationContext {
            config: &config,
            last_compliant: Some(&resource),
        },
    );
    let _ = plan.resource.to_describe_value().to_string();
    true
}

struct Outcome {
    executions: u64,
    /// Inputs that passed parsing and reached the router's decision / the rules.
    accepted: u64,
    crashes: u64,
}

fn run(
    name: &str,
    target: fn(&[u8]) -> bool,
    seeds: &[Vec<u8>],
    budget: Duration,
    rng: &mut Rng,
    crashes: &Path,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome {
        executions: 0,
        accepted: 0,
        crashes: 0,
    };
    let started = Instant::now();
    while started.elapsed() < budget {
        let base = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let mut input = base.clone();
        for _ in 0..=rng.below(4) {
            input = mutate(&input, other, rng);
        }
        outcome.executions += 1;
        match panic::catch_unwind(AssertUnwindSafe(|| target(&input))) {
            Ok(accepted) => outcome.accepted += u64::from(accepted),
            Err(_) => {
                outcome.crashes += 1;
                std::fs::create_dir_all(crashes)?;
                let file = crashes.join(format!("{name}-{}.bin", outcome.executions));
                std::fs::write(&file, &input)?;
                eprintln!("crash in {name}: input saved to {}", file.display());
            }
        }
    }
    Ok(outcome)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let events = corpus(&fixtures.join("events"))?;
    let documents = corpus(&fixtures.join("describe"))?;
    panic::set_hook(Box::new(|_| {})); // crashes are reported below, with their inputs saved
    let mut rng = Rng::new(args.seed);
    let budget = Duration::from_secs(args.seconds);
    let mut failed = false;
    for (name, target, seeds) in [
        ("route", route as fn(&[u8]) -> bool, &events),
        ("check", check as fn(&[u8]) -> bool, &documents),
    ] {
        let outcome = run(name, target, seeds, budget, &mut rng, &args.crashes)?;
        println!(
            "fuzz {name}: {} executions in {} s ({:.0}/s), {} ({:.0} %) past parsing, {} crashes, seed {}",
            outcome.executions,
            args.seconds,
            outcome.executions as f64 / args.seconds.max(1) as f64,
            outcome.accepted,
            100.0 * outcome.accepted as f64 / outcome.executions.max(1) as f64,
            outcome.crashes,
            args.seed
        );
        failed |= outcome.crashes > 0;
    }
    anyhow::ensure!(
        !failed,
        "crashes found: inputs in {}",
        args.crashes.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_reproducible() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let seed = br#"{"mesh": {"meshName": "m"}}"#;
        for _ in 0..100 {
            assert_eq!(mutate(seed, seed, &mut a), mutate(seed, seed, &mut b));
        }
    }
}
