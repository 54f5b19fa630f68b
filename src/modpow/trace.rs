//! Test-only instrumentation: counts Montgomery operations (for the
//! per-sign-in budget) and, while recording, logs every operation and table
//! scan (for the constant-time sequence test). Absent from non-test builds.

use core::cell::{Cell, RefCell};

/// One step an exponentiation took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A Montgomery multiplication.
    Mul,
    /// A Montgomery squaring.
    Sqr,
    /// A full scan of a table of this many entries.
    Select(usize),
}

std::thread_local! {
    static OPERATIONS: Cell<u64> = const { Cell::new(0) };
    static LOG: RefCell<Option<Vec<Op>>> = const { RefCell::new(None) };
}

/// Notes one step on this thread.
pub(crate) fn record(op: Op) {
    if matches!(op, Op::Mul | Op::Sqr) {
        OPERATIONS.with(|c| c.set(c.get() + 1));
    }
    LOG.with(|log| {
        if let Some(log) = log.borrow_mut().as_mut() {
            log.push(op);
        }
    });
}

/// The count of Montgomery operations since the last call, on this thread.
pub(crate) fn take() -> u64 {
    OPERATIONS.with(|c| c.replace(0))
}

/// Every step `f` takes on this thread, in order.
pub(crate) fn steps_of(f: impl FnOnce()) -> Vec<Op> {
    LOG.with(|log| *log.borrow_mut() = Some(Vec::new()));
    f();
    LOG.with(|log| log.borrow_mut().take()).unwrap_or_default()
}
