//! A list indexed for screening: every name tokenised into parts once, the parts' weights on
//! the list, and the postings and summaries that find the names worth scoring for a query
//! (`candidates`). An index is built completely before anything can query it, so a
//! query sees either the old version of a list or the new one, never a mix.

pub(crate) mod candidates;

use crate::parallel::map_in_chunks;
use crate::record::{NameKind, WatchlistEntry};
use crate::{Part, PartStatistics, Vocabulary, patronymic_weight, readings};

/// One version of one list, ready to screen against.
#[derive(Debug)]
pub struct IndexedList {
    pub name: String,
    /// Content hash of the files the list was read from.
    pub version: String,
    pub entries: Vec<WatchlistEntry>,
    pub(crate) names: Vec<PreparedName>,
    /// How common each name part is on this list, which sets how much it weighs.
    pub(crate) statistics: PartStatistics,
    /// The distinct parts of the list's names, with their weights and blocking keys.
    pub(crate) vocabulary: Vocabulary,
    /// Per vocabulary id, the names (indices into `names`) that have that part.
    pub(crate) postings: Vec<Box<[u32]>>,
    /// Per name, what a quick bound needs to know of it without reading it.
    pub(crate) summaries: Vec<NameSummary>,
}

/// How many full parts (not initials) a name has, and how many initials: two bytes, so that
/// a million names' summaries stay in cache.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NameSummary {
    pub full_parts: u8,
    pub initials: u8,
}

/// A name's bit in a mask of initials' letters (`IndexedList::initial_letters`) for an
/// initial that could stand for `part`: a bit per letter a–z, one more for anything else.
pub(crate) fn initial_letter(part: &Part) -> u32 {
    match part.text.bytes().next() {
        Some(first) if first.is_ascii_lowercase() => 1 << (first - b'a'),
        Some(_) => 1 << 31,
        None => 0,
    }
}

/// An entry name as the vocabulary ids of its parts, tokenised once at load time.
#[derive(Debug)]
pub(crate) struct PreparedName {
    pub entry: u32,
    pub name: u32,
    pub kind: NameKind,
    pub part_ids: Box<[u32]>,
    /// Bit `j` set when part `j` names a forebear (`Part::lineage`); the vocabulary's parts
    /// do not carry it, since one part can be a person's name here and a father's there.
    pub lineage: u32,
    /// Bit `j` set when part `j` is a patronymic (`Part::patronymic`), for the same reason.
    pub patronymic: u32,
    /// The name is in the Arabic order (`Part::arabic_order`).
    pub arabic_order: bool,
}

impl IndexedList {
    /// Prepares every name of `entries` and indexes them; the list is complete before any
    /// query can see it.
    pub fn new(name: String, version: String, entries: Vec<WatchlistEntry>) -> Self {
        let prepared = prepare_names(&entries);
        // Names are in entry order, so each entry's names are one run.
        let statistics = PartStatistics::from_entries(
            prepared
                .chunk_by(|a, b| a.0 == b.0)
                .map(|run| run.iter().flat_map(|n| n.3.iter())),
        );
        let mut vocabulary = Vocabulary::default();
        let names: Vec<PreparedName> = prepared
            .into_iter()
            .map(|(entry, name, kind, parts)| PreparedName {
                entry,
                name,
                kind,
                part_ids: parts.iter().map(|p| vocabulary.intern(p)).collect(),
                lineage: mask_of(&parts, |p| p.lineage),
                patronymic: mask_of(&parts, |p| p.patronymic),
                arabic_order: parts.iter().any(|p| p.arabic_order),
            })
            .collect();
        vocabulary.finish(&statistics);
        let postings = postings(&names, vocabulary.len());
        let summaries = names
            .iter()
            .map(|n| {
                let initials = n
                    .part_ids
                    .iter()
                    .filter(|&&id| vocabulary.part(id).is_initial())
                    .count();
                NameSummary {
                    full_parts: u8::try_from(n.part_ids.len() - initials).unwrap_or(u8::MAX),
                    initials: u8::try_from(initials).unwrap_or(u8::MAX),
                }
            })
            .collect();
        Self {
            name,
            version,
            entries,
            names,
            statistics,
            vocabulary,
            postings,
            summaries,
        }
    }

    /// `parts` with each part that is not on the list but is two of its parts written
    /// together cut in two ("Ramimakhlouf" against a list with Rami and Makhluf); `None`
    /// when no part is. Screening reads such a name both ways: a list index finds names
    /// through their parts, and a part written joined shares no key with its pieces.
    pub(crate) fn split_joined(&self, parts: &[Part]) -> Option<Vec<Part>> {
        const LONGEST: usize = 40;
        // Two short pieces are as likely two syllables of one name (Han, Korean: Meiyun,
        // Jongun) as two names: one of them must be a name of some length.
        const SHORTEST: usize = 8;
        const LONGER_PIECE: usize = 5;
        const MIN_PIECE: usize = 3;
        let mut any = false;
        let mut out = Vec::with_capacity(parts.len() + 1);
        for part in parts {
            let length = part.text.len();
            let pieces = ((SHORTEST..=LONGEST).contains(&length)
                && !part.is_initial()
                && !self.vocabulary.contains(part))
            .then(|| {
                (MIN_PIECE..=length - MIN_PIECE)
                    .filter(|&at| at.max(length - at) >= LONGER_PIECE)
                    .find_map(|at| {
                        let left = part.piece(0..at).filter(|p| self.vocabulary.contains(p))?;
                        let right = part
                            .piece(at..length)
                            .filter(|p| self.vocabulary.contains(p))?;
                        Some((left, right))
                    })
            })
            .flatten();
            match pieces {
                Some((a, b)) => {
                    out.push(a);
                    out.push(b);
                    any = true;
                }
                None => out.push(part.clone()),
            }
        }
        any.then_some(out)
    }

    /// `parts` with each run of three adjacent parts that written together are a part of
    /// the list joined ("Plat Ono Vich" against Platonovich); `None` when there is none.
    /// Two parts written apart need no such reading: the index looks up their joined form
    /// and comparison joins them by itself.
    pub(crate) fn join_split(&self, parts: &[Part]) -> Option<Vec<Part>> {
        let mut any = false;
        let mut out = Vec::with_capacity(parts.len());
        let mut at = 0;
        while at < parts.len() {
            const RUN: usize = 3;
            let joined = parts
                .get(at..at + RUN)
                .filter(|pieces| !pieces.iter().any(Part::is_initial))
                .map(|pieces| Part::joined(&Part::joined(&pieces[0], &pieces[1]), &pieces[2]))
                .filter(|whole| self.vocabulary.contains(whole))
                .map(|whole| (whole, RUN));
            match joined {
                Some((whole, run)) => {
                    out.push(whole);
                    at += run;
                    any = true;
                }
                None => {
                    out.push(parts[at].clone());
                    at += 1;
                }
            }
        }
        any.then_some(out)
    }

    /// The letters of a name's initials, a bit each (`initial_letter`).
    pub(crate) fn initial_letters(&self, name: &PreparedName) -> u32 {
        name.part_ids
            .iter()
            .map(|&id| self.vocabulary.part(id))
            .filter(|part| part.is_initial())
            .fold(0, |mask, part| mask | initial_letter(part))
    }

    /// The weights of a prepared name's parts on this list.
    pub(crate) fn weights_of<'a>(
        &'a self,
        name: &'a PreparedName,
    ) -> impl Iterator<Item = f64> + 'a {
        name.part_ids.iter().enumerate().map(|(j, &id)| {
            let weight = self.vocabulary.weight(id);
            if has_bit(name.patronymic, j) {
                patronymic_weight(weight)
            } else {
                weight
            }
        })
    }

    /// The parts of a prepared name as they stand in it, lineage marked.
    pub(crate) fn owned_parts_of(&self, name: &PreparedName) -> Vec<Part> {
        name.part_ids
            .iter()
            .enumerate()
            .map(|(j, &id)| {
                let mut part = self.vocabulary.part(id).clone();
                part.lineage = has_bit(name.lineage, j);
                part.patronymic = has_bit(name.patronymic, j);
                part.arabic_order = name.arabic_order;
                part
            })
            .collect()
    }

    /// Per entry, the parts of all its names: what part frequencies are counted over.
    pub fn entry_parts(&self) -> impl Iterator<Item = impl Iterator<Item = &Part>> {
        self.names.chunk_by(|a, b| a.entry == b.entry).map(|run| {
            run.iter()
                .flat_map(|n| n.part_ids.iter().map(|&id| self.vocabulary.part(id)))
        })
    }
}

type NameParts = (u32, u32, NameKind, Vec<Part>);

/// Bit `j` set for each of the first 32 parts that `flag` holds for.
fn mask_of(parts: &[Part], flag: impl Fn(&Part) -> bool) -> u32 {
    parts
        .iter()
        .take(32)
        .enumerate()
        .filter(|(_, p)| flag(p))
        .fold(0, |mask, (j, _)| mask | 1 << j)
}

/// Whether `mask` (from `mask_of`) has part `j`'s bit set.
pub(crate) fn has_bit(mask: u32, j: usize) -> bool {
    j < 32 && mask & (1 << j) != 0
}

/// Tokenises every name of `entries` (the costly step of loading a list) on every core,
/// keeping entry order.
fn prepare_names(entries: &[WatchlistEntry]) -> Vec<NameParts> {
    let prepare_range = |offset: usize, chunk: &[WatchlistEntry]| -> Vec<NameParts> {
        let mut out = Vec::new();
        for (index, entry) in chunk.iter().enumerate() {
            let entry_index = u32::try_from(offset + index).unwrap_or(u32::MAX);
            for (name_index, name) in entry.names.iter().enumerate() {
                let name_index = u32::try_from(name_index).unwrap_or(u32::MAX);
                for parts in readings(&name.full_name) {
                    out.push((entry_index, name_index, name.kind, parts));
                }
            }
        }
        out
    };
    map_in_chunks(entries, prepare_range)
}

fn postings(names: &[PreparedName], vocabulary_size: usize) -> Vec<Box<[u32]>> {
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocabulary_size];
    for (index, name) in names.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for &id in name.part_ids.iter() {
            let list = &mut postings[id as usize];
            // A name repeating a part ("Ali Ali") is listed once.
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    postings.into_iter().map(Vec::into_boxed_slice).collect()
}

/// Lets `screen` take a map of lists of the caller's own type, which holds the index along
/// with whatever else the caller keeps of a list; an index on its own is one too.
impl AsRef<IndexedList> for IndexedList {
    fn as_ref(&self) -> &IndexedList {
        self
    }
}
