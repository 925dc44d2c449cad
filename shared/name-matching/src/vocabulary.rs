//! The distinct name parts of a list, each with its weight and filed under its blocking keys,
//! so that a query part is compared only with the parts that could pair with it — a few
//! dozen out of tens of thousands — and once each, however many names they appear in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::blocking::{blocking_keys, close_keys};
use super::parts::{ComparisonIdentity, Part, PartStatistics, part_similarity_at_least};
use crate::align::MIN_JOINED_SIMILARITY;
use crate::parallel::map_in_chunks;

#[derive(Debug, Default)]
pub struct Vocabulary {
    parts: Vec<Part>,
    weights: Vec<f64>,
    ids: HashMap<ComparisonIdentity, u32>,
    /// (blocking key, part id), sorted: a flat table is a third the size of a map of lists.
    blocks: Vec<(u64, u32)>,
    /// Per part, the parts similar to it, as `similar` gives them: computed once at load,
    /// since most query parts (given names, common family names) are already on the list.
    neighbours: Vec<Similar>,
    /// Parts not on the list met in queries lately, with what `similar` found for them:
    /// names recur in intake (Jennifer, Smith), and finding a part's neighbours is most of
    /// the cost of a screening. Emptied when full; it belongs to one version of one list.
    recent: Mutex<HashMap<ComparisonIdentity, Similar>>,
    /// Likewise for two query parts written together (`joined_similar`), in that order.
    recent_joined: Mutex<HashMap<JoinedIdentity, Arc<[u32]>>>,
}

/// Two parts written together, in order, as `joined_similar` remembers them.
type JoinedIdentity = (ComparisonIdentity, ComparisonIdentity);

/// Parts similar to one part: (vocabulary id, similarity), sorted by id.
pub type Similar = Arc<[(u32, f64)]>;

/// Most query parts `recent` remembers.
const RECENT_PARTS: usize = 50_000;

impl Vocabulary {
    /// The id of `part`'s comparison form, added if new. Parts that compare alike (same key,
    /// same script kind) share an id even when their texts differ.
    pub fn intern(&mut self, part: &Part) -> u32 {
        let identity = part.comparison_identity();
        if let Some(&id) = self.ids.get(&identity) {
            return id;
        }
        let id = u32::try_from(self.parts.len()).unwrap_or(u32::MAX);
        // Lineage, patronymics and the name's order belong to a part's place in a name
        // (`PreparedName`), not to the part.
        let mut part = part.clone();
        part.lineage = false;
        part.patronymic = false;
        part.arabic_order = false;
        self.parts.push(part);
        self.ids.insert(identity, id);
        id
    }

    /// Weighs every part by `statistics`, files it under its blocking keys and finds its
    /// neighbours; call once every part is interned.
    pub fn finish(&mut self, statistics: &PartStatistics) {
        self.weights = self.parts.iter().map(|p| statistics.weight(p)).collect();
        self.blocks = self
            .parts
            .iter()
            .zip(0u32..)
            .flat_map(|(part, id)| blocking_keys(part).into_iter().map(move |k| (k, id)))
            .collect();
        self.blocks.sort_unstable();
        self.neighbours = self.all_neighbours();
    }

    /// `compute_similar` for every part, on every core.
    fn all_neighbours(&self) -> Vec<Similar> {
        map_in_chunks(&self.parts, |_, parts| {
            parts
                .iter()
                .map(|p| Similar::from(self.compute_similar(p, blocking_keys(p), 0.0)))
                .collect()
        })
    }

    pub fn part(&self, id: u32) -> &Part {
        &self.parts[id as usize]
    }

    pub fn weight(&self, id: u32) -> f64 {
        self.weights.get(id as usize).copied().unwrap_or(1.0)
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether a part that compares like `part` is on the list.
    pub fn contains(&self, part: &Part) -> bool {
        self.ids.contains_key(&part.comparison_identity())
    }

    /// The parts that pair with `query` (similarity above zero), by id, with their
    /// similarity; sorted by id.
    pub fn similar(&self, query: &Part) -> Similar {
        let identity = query.comparison_identity();
        // A part that compares like one of the list's has that part's neighbours.
        if let Some(found) = self
            .ids
            .get(&identity)
            .and_then(|&id| self.neighbours.get(id as usize))
        {
            return found.clone();
        }
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = recent.get(&identity) {
            return found.clone();
        }
        drop(recent);
        let found: Similar = self
            .compute_similar(query, blocking_keys(query), 0.0)
            .into();
        recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= RECENT_PARTS {
            recent.clear();
        }
        recent.insert(identity, found.clone());
        found
    }

    /// The ids of the parts that `first` and `second` written together (in that order) come
    /// close to (`MIN_JOINED_SIMILARITY`): Pol Pot for the list's Polpot. Every pair of a
    /// query's parts is looked up, so what was found is remembered like `similar`'s parts.
    pub fn joined_similar(&self, first: &Part, second: &Part) -> Arc<[u32]> {
        let identity = (first.comparison_identity(), second.comparison_identity());
        let recent = self
            .recent_joined
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = recent.get(&identity) {
            return found.clone();
        }
        drop(recent);
        let joined = Part::joined(first, second);
        let found: Arc<[u32]> = self
            .closely_similar(&joined, MIN_JOINED_SIMILARITY)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut recent = self
            .recent_joined
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= RECENT_PARTS {
            recent.clear();
        }
        recent.insert(identity, found.clone());
        found
    }

    /// The parts at least `min` similar to `query`, for a `min` high enough that they lie
    /// within one consonant edit of it (two parts written together, `MIN_JOINED_SIMILARITY`).
    pub fn closely_similar(&self, query: &Part, min: f64) -> Vec<(u32, f64)> {
        self.compute_similar(query, close_keys(query), min)
    }

    fn compute_similar(&self, query: &Part, keys: Vec<u64>, min: f64) -> Vec<(u32, f64)> {
        let mut ids: Vec<u32> = Vec::new();
        for key in keys {
            let start = self.blocks.partition_point(|&(k, _)| k < key);
            ids.extend(
                self.blocks[start..]
                    .iter()
                    .take_while(|&&(k, _)| k == key)
                    .map(|&(_, id)| id),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| {
                let similarity = part_similarity_at_least(query, self.part(id), min);
                (similarity > 0.0 && similarity >= min).then_some((id, similarity))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parts::{part_similarity, prepare};

    fn vocabulary(names: &[&str]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        let parts: Vec<Vec<Part>> = names.iter().map(|n| prepare(n)).collect();
        for part in parts.iter().flatten() {
            vocabulary.intern(part);
        }
        vocabulary.finish(&PartStatistics::from_entries(
            parts.iter().map(|p| p.iter()),
        ));
        vocabulary
    }

    #[test]
    fn similar_parts_come_with_their_computed_similarity() {
        let vocabulary = vocabulary(&["Muhammad Yusuf al-Tikriti", "Ivan Petrov"]);
        let query = prepare("Mohammed")[0].clone();
        let similar = vocabulary.similar(&query);
        assert_eq!(similar.len(), 1);
        let (id, similarity) = similar[0];
        assert_eq!(vocabulary.part(id).text, "muhammad");
        assert_eq!(similarity, part_similarity(&query, vocabulary.part(id)));
    }

    #[test]
    fn a_part_on_the_list_has_the_neighbours_a_new_part_would_get() {
        let vocabulary = vocabulary(&["Muhammad Yusuf", "Mohammed Yousef", "Mohamed Ali"]);
        for name in ["Muhammad", "Yousef", "Ali"] {
            let part = prepare(name).remove(0);
            assert_eq!(
                vocabulary.similar(&part).to_vec(),
                vocabulary.compute_similar(&part, blocking_keys(&part), 0.0),
                "{name}"
            );
        }
    }

    #[test]
    fn a_part_not_on_the_list_gets_the_same_neighbours_when_asked_again() {
        let vocabulary = vocabulary(&["Muhammad Yusuf", "Ivan Petrov"]);
        let part = prepare("Mukhammed").remove(0);
        let first = vocabulary.similar(&part);
        assert!(!first.is_empty());
        assert_eq!(vocabulary.similar(&part), first);
        assert_eq!(
            first.to_vec(),
            vocabulary.compute_similar(&part, blocking_keys(&part), 0.0)
        );
    }

    #[test]
    fn spellings_that_compare_alike_share_an_id() {
        let mut vocabulary = Vocabulary::default();
        let a = vocabulary.intern(&prepare("Shamsiddin")[0]);
        let b = vocabulary.intern(&prepare("Shamsidin")[0]);
        let c = vocabulary.intern(&prepare("Rahmon")[0]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(vocabulary.len(), 2);
    }
}
