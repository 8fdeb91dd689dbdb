//! Process-wide limits and privileges: the capability sets (through the `caps` crate) and the
//! open-file limit. Capabilities belong to each thread; every thread created after a change
//! inherits it, so the sets are lowered before any runtime thread starts.

use caps::CapSet;

/// Clear the effective set of the calling thread, keeping the permitted one so that
/// [`raise_effective`] can bring it back for the one call that needs it.
pub fn lower_effective() {
    let _ = caps::clear(None, CapSet::Effective);
}

/// Make every permitted capability effective on the calling thread.
pub fn raise_effective() {
    if let Ok(permitted) = caps::read(None, CapSet::Permitted) {
        let _ = caps::set(None, CapSet::Effective, &permitted);
    }
}

/// Drop every capability of the calling thread for good: effective, permitted, inheritable
/// and ambient. Without any, there is nothing to drop and nothing fails.
pub fn drop_all() {
    let _ = caps::clear(None, CapSet::Ambient);
    for set in [CapSet::Effective, CapSet::Permitted, CapSet::Inheritable] {
        let _ = caps::clear(None, set);
    }
}

/// Raise the soft limit on open files to the hard limit; returns the soft limit now in force.
pub fn raise_nofile_limit() -> Option<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        return Some(hard);
    }
    Some(soft)
}
