//! Sorting through one instance of the standard library's sort.
//!
//! Each `sort`, `sort_by` or `sort_unstable` of another element type or comparator is
//! another copy of the sort's code (2 - 5 KB each in the policy module), and so is every
//! `BTreeSet` built from an iterator. The engine sorts through here instead: the positions of
//! the items are sorted with a `dyn` comparator, one instance for every type, and the items
//! are then moved into that order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = sorted_positions(items.len(), &|a: usize, b: usize| match (items.get(a), items.get(b)) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Ordering::Equal,
    });
    permute(items, order);
}

/// Sorts `items` in their own order, keeping equal items in their order (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` and drops repeats: the items of a `BTreeSet` built from them, in order.
#[must_use]
pub fn sorted_set<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    sort(&mut items);
    items.dedup();
    items
}

/// Compares the items at two positions. A trait rather than `dyn Fn`: a closure's `Fn` vtable
/// puts two functions in the policy module's function table, this trait's one, and each costs
/// wasmtime a trampoline at compile time (docs/performance.md, "Cold start").
trait ComparePositions {
    fn compare(&self, a: usize, b: usize) -> Ordering;
}

impl<F: Fn(usize, usize) -> Ordering> ComparePositions for F {
    fn compare(&self, a: usize, b: usize) -> Ordering {
        self(a, b)
    }
}

/// The positions `0..len` in the order of `compare`, equal items by position (so that the
/// order is a stable sort's).
fn sorted_positions(len: usize, compare: &dyn ComparePositions) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    // Positions are distinct, so the unstable sort (smaller and faster) gives one order.
    order.sort_unstable_by(|&a, &b| compare.compare(a, b).then(a.cmp(&b)));
    order
}

/// Moves the items so that position `k` holds the item that was at `order[k]`: each cycle of
/// the permutation by swaps, a visited position marked by pointing at itself.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut current = start;
        while let Some(slot) = order.get_mut(current) {
            let next = std::mem::replace(slot, current);
            if next == current || next == start || next >= items.len() {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (2, 'f'), (3, 'g')];
        let mut expected = items.clone();
        expected.sort_by_key(|item| item.0);
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, expected);
    }

    /// Sorts every order of `items` that Heap's algorithm reaches from the first `k`.
    fn sorts_each_order(k: usize, items: &mut Vec<u8>) {
        if k == 1 {
            let mut sorted = items.clone();
            sort(&mut sorted);
            assert_eq!(sorted, vec![0, 1, 2, 3, 4], "from {items:?}");
            return;
        }
        for i in 0..k {
            sorts_each_order(k - 1, items);
            items.swap(if k.is_multiple_of(2) { i } else { 0 }, k - 1);
        }
    }

    #[test]
    fn sorts_every_permutation_of_five() {
        sorts_each_order(5, &mut vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn sets() {
        assert_eq!(sorted_set(vec!["b", "a", "c", "a", "b"]), vec!["a", "b", "c"]);
        assert_eq!(sorted_set(Vec::<String>::new()), Vec::<String>::new());
    }
}
