//! The page's UI links no burn, cubecl or wgpu (nor the image and linear-algebra crates the
//! networks use): they would ship in the page's own WebAssembly, which every visitor fetches
//! before anything works. Training code belongs in `app/worker`.

use std::process::Command;

/// Crates that may not appear in the UI's browser build, by name prefix.
const FORBIDDEN: [&str; 6] = ["burn", "cubecl", "wgpu", "naga", "image", "nalgebra"];

/// The crates `package` links in the browser with `features` (`cargo tree`, normal
/// dependencies, wasm32).
fn browser_dependencies(package: &str, features: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-p", package, "-e", "normal"])
        .args(["--features", features])
        .args(["--target", "wasm32-unknown-unknown", "--prefix", "none"])
        .args(["--format", "{p}"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn forbidden(names: &[String]) -> Vec<&String> {
    names
        .iter()
        .filter(|n| FORBIDDEN.iter().any(|f| n.starts_with(f)))
        .collect()
}

#[test]
fn the_ui_links_no_burn_cubecl_or_wgpu() {
    let names = browser_dependencies("ui", "");
    assert!(
        names.iter().any(|n| n == "leptos"),
        "read the UI's tree: {names:?}"
    );
    assert_eq!(forbidden(&names), Vec::<&String>::new());
}

#[test]
fn the_check_sees_burn_where_it_is() {
    // The WebGPU worker links burn and wgpu: the same check must find them there.
    let names = browser_dependencies("worker", "webgpu");
    let found = forbidden(&names);
    assert!(found.iter().any(|n| *n == "burn"), "{found:?}");
    assert!(found.iter().any(|n| *n == "wgpu"), "{found:?}");
}

#[test]
fn the_cpu_worker_links_burn_without_wgpu() {
    // The worker the page loads first: burn's CPU backend only.
    let names = browser_dependencies("worker", "");
    assert!(names.iter().any(|n| n == "burn-flex"), "{names:?}");
    let gpu: Vec<&String> = names.iter().filter(|n| n.contains("wgpu")).collect();
    assert_eq!(gpu, Vec::<&String>::new());
}
