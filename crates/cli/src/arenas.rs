//! Bounds glibc's malloc arenas for the server.
//!
//! glibc gives threads that allocate their own arenas (up to eight per core) and keeps
//! what is freed in each. Under `scripts/load` the server's memory climbed round after
//! round of the same work (341 → 449 → 516 MB) and stayed there; with two arenas it stays
//! flat (316 → 359 → 361 → 362 MB) at the same throughput. glibc reads the setting only
//! when the process starts, so `serve` starts itself again with `MALLOC_ARENA_MAX=2`
//! unless the environment already sets it (an administrator's value wins).

/// Replaces this process with itself under `MALLOC_ARENA_MAX=2`; returns only when the
/// variable is already set or the restart failed (the server then runs as it is).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn bound_for_serving() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("MALLOC_ARENA_MAX", "2")
        .exec();
    tracing::warn!(error = %err, "could not restart with MALLOC_ARENA_MAX=2");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn bound_for_serving() {}
