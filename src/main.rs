//! The `nettool` binary: everything lives in the library, so it can be tested.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(nettool::main_entry())
}
