//! Asymmetric fences: a reader's that costs nothing at run time, paid for by a writer's
//! that is expensive, as userspace RCU does with `membarrier`.
//!
//! Where the kernel offers `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)` (Linux 4.14
//! and later), the writer's fence is that system call: every thread of the process that
//! runs at that moment executes a full memory barrier, and one that does not run passes
//! through the kernel's own when it is scheduled again. The reader's fence then only
//! stops the compiler from moving its accesses across it. Elsewhere (other systems,
//! Miri, a kernel or sandbox without the call) both are `SeqCst` fences: one `mfence` per
//! read section on x86.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering, compiler_fence, fence};

use crate::own_line::OwnLine;

/// Set once the process is registered for expedited barriers; never cleared.
static EXPEDITED: OwnLine<AtomicBool> = OwnLine::new(AtomicBool::new(false));
static REGISTER: Once = Once::new();

/// The reader's side: orders its announcement before the loads that follow.
#[inline(always)]
pub(crate) fn light() {
    if EXPEDITED.load(Ordering::Relaxed) {
        compiler_fence(Ordering::SeqCst);
    } else {
        fence(Ordering::SeqCst);
    }
}

/// Registers the process for expedited barriers, once: from then on [`light`] is a
/// compiler fence. Called by a thread's first read section, so that a process whose
/// handlers never change (attached once at start-up, the usual case) does not pay a full
/// fence on every dispatch for want of a writer that ever needed [`heavy`].
///
/// Safe from any thread at any time: every [`heavy`] passes through the same `Once`
/// before it reads `EXPEDITED`, so no writer can conclude "readers fence in full" after
/// a reader has seen the flag set.
pub(crate) fn register() {
    REGISTER.call_once(|| {
        if membarrier::register() {
            EXPEDITED.store(true, Ordering::Relaxed);
        }
    });
}

/// The writer's side: orders its stores before the loads that follow on this thread,
/// and does the same for every thread whose [`light`] fence was only a compiler fence.
/// `false` when that could not be done (the system call failed after it had been
/// registered); the caller must then not free anything on the strength of this fence.
pub(crate) fn heavy() -> bool {
    register();
    fence(Ordering::SeqCst);
    !EXPEDITED.load(Ordering::Relaxed) || membarrier::expedited()
}

#[cfg(all(target_os = "linux", not(miri)))]
#[allow(unsafe_code)]
mod membarrier {
    // The commands of `linux/membarrier.h`, part of the kernel's stable interface.
    const QUERY: libc::c_long = 0;
    const GLOBAL: libc::c_long = 1;
    const PRIVATE_EXPEDITED: libc::c_long = 8;
    const REGISTER_PRIVATE_EXPEDITED: libc::c_long = 16;

    fn call(command: libc::c_long) -> libc::c_long {
        // SAFETY: `membarrier(cmd, flags, cpu_id)` takes integers only and touches no
        // memory of ours; an unknown command or a kernel without the call returns -1.
        unsafe { libc::syscall(libc::SYS_membarrier, command, 0 as libc::c_long, 0) }
    }

    /// Registers the process for expedited barriers; whether that worked.
    pub(super) fn register() -> bool {
        let supported = call(QUERY);
        supported >= 0
            && supported & PRIVATE_EXPEDITED != 0
            && call(REGISTER_PRIVATE_EXPEDITED) == 0
            && call(PRIVATE_EXPEDITED) == 0
    }

    /// A full barrier on every running thread of the process. Should the expedited
    /// command fail (a child process after `fork` may need to register again), it
    /// registers again, then falls back to the global command (which waits for every
    /// CPU to schedule).
    pub(super) fn expedited() -> bool {
        call(PRIVATE_EXPEDITED) == 0
            || (call(REGISTER_PRIVATE_EXPEDITED) == 0 && call(PRIVATE_EXPEDITED) == 0)
            || call(GLOBAL) == 0
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
mod membarrier {
    pub(super) fn register() -> bool {
        false
    }

    pub(super) fn expedited() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heavy_fence_succeeds_whether_or_not_the_kernel_offers_expedited_barriers() {
        assert!(heavy());
        light();
        assert!(heavy());
    }
}
