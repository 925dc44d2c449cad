//! A bound on a query name's score against a list name, from which query parts lead to the
//! name and a summary of it (`NameSummary`) alone: cheap enough for every name a query part
//! leads to, so that only names that could reach the floor are read and aligned.

use super::MAX_LEADING_PARTS;
use crate::index::{NameSummary, initial_letter};
use crate::{CONTRADICTION_FACTOR, INITIAL_WEIGHT, LIGHTEST_PART, MISSING_FACTOR, Part};

/// A query name's parts as the bound sees them, heaviest first.
pub(super) struct QuickBound {
    parts: Vec<BoundPart>,
}

struct BoundPart {
    weight: f64,
    /// The part's bit in a mask of leading parts; 0 if it cannot lead.
    leads_bit: u64,
    /// May pair with any part (initials, parts too short for blocking to vouch for, parts
    /// beyond the mask): counted as paired perfectly, at the most a partner can weigh.
    always_paired: bool,
    /// `initial_letter` of the part.
    letter: u32,
}

impl QuickBound {
    /// `weights`: each part's weight on the list.
    pub fn new(parts: &[Part], weights: &[f64]) -> Self {
        let mut parts: Vec<BoundPart> = parts
            .iter()
            .enumerate()
            .map(|(index, part)| {
                let beyond = index >= MAX_LEADING_PARTS;
                BoundPart {
                    weight: weights[index],
                    leads_bit: if beyond || part.is_initial() {
                        0
                    } else {
                        1 << index
                    },
                    always_paired: beyond || part.is_initial() || part.is_short(),
                    letter: initial_letter(part),
                }
            })
            .collect();
        parts.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        Self { parts }
    }

    /// At least the score against a name, knowing only which query parts (`leading`, a bit
    /// each) lead to it, the name's summary and its initials' letters: each such part pairs
    /// perfectly with a part weighing the most, the name's initials stand for the heaviest
    /// parts they could, and the name's remaining full parts weigh the least a part can. Names reached through
    /// one common part among several fall below the floor here, before they are read.
    ///
    /// The lightest-weight assumption also lets through most names whose other parts pair
    /// only when compared outright (blocking missed them): a tighter bound from the name's
    /// real weights was tried and dropped hits on the generated 1,000,000-name list.
    pub fn bound(&self, leading: u64, name: NameSummary, initial_letters: u32) -> f64 {
        let mut paired = 0.0;
        let mut paired_count = 0usize;
        let mut initials = name.initials;
        // Which of `parts` are left over, and how many.
        let (mut left, mut left_count) = (0u64, 0usize);
        for (rank, part) in self.parts.iter().enumerate() {
            if leading & part.leads_bit != 0 {
                paired += (part.weight + 1.0) / 2.0;
                paired_count += 1;
            } else if part.always_paired {
                // Its partner, if any, is left counted as a leftover of the lightest weight.
                paired += (part.weight + 1.0) / 2.0;
            } else if initials > 0 && initial_letters & part.letter != 0 {
                // One of the name's initials may stand for it (J. for John): heaviest first.
                initials -= 1;
                paired += (part.weight + INITIAL_WEIGHT) / 2.0;
            } else if rank < 64 {
                left |= 1 << rank;
                left_count += 1;
            }
        }
        if paired <= 0.0 {
            return 0.0;
        }
        let entry_left = usize::from(name.full_parts).saturating_sub(paired_count);
        let contradicting = left_count.min(entry_left);
        let mut penalty = (entry_left - contradicting) as f64 * LIGHTEST_PART * MISSING_FACTOR;
        let mut left_rank = 0;
        for (rank, part) in self.parts.iter().enumerate().take(64) {
            if left & (1 << rank) != 0 {
                penalty += if left_rank < contradicting {
                    (part.weight + LIGHTEST_PART) / 2.0 * CONTRADICTION_FACTOR
                } else {
                    part.weight * MISSING_FACTOR
                };
                left_rank += 1;
            }
        }
        paired / (paired + penalty)
    }
}

#[cfg(test)]
mod tests {
    use super::super::QueryName;
    use crate::index::IndexedList;
    use crate::prepare;
    use crate::record::{EntryType, WatchlistEntry};

    fn list(names: &[&str]) -> IndexedList {
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, name)| WatchlistEntry::named(&i.to_string(), EntryType::Person, &[name]))
            .collect();
        IndexedList::new("test".into(), "v1".into(), entries)
    }

    #[test]
    fn the_quick_bound_is_never_below_the_score_of_a_name_it_leads_to() {
        // Common and rare parts, initials, joins and names of different lengths, so that
        // the names' leftover weights vary.
        let list = list(&[
            "Ahmed Khan",
            "Ahmed Ali Khan",
            "Ahmed Rashid Nurmagomedov",
            "Ahmad Zarqawi Bakr al-Tal",
            "Mohammed Ahmed",
            "Mohammed Ali",
            "Muhammad Khan",
            "Abdul Rahman Khalil",
            "Abdulrahman Yusuf",
            "J. Smith",
            "John Peter Smith",
            "Ivan Petrovich Sidorov",
            "Ivan Sidorov",
        ]);
        let queries = [
            "Ahmed Nurmagomedov",
            "Ahmed Khan",
            "Mohamed Ali Khan",
            "Abdulrahman Khalil",
            "Abdul Rahman Yusuf",
            "John Smith",
            "J. P. Smith",
            "Ivan Sidorov",
            "Ivan Petrovich Sidorov Junior",
        ];
        for query in queries {
            let parts = prepare(query);
            let name = QueryName::new(&parts, &list);
            for (index, leading) in
                super::super::leads(&name.touched(&list, &crate::budget::Budget::standard()))
            {
                let summary = list.summaries[index as usize];
                let prepared = &list.names[index as usize];
                let letters = list.initial_letters(prepared);
                let bound = name.quick_bound.bound(leading, summary, letters);
                let score = name.exhaustive_score(prepared, &list);
                assert!(
                    bound >= score - 1e-9,
                    "{query} / name {index}: quick bound {bound} < score {score}"
                );
            }
        }
    }

    #[test]
    fn a_name_sharing_only_a_common_part_is_bounded_below_one_with_a_second_match() {
        let list = list(&[
            "Ahmed Khan",
            "Ahmed Ali",
            "Ahmed Rashid",
            "Ahmed Nurmagomedov",
            "Ahmed Zarqawi",
        ]);
        let parts = prepare("Ahmed Nurmagomedov");
        let name = QueryName::new(&parts, &list);
        let touched = name.touched(&list, &crate::budget::Budget::standard());
        let bounds: Vec<(u32, f64)> = super::super::leads(&touched)
            .map(|(index, leading)| {
                let summary = list.summaries[index as usize];
                (index, name.quick_bound.bound(leading, summary, 0))
            })
            .collect();
        let (full, others): (Vec<_>, Vec<_>) = bounds.into_iter().partition(|&(i, _)| i == 3);
        assert!(full[0].1 > 0.99, "{full:?}");
        for (index, bound) in others {
            assert!(bound < 0.6, "name {index}: {bound}");
        }
    }
}
