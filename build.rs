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
            static_pie();
            symbol_order();
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Lay out the functions a start-up and a ping run execute next to each other (the list is
/// data/symbol-order.txt, written by scripts/symbol-order.sh): the kernel maps 64 KiB of the
/// binary around each page touched, so scattered code costs page faults at every start and
/// resident memory for as long as the program runs. The option is lld's, the linker Rust uses
/// on x86_64 Linux; `NETTOOL_SYMBOL_ORDER=none` leaves it out (for another linker).
fn symbol_order() {
    println!("cargo:rerun-if-env-changed=NETTOOL_SYMBOL_ORDER");
    let target = std::env::var("TARGET").unwrap_or_default();
    if std::env::var("NETTOOL_SYMBOL_ORDER").as_deref() == Ok("none")
        || target != "x86_64-unknown-linux-gnu"
    {
        return;
    }
    let Ok(root) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let list = std::path::Path::new(&root).join("data/symbol-order.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    if list.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        // Names of functions changed since the list was made are skipped quietly.
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Link the release binary as a static PIE (what `-C target-feature=+crt-static` gives, which
/// cargo cannot ask for one binary alone: its proc-macros would be built static too and fail).
/// The loader's work at every start goes: no libc.so to map and relocate, and no lookup of the
/// 160 symbols the program takes from it (a quarter of the instructions of a one-shot command).
/// The binary stays position-independent, with its relocated data read-only (full RELRO).
///
/// rustc asks for `-lc -lm` after `-Bdynamic`, so linker scripts of those names, found first in
/// a directory given to the binary's link only, answer with the static archives, and
/// `-static-pie` makes gcc link with the self-relocating start file and no interpreter.
///
/// The trade: name-service modules other than files and dns (which libc.a holds), such as
/// mdns or systemd, are loaded with dlopen and need the glibc of the build at run time, and a
/// glibc update reaches nettool when it is built again. `NETTOOL_LINK=dynamic` links against
/// libc.so as before.
fn static_pie() {
    println!("cargo:rerun-if-env-changed=NETTOOL_LINK");
    if std::env::var("NETTOOL_LINK").as_deref() == Ok("dynamic")
        || std::env::var("CARGO_CFG_TARGET_FEATURE")
            .is_ok_and(|features| features.split(',').any(|f| f == "crt-static"))
    {
        return;
    }
    let (Ok(out), Some(libc), Some(libgcc), Some(libm)) = (
        std::env::var("OUT_DIR"),
        archive("libc.a"),
        archive("libgcc.a"),
        archive("libm.a"),
    ) else {
        println!("cargo:warning=no static libc (libc6-dev): linking nettool against libc.so");
        return;
    };
    let dir = std::path::Path::new(&out).join("static");
    // `-lgcc_s` already finds static_unwinder's script, which answers with libgcc_eh.a.
    let scripts = [
        ("libc.so", format!("GROUP({libc} {libgcc})\n")),
        ("libm.so", format!("INPUT({libm})\n")),
    ];
    if std::fs::create_dir_all(&dir).is_ok()
        && scripts
            .iter()
            .all(|(name, text)| std::fs::write(dir.join(name), text).is_ok())
    {
        println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
        println!("cargo:rustc-link-arg-bins=-static-pie");
    }
}

/// The path of a static archive as the C compiler (rustc's linker driver) finds it.
fn archive(name: &str) -> Option<String> {
    let cc = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    let out = Command::new(cc)
        .arg(format!("-print-file-name={name}"))
        .output()
        .ok()?;
    let printed = String::from_utf8(out.stdout).ok()?;
    // The compiler echoes the bare name back when it finds no such file.
    let path = std::path::Path::new(printed.trim());
    if !path.is_absolute() {
        return None;
    }
    path.canonicalize().ok()?.to_str().map(str::to_string)
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
