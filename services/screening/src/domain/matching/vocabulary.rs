//! The distinct name parts of a list, so that a query part is compared with each distinct
//! part once per screening rather than once per name it appears in. Mohammed appears in
//! thousands of names; its similarity to the query's parts is computed once.

use std::collections::HashMap;

use super::parts::{ComparisonIdentity, Part, part_similarity};

#[derive(Debug, Default)]
pub struct Vocabulary {
    parts: Vec<Part>,
    ids: HashMap<ComparisonIdentity, u32>,
}

impl Vocabulary {
    /// The id of `part`'s comparison form, added if new. Parts that compare alike (same key,
    /// same script kind) share an id even when their texts differ.
    pub fn intern(&mut self, part: &Part) -> u32 {
        let identity = part.comparison_identity();
        if let Some(&id) = self.ids.get(&identity) {
            return id;
        }
        let id = u32::try_from(self.parts.len()).unwrap_or(u32::MAX);
        self.parts.push(part.clone());
        self.ids.insert(identity, id);
        id
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

/// The similarity of every query part to every vocabulary part.
#[derive(Debug)]
pub struct QuerySimilarities {
    table: Vec<f64>,
    width: usize,
}

impl QuerySimilarities {
    pub fn new(query: &[Part], vocabulary: &Vocabulary) -> Self {
        let width = vocabulary.len();
        let mut table = Vec::with_capacity(query.len() * width);
        for q in query {
            table.extend(vocabulary.parts.iter().map(|v| part_similarity(q, v)));
        }
        Self { table, width }
    }

    /// Similarity of query part `query_index` to vocabulary part `id`.
    pub fn get(&self, query_index: usize, id: u32) -> f64 {
        self.table[query_index * self.width + id as usize]
    }

    /// Whether any query part pairs with any of `ids`: a name without such a part cannot
    /// reach a useful score.
    pub fn any_pair(&self, ids: &[u32]) -> bool {
        self.table
            .chunks(self.width.max(1))
            .any(|row| ids.iter().any(|&id| row[id as usize] > 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::parts::prepare;

    #[test]
    fn looked_up_similarities_equal_computed_ones() {
        let mut vocabulary = Vocabulary::default();
        let entry = prepare("Muhammad Yusuf al-Tikriti J.");
        let ids: Vec<u32> = entry.iter().map(|p| vocabulary.intern(p)).collect();
        let query = prepare("Mohammed Yousef Tikriti John");
        let table = QuerySimilarities::new(&query, &vocabulary);
        for (i, q) in query.iter().enumerate() {
            for (j, e) in entry.iter().enumerate() {
                assert_eq!(table.get(i, ids[j]), part_similarity(q, e));
            }
        }
        assert!(table.any_pair(&ids));
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
