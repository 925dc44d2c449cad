//! Finding the names of a list worth scoring for one query name, without looking at the
//! others: each query part's similar parts come from the vocabulary's blocking index, their
//! postings give the names that contain them, and a name goes on to full alignment only if
//! the parts it shares with the query could lift it to the floor (`score_bound`).

mod quick_bound;

use std::sync::Arc;

use smallvec::{SmallVec, smallvec};

use crate::budget::Budget;
use crate::index::{IndexedList, PreparedName, has_bit};
use crate::record::NameKind;
use crate::{
    BoundSide, Joins, Part, Similar, lineage_agrees, name_score_with, part_similarity, score_bound,
};
use quick_bound::QuickBound;

/// A query name prepared against one list.
pub(crate) struct QueryName<'a> {
    pub parts: Vec<&'a Part>,
    /// Each part's weight on this list.
    pub weights: Vec<f64>,
    /// Per query part, the list's parts that pair with it: (vocabulary id, similarity),
    /// sorted by id.
    similar: Vec<Similar>,
    /// Pairs of query parts that written together spell a part of the list (as `align`
    /// joins them), with that part's vocabulary ids: such names lead through both parts.
    joined: Vec<(usize, usize, Arc<[u32]>)>,
    quick_bound: QuickBound,
}

/// Query parts beyond this many do not lead to candidates (a bit each in a mask); names
/// that long are rare and their other parts still do.
pub(super) const MAX_LEADING_PARTS: usize = 64;

impl<'a> QueryName<'a> {
    pub fn new(parts: &'a [Part], list: &IndexedList) -> Self {
        let similar: Vec<Similar> = parts.iter().map(|p| list.vocabulary.similar(p)).collect();
        let joined = joined_leads(parts, list);
        let weights = list.statistics.weights(parts);
        let quick_bound = QuickBound::new(parts, &weights);
        Self {
            parts: parts.iter().collect(),
            weights,
            similar,
            joined,
            quick_bound,
        }
    }

    /// The names of `list` that share a part with this query name and score at least
    /// `floor` (weak aliases discounted), as (index into `list.names`, score); as many as
    /// `budget` allows.
    pub fn scored_candidates(
        &self,
        list: &IndexedList,
        floor: f64,
        budget: &Budget,
    ) -> Vec<(u32, f64)> {
        let touched = self.touched(list, budget);
        let mut scored = Vec::new();
        for (index, leading) in leads(&touched) {
            let summary = list.summaries.get(index as usize).copied();
            let summary = summary.unwrap_or_default();
            let name = || list.names.get(index as usize);
            // Read only for the few names with initials.
            let letters = if summary.initials > 0 {
                name().map_or(u32::MAX, |name| list.initial_letters(name))
            } else {
                0
            };
            if self.quick_bound.bound(leading, summary, letters) < floor {
                continue;
            }
            let Some(name) = name() else {
                continue;
            };
            if !budget.take_alignment() {
                break;
            }
            let pairs = self.pairs(name, list, true);
            if pairs.bound(floor) < floor {
                continue;
            }
            let score = pairs.score();
            if score >= floor {
                scored.push((index, score));
            }
        }
        scored
    }

    /// The names this query name's parts lead to, one entry per (name, leading part):
    /// `name << 6 | part`, sorted. The postings of the rarest parts are read first, so
    /// that a budget too small for them all leaves out the commonest parts' (which say the
    /// least about a name).
    fn touched(&self, list: &IndexedList, budget: &Budget) -> Vec<u64> {
        let postings = |id: u32| list.postings.get(id as usize).map_or(&[][..], |p| &p[..]);
        // (postings, the query parts they lead through, vocabulary id)
        let mut sources: Vec<(usize, (usize, Option<usize>), u32)> = Vec::new();
        for (index, similar) in self.similar.iter().enumerate().take(MAX_LEADING_PARTS) {
            for &(id, _) in similar.iter() {
                sources.push((postings(id).len(), (index, None), id));
            }
        }
        for (first, second, ids) in &self.joined {
            for &id in ids.iter() {
                sources.push((postings(id).len(), (*first, Some(*second)), id));
            }
        }
        sources.sort_unstable_by_key(|&(len, _, id)| (len, id));
        let mut touched: Vec<u64> = Vec::new();
        for (len, (first, second), id) in sources {
            let count = len as u64 * if second.is_some() { 2 } else { 1 };
            if !budget.take_postings(count) {
                continue;
            }
            for &name in postings(id) {
                touched.push((u64::from(name) << 6) | first as u64);
                if let Some(second) = second {
                    touched.push((u64::from(name) << 6) | second as u64);
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// This name's score against `name`, every pair of parts compared: what the index is
    /// measured against.
    pub fn exhaustive_score(&self, name: &PreparedName, list: &IndexedList) -> f64 {
        self.pairs(name, list, false).score()
    }

    /// The similarity of every query part to every part of `name`: from the blocking index
    /// when `indexed` (pairs it did not find count as unrelated, except that parts left
    /// unpaired on both sides are compared outright, so that a pair blocking missed —
    /// Zhrani/Zahrani — does not turn into a contradiction), otherwise computed for all.
    fn pairs<'n>(&'n self, name: &PreparedName, list: &'n IndexedList, indexed: bool) -> Pairs<'n> {
        let entry_parts: SmallVec<[&Part; 8]> = name
            .part_ids
            .iter()
            .map(|&id| list.vocabulary.part(id))
            .collect();
        let entry_weights: SmallVec<[f64; 8]> = list.weights_of(name).collect();
        let width = entry_parts.len();
        let mut table: SmallVec<[f64; 32]> = smallvec![0.0; self.parts.len() * width];
        if indexed {
            for (index, similar) in self.similar.iter().enumerate() {
                for (position, id) in name.part_ids.iter().enumerate() {
                    if let Ok(found) = similar.binary_search_by_key(id, |&(i, _)| i) {
                        table[index * width + position] = similar[found].1;
                    }
                }
            }
        }
        let row_paired: SmallVec<[bool; 8]> = (0..self.parts.len())
            .map(|i| indexed && table[i * width..(i + 1) * width].iter().any(|&s| s > 0.0))
            .collect();
        let column_paired: SmallVec<[bool; 8]> = (0..width)
            .map(|j| indexed && (0..self.parts.len()).any(|i| table[i * width + j] > 0.0))
            .collect();
        for (index, query_part) in self.parts.iter().enumerate() {
            if row_paired[index] {
                continue;
            }
            for (position, entry_part) in entry_parts.iter().enumerate() {
                if !column_paired[position] {
                    table[index * width + position] = part_similarity(query_part, entry_part);
                }
            }
        }
        // Both names mark forebears: a person's own name pairs only with a person's own.
        if name.lineage != 0 && self.parts.iter().any(|p| p.lineage) {
            for (index, query_part) in self.parts.iter().enumerate() {
                for position in 0..width {
                    let forebear = has_bit(name.lineage, position);
                    let first = (index == 0, position == 0);
                    if !lineage_agrees((query_part.lineage, forebear), first, true) {
                        table[index * width + position] = 0.0;
                    }
                }
            }
        }
        Pairs {
            query: self,
            entry_parts,
            entry_weights,
            table,
            factor: kind_factor(name.kind),
        }
    }
}

/// One query name against one entry name, with their parts' similarities.
struct Pairs<'a> {
    query: &'a QueryName<'a>,
    entry_parts: SmallVec<[&'a Part; 8]>,
    entry_weights: SmallVec<[f64; 8]>,
    /// Query part `i` against entry part `j` at `i * entry_parts.len() + j`.
    table: SmallVec<[f64; 32]>,
    factor: f64,
}

impl Pairs<'_> {
    fn similarity(&self, i: usize, j: usize) -> f64 {
        self.table[i * self.entry_parts.len() + j]
    }

    /// An upper bound on `score` when that is below `floor`; otherwise a figure at or
    /// above `floor` (which is all the caller asks).
    fn bound(&self, floor: f64) -> f64 {
        let width = self.entry_parts.len();
        let query_best: SmallVec<[f64; 8]> = (0..self.query.parts.len())
            .map(|i| {
                (0..width)
                    .map(|j| self.similarity(i, j))
                    .fold(0.0, f64::max)
            })
            .collect();
        let entry_best: SmallVec<[f64; 8]> = (0..width)
            .map(|j| {
                (0..self.query.parts.len())
                    .map(|i| self.similarity(i, j))
                    .fold(0.0, f64::max)
            })
            .collect();
        let query = BoundSide {
            parts: &self.query.parts,
            weights: &self.query.weights,
            best: &query_best,
        };
        let entry = BoundSide {
            parts: &self.entry_parts,
            weights: &self.entry_weights,
            best: &entry_best,
        };
        // Cheapest first; each figure decides only on its side of the floor (without
        // joins the bound is lowest, by length alone highest), and every path decides as
        // the compared bound would.
        let without_joins = score_bound(&query, &entry, Joins::Ignored) * self.factor;
        if without_joins >= floor {
            return without_joins;
        }
        let loose = score_bound(&query, &entry, Joins::ByLength) * self.factor;
        if loose < floor {
            return loose;
        }
        score_bound(&query, &entry, Joins::Compared) * self.factor
    }

    fn score(&self) -> f64 {
        let score = name_score_with(
            &self.query.parts,
            &self.query.weights,
            &self.entry_parts,
            &self.entry_weights,
            |i, j| self.similarity(i, j),
        );
        score * self.factor
    }
}

/// For each pair of full query parts (in either order) that written together come close to
/// parts of the list, those parts' ids. Only pairs whose parts are both leftovers in `align`
/// are joined there, but which those are depends on the name, so every pair is looked up.
fn joined_leads(parts: &[Part], list: &IndexedList) -> Vec<(usize, usize, Arc<[u32]>)> {
    let mut leads = Vec::new();
    let full = |i: usize| i < MAX_LEADING_PARTS && !parts[i].is_initial();
    for first in (0..parts.len()).filter(|&i| full(i)) {
        for second in (0..parts.len()).filter(|&j| j != first && full(j)) {
            let ids = list
                .vocabulary
                .joined_similar(&parts[first], &parts[second]);
            if !ids.is_empty() {
                leads.push((first, second, ids));
            }
        }
    }
    leads
}

/// A weak alias ("low quality" on the UN list) is weaker evidence than a primary name.
const WEAK_ALIAS_FACTOR: f64 = 0.95;

pub(crate) fn kind_factor(kind: NameKind) -> f64 {
    if kind == NameKind::WeakAlias {
        WEAK_ALIAS_FACTOR
    } else {
        1.0
    }
}

/// Each name of `touched` (`QueryName::touched`) with a bit set per query part that leads
/// there.
fn leads(touched: &[u64]) -> impl Iterator<Item = (u32, u64)> + '_ {
    touched.chunk_by(|a, b| a >> 6 == b >> 6).map(|run| {
        let leading = run.iter().fold(0, |mask, packed| mask | 1 << (packed & 63));
        ((run[0] >> 6) as u32, leading)
    })
}
