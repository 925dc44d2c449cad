//! Loading work split over the machine's cores: preparing a large list is the one place
//! where screening does much work at once, and a replacement must be ready quickly.

/// `work(offset, chunk)` over `items` cut into one chunk per core, results concatenated in
/// item order. A panic in `work` is raised again here, never turned into missing results.
pub fn map_in_chunks<T, R, F>(items: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &[T]) -> Vec<R> + Sync,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 1_000 {
        return work(0, items);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let work = &work;
        let workers: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, slice)| scope.spawn(move || work(n * chunk, slice)))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_with_their_offsets() {
        let items: Vec<usize> = (0..10_000).collect();
        let out = map_in_chunks(&items, |offset, chunk| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, &item)| (offset + i, item))
                .collect()
        });
        assert_eq!(out.len(), items.len());
        assert!(out.iter().all(|&(index, item)| index == item));
    }
}
