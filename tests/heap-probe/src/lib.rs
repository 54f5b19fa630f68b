//! A global allocator for tests that look for secrets left behind in memory.
//!
//! [`Probe`] forwards to the system allocator. While a recording is on, it
//! copies every block that is freed into a side buffer, byte for byte as it
//! was at the moment of the free (so a block the program wiped is recorded
//! as zeros, one it forgot is recorded with the secret in it), and it keeps
//! a table of the blocks allocated during the recording that are still
//! live. Afterwards a test counts the freed blocks and the live blocks that
//! contain a needle (a planted password, a key's bytes, ...).
//!
//! The side buffer and the table come straight from [`System`], so the
//! probe never records itself. Between [`pause`] and [`resume`] frees are
//! recorded only for blocks allocated while recording; that lets a test
//! run an in-process server (whose copies are not the client's) unrecorded.
//! During a recording every block is zeroed when it is allocated and again
//! once looked at when it is freed: a block the client frees shows only
//! what was written into it since its allocation, never a stale copy the
//! server, the allocator or an earlier block left in the same memory.
//!
//! This crate is test support only: it is the one place of the project
//! besides the CPU kernels that needs `unsafe`, because `GlobalAlloc` is an
//! unsafe trait and reading a block before it is freed is a raw-pointer read.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The recording allocator: install it with `#[global_allocator]`.
pub struct Probe;

/// Bytes of freed blocks one recording can hold; past it the recording is
/// marked overflowed (a test must then fail, not pass on a partial record).
const FREED_CAPACITY: usize = 256 << 20;
/// Slots of the live-block table (open addressing): twice the most blocks
/// a recording may keep live at once.
const LIVE_SLOTS: usize = 1 << 20;
const EMPTY: usize = 0;
const TOMBSTONE: usize = 1;

struct State {
    /// `len: u64 little-endian, bytes` records, back to back.
    freed: *mut u8,
    freed_len: usize,
    overflowed: bool,
    /// (address, size) of blocks allocated while recording and not yet freed.
    live: *mut (usize, usize),
    live_count: usize,
}

struct Shared(UnsafeCell<State>);

// SAFETY: `State` is only touched with `LOCK` held (see `with_state`).
unsafe impl Sync for Shared {}

static STATE: Shared = Shared(UnsafeCell::new(State {
    freed: core::ptr::null_mut(),
    freed_len: 0,
    overflowed: false,
    live: core::ptr::null_mut(),
    live_count: 0,
}));
static LOCK: AtomicBool = AtomicBool::new(false);
/// Between [`start`] and [`finish`]: the live table is kept.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Frees are recorded (and allocations entered in the live table).
static RECORDING: AtomicBool = AtomicBool::new(false);

/// Runs `f` with the state locked. `f` must not allocate: the allocator
/// would wait for the lock it holds.
fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    while LOCK.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: the lock gives this thread the only access to the state.
    let result = f(unsafe { &mut *STATE.0.get() });
    LOCK.store(false, Ordering::Release);
    result
}

fn slot_of(address: usize) -> usize {
    // Fibonacci hashing of the address; blocks are at least 8-aligned.
    (address >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - LIVE_SLOTS.trailing_zeros())
}

impl State {
    fn live_slots(&mut self) -> &mut [(usize, usize)] {
        // SAFETY: `live` holds LIVE_SLOTS entries from `System` (see `start`).
        unsafe { core::slice::from_raw_parts_mut(self.live, LIVE_SLOTS) }
    }

    fn insert_live(&mut self, address: usize, size: usize) {
        if self.live_count >= LIVE_SLOTS / 2 {
            self.overflowed = true;
            return;
        }
        self.live_count += 1;
        let slots = self.live_slots();
        let mut i = slot_of(address);
        while slots[i].0 > TOMBSTONE {
            i = (i + 1) % LIVE_SLOTS;
        }
        slots[i] = (address, size);
    }

    fn remove_live(&mut self, address: usize) -> bool {
        let mut i = slot_of(address);
        loop {
            let slots = self.live_slots();
            match slots[i].0 {
                EMPTY => return false,
                found if found == address => {
                    slots[i] = (TOMBSTONE, 0);
                    self.live_count -= 1;
                    return true;
                }
                _ => i = (i + 1) % LIVE_SLOTS,
            }
        }
    }

    fn record_freed(&mut self, block: &[u8]) {
        let need = 8 + block.len();
        if self.freed_len + need > FREED_CAPACITY {
            self.overflowed = true;
            return;
        }
        // SAFETY: `freed` holds FREED_CAPACITY bytes from `System` and the
        // record fits (checked above); the block is a distinct allocation.
        unsafe {
            let at = self.freed.add(self.freed_len);
            core::ptr::copy_nonoverlapping((block.len() as u64).to_le_bytes().as_ptr(), at, 8);
            core::ptr::copy_nonoverlapping(block.as_ptr(), at.add(8), block.len());
        }
        self.freed_len += need;
    }

    fn freed_records(&self) -> impl Iterator<Item = &[u8]> {
        // SAFETY: the first `freed_len` bytes of `freed` were written by `record_freed`.
        let mut rest = unsafe { core::slice::from_raw_parts(self.freed, self.freed_len) };
        core::iter::from_fn(move || {
            let (header, tail) = rest.split_first_chunk::<8>()?;
            let (block, tail) = tail.split_at(u64::from_le_bytes(*header) as usize);
            rest = tail;
            Some(block)
        })
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments;
// the bookkeeping around it never allocates and never touches the block
// except to read it before it is freed.
unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() && ACTIVE.load(Ordering::Relaxed) {
            // SAFETY: `System` just handed out this block of `layout.size()` bytes.
            unsafe { core::ptr::write_bytes(block, 0, layout.size()) };
            if RECORDING.load(Ordering::Relaxed) {
                with_state(|state| state.insert_live(block as usize, layout.size()));
            }
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let block = unsafe { System.alloc_zeroed(layout) };
        if !block.is_null() && RECORDING.load(Ordering::Relaxed) {
            with_state(|state| state.insert_live(block as usize, layout.size()));
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if ACTIVE.load(Ordering::Relaxed) {
            with_state(|state| {
                let ours = state.remove_live(block as usize);
                if ours || RECORDING.load(Ordering::Relaxed) {
                    // SAFETY: the caller hands back a live block of `layout.size()` bytes
                    // it no longer uses; reading it before `System` frees it is sound
                    // (bytes never written are read as whatever the allocator left).
                    state.record_freed(unsafe { core::slice::from_raw_parts(block, layout.size()) });
                }
            });
            // SAFETY: as above, the block is the caller's to give back and still
            // ours until `System` frees it below: zeroing it is a plain write.
            unsafe { core::ptr::write_bytes(block, 0, layout.size()) };
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(block, layout) }
    }

    // `realloc` is left to the default: allocate, copy, `dealloc` the old
    // block, so a block that moves is recorded like any other free.
}

/// Starts a recording, forgetting the last one.
pub fn start() {
    with_state(|state| {
        if state.freed.is_null() {
            // SAFETY: non-zero sizes; `System` is not the probe, so this is not recorded.
            unsafe {
                state.freed = System.alloc(Layout::from_size_align(FREED_CAPACITY, 8).expect("layout"));
                state.live = System.alloc_zeroed(Layout::array::<(usize, usize)>(LIVE_SLOTS).expect("layout")).cast();
            }
            assert!(!state.freed.is_null() && !state.live.is_null(), "the probe's buffers");
        }
        state.freed_len = 0;
        state.overflowed = false;
        state.live_count = 0;
        state.live_slots().fill((EMPTY, 0));
    });
    ACTIVE.store(true, Ordering::SeqCst);
    RECORDING.store(true, Ordering::SeqCst);
}

/// Stops recording frees of blocks not allocated during the recording.
pub fn pause() {
    RECORDING.store(false, Ordering::SeqCst);
}

/// Records every free again.
pub fn resume() {
    RECORDING.store(true, Ordering::SeqCst);
}

/// What one recording saw; [`finish`] makes it.
#[derive(Debug)]
pub struct Recording {
    _private: (),
}

/// Ends the recording. The freed blocks stay searchable through the returned
/// [`Recording`] until the next [`start`]; the live blocks are searched now
/// by [`Recording::live_blocks_containing`], which sees the blocks allocated
/// during the recording that are still allocated.
pub fn finish() -> Recording {
    RECORDING.store(false, Ordering::SeqCst);
    Recording { _private: () }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

impl Recording {
    /// How many freed blocks contain `needle` (as a byte substring).
    pub fn freed_blocks_containing(&self, needle: &[u8]) -> usize {
        with_state(|state| state.freed_records().filter(|block| contains(block, needle)).count())
    }

    /// The freed blocks that contain `needle`, each as its size and a
    /// printable excerpt around the needle: to find where a copy came from.
    pub fn freed_blocks_showing(&self, needle: &[u8]) -> Vec<(usize, String)> {
        // A free inside `with_state` would wait for the lock it holds, so
        // the list is sized first and never grows (never frees) while locked.
        let count = self.freed_blocks_containing(needle);
        let mut found: Vec<Vec<u8>> = Vec::with_capacity(count);
        with_state(|state| {
            for block in state.freed_records().filter(|block| contains(block, needle)) {
                found.push(block.to_vec());
            }
        });
        found
            .iter()
            .map(|block| {
                let at = block.windows(needle.len()).position(|w| w == needle).unwrap_or(0);
                let show = |bytes: &[u8]| -> String {
                    bytes.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect()
                };
                let text = format!(
                    "[start] {} ... [needle at {at}] {} ... [end] {}",
                    show(&block[..block.len().min(72)]),
                    show(&block[at..(at + needle.len()).min(block.len())]),
                    show(&block[block.len().saturating_sub(24)..])
                );
                (block.len(), text)
            })
            .collect()
    }

    /// How many blocks allocated during the recording and still allocated
    /// contain `needle`.
    pub fn live_blocks_containing(&self, needle: &[u8]) -> usize {
        with_state(|state| {
            let slots = state.live_slots();
            slots
                .iter()
                .filter(|&&(address, size)| address > TOMBSTONE && size > 0)
                // SAFETY: a block in the table is still allocated (its free would
                // have removed it, and frees wait for the lock held here).
                .filter(|&&(address, size)| {
                    contains(unsafe { core::slice::from_raw_parts(address as *const u8, size) }, needle)
                })
                .count()
        })
    }

    /// How many freed blocks the recording holds, and their bytes: a test
    /// shows them to prove the probe saw the flow at all.
    pub fn freed_totals(&self) -> (usize, usize) {
        with_state(|state| (state.freed_records().count(), state.freed_records().map(<[u8]>::len).sum()))
    }

    /// The side buffer or the live table ran out: the recording is partial.
    pub fn overflowed(&self) -> bool {
        with_state(|state| state.overflowed)
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        ACTIVE.store(false, Ordering::SeqCst);
    }
}
