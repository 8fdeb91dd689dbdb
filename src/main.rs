//! The `nettool` binary: everything lives in the library, so it can be tested.
//!
//! The C `main` is the entry point, not std's: std's start-up reads `/proc/self/maps` to find
//! the main thread's stack guard and sets up a signal stack, a measurable part of a one-shot
//! command's run. What of it the program relies on is done here: SIGPIPE ignored (a closed
//! stdout is an `EPIPE` error, which ends quietly), and stdout flushed before returning.
// The test harness brings its own main.
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
use std::io::Write;

// The symbol the C runtime calls; it must not be mangled (an unsafe attribute since 2024).
#[cfg(not(test))]
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: setting a signal's disposition to SIG_IGN before any other thread exists.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let code = nettool::main_entry();
    let _ = std::io::stdout().flush();
    libc::c_int::from(code)
}

// The two libm functions the program calls (`pow`, through `f64::powf` in the progress bars,
// and `log10`), defined here from the `libm` crate's portable code, so that the binary needs no
// libm.so: one library fewer to map, relocate and bind at every start (nine page faults of a
// one-shot command). The linker resolves the calls here and, finding libm.so then unused,
// leaves it out (`--as-needed`).
#[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(all(not(test), target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn log10(x: f64) -> f64 {
    libm::log10(x)
}
