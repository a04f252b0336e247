//! Whether anybody listens to a slot, in one byte that an emitter reads with one load.
//!
//! The byte is zero until the slot is first used. From then on it holds `REGISTERED`
//! plus a bit for each reason to dispatch: handlers attached (`HANDLERS`), or a capture
//! running somewhere (`CAPTURE`); and whether some handlers are typed (`TYPED`). An idle slot is exactly `REGISTERED`, so the emitter's
//! test is one compare against a constant.
//!
//! Writers: the slot itself once, on first use (a compare-and-swap from zero, so that it
//! never overwrites the registry); afterwards only the registry, under its lock, one bit
//! at a time.

use crate::sync::{AtomicU8, Ordering};

const UNREGISTERED: u8 = 0;
const REGISTERED: u8 = 1;
/// Handlers are attached to the slot's event.
pub(crate) const HANDLERS: u8 = 2;
/// A capture runs on some thread.
pub(crate) const CAPTURE: u8 = 4;
/// Some of the handlers are typed handlers (set only with `HANDLERS`): an emitter of a
/// typed value takes the path that hands it to them.
pub(crate) const TYPED: u8 = 8;

pub(crate) struct Interest(AtomicU8);

impl Interest {
    /// Wraps a byte that starts at zero; taking the atomic from the caller keeps this
    /// `const` while the loom model passes its own atomic type.
    pub(crate) const fn new(unregistered: AtomicU8) -> Self {
        Interest(unregistered)
    }

    /// One load and one compare; on first use, `register` computes the first state.
    #[inline(always)]
    pub(crate) fn get(&self, register: impl FnOnce() -> u8) -> bool {
        let state = self.0.load(Ordering::Acquire);
        if state == REGISTERED {
            return false;
        }
        state != UNREGISTERED || self.register(register)
    }

    /// Whether the slot is registered and nobody listens: the one load and compare an
    /// emitter makes before leaving everything else (first use included) to an
    /// out-of-line path that calls [`Interest::get`].
    ///
    /// Relaxed: an idle answer reads nothing else, and any other answer goes through
    /// [`Interest::get`]'s acquire load. An acquire here would also keep the compiler
    /// from reusing, after the test, values the caller had just stored.
    #[inline(always)]
    pub(crate) fn is_idle(&self) -> bool {
        self.0.load(Ordering::Relaxed) == REGISTERED
    }

    /// Whether the slot has been used before: its state is known, so that a slot that is
    /// not idle has somebody listening.
    #[inline(always)]
    pub(crate) fn is_registered(&self) -> bool {
        self.0.load(Ordering::Relaxed) != UNREGISTERED
    }

    #[cold]
    #[inline(never)]
    fn register(&self, register: impl FnOnce() -> u8) -> bool {
        let reasons = register();
        match self.0.compare_exchange(
            UNREGISTERED,
            REGISTERED | reasons,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => reasons != 0,
            Err(_) => {
                // The registry adopted the slot meanwhile and its handlers bit is
                // authoritative; a capture seen starting is still added, since the
                // registry's sweep may have run before the slot became known.
                if reasons & CAPTURE != 0 {
                    self.0.fetch_or(CAPTURE, Ordering::AcqRel);
                }
                self.is_enabled()
            }
        }
    }

    /// Sets or clears one reason, marking the slot registered.
    pub(crate) fn set(&self, reason: u8, on: bool) {
        if on {
            self.0.fetch_or(REGISTERED | reason, Ordering::AcqRel);
        } else {
            self.0.fetch_or(REGISTERED, Ordering::AcqRel);
            self.0.fetch_and(!reason, Ordering::AcqRel);
        }
    }

    /// Whether `reason` holds.
    pub(crate) fn has(&self, reason: u8) -> bool {
        self.0.load(Ordering::Acquire) & reason != 0
    }

    /// Whether `reason` holds, as a hint: the caller's path is correct either way, only
    /// faster with the right answer.
    #[inline(always)]
    pub(crate) fn hints(&self, reason: u8) -> bool {
        self.0.load(Ordering::Relaxed) & reason != 0
    }

    /// Whether any reason holds, without registering.
    pub(crate) fn is_enabled(&self) -> bool {
        self.0.load(Ordering::Acquire) & !REGISTERED != 0
    }
}
