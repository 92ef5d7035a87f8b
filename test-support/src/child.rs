//! Running one test of the current test binary again, alone, in a child
//! process: for the few tests that need a process of their own (they lower
//! a resource limit, or check that nothing installed process-wide state)
//! while every integration test shares one binary and one process.
//!
//! The parent starts the child with [`command`]; the child, seeing the
//! variable it was given, does the part that needs a fresh process.

use std::process::Command;

/// The name the test harness knows a test by: its module path without the
/// crate (pass `module_path!()`), then the function.
pub fn test_name(module_path: &str, function: &str) -> String {
    match module_path.split_once("::") {
        Some((_crate, module)) => format!("{module}::{function}"),
        None => function.to_owned(),
    }
}

/// This test binary, running only the test `function` of `module_path`
/// (exactly, one thread, output not captured), with `env_var` set to `1`.
pub fn command(module_path: &str, function: &str, env_var: &str) -> Command {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(exe);
    command
        .args([
            test_name(module_path, function).as_str(),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(env_var, "1");
    command
}

/// Whether this process is the child started by [`command`] with `env_var`.
pub fn is_child(env_var: &str) -> bool {
    std::env::var_os(env_var).is_some()
}

/// Runs the child to its end; panics unless it ran exactly one test and it
/// passed (a wrong name would otherwise run no test and pass).
pub fn run_to_success(mut command: Command) {
    let out = command.output().expect("the test binary starts again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "the child test failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
