//! Records the git commit and the target triple for `nettool --version -v`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NETTOOL_COMMIT={commit}");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=NETTOOL_TARGET={target}");
    // Build again when HEAD moves: the file HEAD and the branch it points to.
    for path in [
        Some("HEAD".to_string()),
        git(&["symbolic-ref", "-q", "HEAD"]),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(file) = git(&["rev-parse", "--git-path", &path]) {
            println!("cargo:rerun-if-changed={file}");
        }
    }
    // Relative relocations packed as DT_RELR (glibc 2.36 and later, binutils 2.38): the loader
    // applies a few hundred words of bitmap instead of thousands of 24-byte entries, and the
    // binary stays position-independent with its relocated data read-only after start-up.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        if std::env::var("PROFILE").as_deref() == Ok("release") {
            static_unwinder();
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Link the unwinder from libgcc_eh.a into the release binary instead of loading libgcc_s.so
/// (what `gcc -static-libgcc` does): std asks for `-lgcc_s`, and a linker script of that name
/// found first answers with the archive. One library fewer to map and relocate at start-up,
/// and no libgcc_s constructor (it probes the CPU with cpuid, which traps on a virtual
/// machine). The release binary aborts on panic, so the unwinder only walks backtraces.
fn static_unwinder() {
    let Ok(out) = std::env::var("OUT_DIR") else {
        return;
    };
    let dir = std::path::Path::new(&out).join("unwind");
    if std::fs::create_dir_all(&dir).is_ok()
        && std::fs::write(dir.join("libgcc_s.so"), "INPUT(-lgcc_eh)\n").is_ok()
    {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}
