//! Checks a spec directory and prints every error, one per line, without
//! compiling anything: `cargo run -p wechat-api-codegen --example check -- spec/`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: check <spec directory>");
        return ExitCode::from(2);
    };
    let mut sources = Vec::new();
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("{dir}: {e}");
            return ExitCode::from(2);
        }
    };
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((path.display().to_string(), text)),
                Err(e) => eprintln!("{}: {e}", path.display()),
            }
        }
    }
    let borrowed: Vec<(&str, &str)> = sources.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let errors = wechat_api_codegen::check(&borrowed, wechat_api_codegen::Options { internal: true });
    for e in &errors {
        println!("{e}");
    }
    println!("{} file(s), {} error(s)", sources.len(), errors.len());
    if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
