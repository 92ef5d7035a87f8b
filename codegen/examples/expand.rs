//! Prints what a spec directory generates (formatted with prettyplease), or
//! with `--count` only its size: `cargo run -p wechat-api-codegen --example
//! expand -- spec/ --count`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: expand <spec directory> [--count]");
        return ExitCode::from(2);
    };
    let tokens = wechat_api_codegen::expand(
        std::path::Path::new(dir),
        wechat_api_codegen::Options { internal: true },
    );
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("the generated code does not parse: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = prettyplease::unparse(&file);
    if args.iter().any(|a| a == "--count") {
        println!("{} lines, {} bytes", text.lines().count(), text.len());
    } else {
        print!("{text}");
    }
    ExitCode::SUCCESS
}
