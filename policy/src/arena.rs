//! The memory of one admission request, in one region that is reset after the request.
//!
//! Answering a request allocates many small blocks that all live exactly as long as the
//! request: the JSON tree of the payload (a B-tree node per object, a `String` per key and
//! string), the typed view the rules read, the findings and their messages. With the module's
//! allocator (wasi-libc's dlmalloc) each was searched for in a free list and freed one by one
//! again. Here they are bumped into one region, and the region is reset when the answer is
//! written: nothing is looked for, and nothing is freed block by block (docs/performance.md:
//! the tree alone in the region took a target StatefulSet from 41 to 36 us; the whole request
//! then a PVC from 6.0 - 6.6 to 5.3 - 5.9 us and the StatefulSet from 26.5 - 29.3 to 24.4 -
//! 27.4 us).
//!
//! Two kinds of allocation must outlive the request and are made [`outside`] the region: the
//! engine cached for the settings, and the answer's bytes, which the host reads after
//! `validate` returns. A block allocated outside the region never moves into it (a `realloc`
//! keeps it outside). When the region is full, allocations fall back to the allocator
//! (correct, only slower) and the next request gets a region twice as large. The region is
//! sized by the request, so that a fresh instance (policy-server's per-request path) touches
//! no more memory than its request needs, and never grows past [`MAX_REGION`]: a
//! policy-server instance keeps at most that much between requests.
//!
//! Compiled only into the module (`wasm32-wasip1` has one thread); natively [`with_request`]
//! simply builds, answers and drops, and [`outside`] just calls its function.

/// Bytes allocated per byte of request, to size the region for a request. Measured natively
/// (64-bit; the module's pointers are half as wide): a PVC's request (739 bytes) allocates
/// 5.2 KB, a target StatefulSet's (3 KB) 44 KB and with its host port stripped 93 KB.
#[cfg_attr(not(all(target_family = "wasm", not(target_feature = "atomics"))), expect(dead_code))]
const REGION_PER_REQUEST_BYTE: usize = 24;

/// The largest region kept between requests (bytes): what a 40 - 100 KB request allocates.
#[cfg_attr(not(all(target_family = "wasm", not(target_feature = "atomics"))), expect(dead_code))]
const MAX_REGION: usize = 1 << 20;

/// Runs `build` (reading a request of `request_bytes`), then `answer` on what it built, with
/// every allocation of both in the request's region; the region is then reset, and what
/// `build` returned forgotten (or dropped, when some of it had to be allocated outside the
/// region).
///
/// # Safety
///
/// Nothing allocated while `build` and `answer` run may be used after `answer` returns: what
/// must outlive the request (a cache, what `answer` returns) is allocated in [`outside`].
/// `answer` only borrows what `build` returned.
#[expect(unsafe_code, reason = "the caller vouches that nothing allocated in the region outlives the request")]
pub unsafe fn with_request<T, R>(request_bytes: usize, build: impl FnOnce() -> T, answer: impl FnOnce(&T) -> R) -> R {
    #[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
    {
        region::with_request(request_bytes, build, answer)
    }
    #[cfg(not(all(target_family = "wasm", not(target_feature = "atomics"))))]
    {
        let _ = request_bytes;
        answer(&build())
    }
}

/// Runs `make` with its allocations outside the request's region: for what outlives the
/// request.
pub fn outside<R>(make: impl FnOnce() -> R) -> R {
    #[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
    {
        region::outside(make)
    }
    #[cfg(not(all(target_family = "wasm", not(target_feature = "atomics"))))]
    {
        make()
    }
}

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[expect(unsafe_code, reason = "a global allocator")]
mod region {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    use super::{MAX_REGION, REGION_PER_REQUEST_BYTE};

    /// The region: `[start, end)` from the allocator, bumped from `next` while `active`.
    struct Region {
        start: Cell<usize>,
        end: Cell<usize>,
        next: Cell<usize>,
        active: Cell<bool>,
        /// A request is being built or answered: its blocks are in use.
        busy: Cell<bool>,
        /// An allocation of the current request did not fit.
        overflowed: Cell<bool>,
    }

    // SAFETY: the module has one thread (wasm32-wasip1 without the atomics feature).
    unsafe impl Sync for Region {}

    static REGION: Region = Region {
        start: Cell::new(0),
        end: Cell::new(0),
        next: Cell::new(0),
        active: Cell::new(false),
        busy: Cell::new(false),
        overflowed: Cell::new(false),
    };

    /// The module's allocator: the region's while a request is answered, the system's otherwise.
    struct RequestAllocator;

    #[global_allocator]
    static ALLOCATOR: RequestAllocator = RequestAllocator;

    impl Region {
        fn contains(&self, ptr: *mut u8) -> bool {
            (self.start.get()..self.end.get()).contains(&(ptr as usize))
        }

        /// A block of the region, or `None` when it does not fit.
        fn bump(&self, layout: Layout) -> Option<*mut u8> {
            // Alignments are powers of two: a mask, not a division.
            let mask = layout.align() - 1;
            let at = self.next.get().checked_add(mask)? & !mask;
            let after = at.checked_add(layout.size())?;
            if after > self.end.get() {
                return None;
            }
            self.next.set(after);
            Some(at as *mut u8)
        }

        /// Makes sure there is a region to bump into, large enough for a request of
        /// `request_bytes` and twice as large as the last one when the last request did not
        /// fit (no block of the region is in use here).
        fn prepare(&self, request_bytes: usize) {
            let size = self.end.get() - self.start.get();
            let wanted = request_bytes
                .saturating_mul(REGION_PER_REQUEST_BYTE)
                .max(if self.overflowed.get() { size.saturating_mul(2) } else { size })
                .min(MAX_REGION)
                .next_multiple_of(4096);
            if wanted > size {
                if let Ok(old) = Self::layout(size)
                    && size != 0
                {
                    // SAFETY: the region was allocated with this layout, and no block of it is in use.
                    unsafe { System.dealloc(self.start.get() as *mut u8, old) };
                }
                // SAFETY: the layout's size is not zero.
                let start = Self::layout(wanted).map_or(std::ptr::null_mut(), |layout| unsafe { System.alloc(layout) });
                // Without a region (out of memory), every allocation is the allocator's.
                let size = if start.is_null() { 0 } else { wanted };
                self.start.set(start as usize);
                self.end.set(start as usize + size);
            }
            self.next.set(self.start.get());
            self.overflowed.set(false);
        }

        /// The layout of a region of `size` bytes (aligned as the allocator aligns; blocks are
        /// aligned as they are bumped).
        fn layout(size: usize) -> Result<Layout, std::alloc::LayoutError> {
            Layout::from_size_align(size, 8)
        }
    }

    // Not inlined: every allocation and drop in the module calls these, and a copy of the
    // region's checks at each of those sites made the module 10 KB larger.
    unsafe impl GlobalAlloc for RequestAllocator {
        #[inline(never)]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if REGION.active.get() {
                if let Some(block) = REGION.bump(layout) {
                    return block;
                }
                REGION.overflowed.set(true);
            }
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc(layout) }
        }

        #[inline(never)]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // A block of the region is freed with the region.
            if !REGION.contains(ptr) {
                // SAFETY: `ptr` came from `System` with `layout`.
                unsafe { System.dealloc(ptr, layout) }
            }
        }

        #[inline(never)]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if !REGION.contains(ptr) {
                // SAFETY: `ptr` came from `System` with `layout`; a block from outside the
                // region stays outside it.
                return unsafe { System.realloc(ptr, layout, new_size) };
            }
            // SAFETY: the caller guarantees `new_size` makes a valid layout with `layout`'s alignment.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            // SAFETY: as for `alloc`.
            let moved = unsafe { self.alloc(new_layout) };
            if !moved.is_null() {
                // SAFETY: both blocks are at least this long and do not overlap.
                unsafe { std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size)) };
            }
            moved
        }
    }

    pub(super) fn outside<R>(make: impl FnOnce() -> R) -> R {
        let active = REGION.active.replace(false);
        let kept = make();
        REGION.active.set(active);
        kept
    }

    pub(super) fn with_request<T, R>(
        request_bytes: usize,
        build: impl FnOnce() -> T,
        answer: impl FnOnce(&T) -> R,
    ) -> R {
        if REGION.busy.get() {
            // Not nested: the inner request would reset the outer one's region.
            return answer(&build());
        }
        REGION.busy.set(true);
        REGION.prepare(request_bytes);
        REGION.active.set(true);
        let tree = build();
        let answered = answer(&tree);
        REGION.active.set(false);
        if REGION.overflowed.get() {
            // Some of it is the allocator's: free those blocks (the region's are skipped).
            drop(tree);
        } else {
            std::mem::forget(tree);
        }
        REGION.next.set(REGION.start.get());
        REGION.busy.set(false);
        answered
    }
}
