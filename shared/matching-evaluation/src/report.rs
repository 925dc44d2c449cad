//! The figures of one evaluation run, how they print, and the floors CI holds them to.

use std::fmt;

use super::generated::GeneratedFigures;

/// A share with its counts, so that a figure never hides how few cases it rests on.
#[derive(Debug, Clone, Default)]
pub struct Ratio {
    pub hits: usize,
    pub total: usize,
    /// One line per case on the wrong side (a miss for recall, a match for innocents).
    pub failures: Vec<String>,
    failures_are_hits: bool,
}

impl Ratio {
    pub(super) fn counting_hits_as_failures() -> Self {
        Self {
            failures_are_hits: true,
            ..Self::default()
        }
    }

    pub fn value(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.hits as f64 / self.total as f64
        }
    }

    pub(super) fn count(&mut self, hit: bool, describe: impl FnOnce() -> String) {
        self.total += 1;
        if hit {
            self.hits += 1;
        }
        if hit == self.failures_are_hits {
            self.failures.push(describe());
        }
    }
}

/// Confusion counts of pair decisions.
#[derive(Debug, Clone, Default)]
pub struct PairCounts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
    pub failures: Vec<String>,
}

impl PairCounts {
    pub(super) fn count(&mut self, label: bool, decision: bool, describe: impl FnOnce() -> String) {
        match (label, decision) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => self.true_negatives += 1,
        }
        if label != decision {
            self.failures.push(describe());
        }
    }

    pub fn total(&self) -> usize {
        self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
    }

    pub fn f1(&self) -> f64 {
        let denominator = 2 * self.true_positives + self.false_positives + self.false_negatives;
        if denominator == 0 {
            0.0
        } else {
            2.0 * self.true_positives as f64 / denominator as f64
        }
    }

    pub fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 {
            0.0
        } else {
            self.true_positives as f64 / predicted as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let actual = self.true_positives + self.false_negatives;
        if actual == 0 {
            0.0
        } else {
            self.true_positives as f64 / actual as f64
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    /// UN individuals, by their original-script name, against the list without those names.
    pub cross_script: Ratio,
    /// The same for UN entities (organisations), reported apart: their original-script names
    /// are translations, not transliterations, of the Latin ones.
    pub cross_script_entities: Ratio,
    pub perturbed: Ratio,
    /// Perturbed rows whose `listed_name` names no entry of this UN list (delisted since the
    /// set was made); left out of `perturbed`.
    pub perturbed_unresolved: usize,
    pub innocents: Ratio,
    pub congress: Ratio,
    pub pairs: PairCounts,
    pub reference_pairs: PairCounts,
    /// Of the hits an exhaustive search (every name scored) finds on the sets above, those
    /// the service's indexed search finds too, with the same score.
    pub index_recall: Ratio,
    /// The sets generated in `devsets/`, when they were measured.
    pub generated: GeneratedFigures,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            cross_script: Ratio::default(),
            cross_script_entities: Ratio::default(),
            perturbed: Ratio::default(),
            perturbed_unresolved: 0,
            innocents: Ratio::counting_hits_as_failures(),
            congress: Ratio::counting_hits_as_failures(),
            pairs: PairCounts::default(),
            reference_pairs: PairCounts::default(),
            index_recall: Ratio::default(),
            generated: GeneratedFigures::default(),
        }
    }
}

impl Report {
    pub(super) fn forget_failures(&mut self) {
        for ratio in [
            &mut self.cross_script,
            &mut self.cross_script_entities,
            &mut self.perturbed,
            &mut self.innocents,
            &mut self.congress,
            &mut self.index_recall,
        ] {
            ratio.failures.clear();
        }
        for ratio in self.generated.ratios_mut() {
            ratio.failures.clear();
        }
        self.pairs.failures.clear();
        self.reference_pairs.failures.clear();
    }

    /// Every failing case, by figure, for reading what went wrong.
    pub fn failures(&self) -> Vec<(&'static str, &str)> {
        let mut all = Vec::new();
        for (figure, lines) in [
            ("cross-script miss", &self.cross_script.failures),
            (
                "cross-script entity miss",
                &self.cross_script_entities.failures,
            ),
            ("perturbed miss", &self.perturbed.failures),
            ("innocent hit", &self.innocents.failures),
            ("congress hit", &self.congress.failures),
            ("pair wrong", &self.pairs.failures),
            ("index miss", &self.index_recall.failures),
        ] {
            all.extend(lines.iter().map(|l| (figure, l.as_str())));
        }
        all.extend(self.generated.failures());
        all
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ratio = |r: &Ratio| format!("{:.4} ({} of {})", r.value(), r.hits, r.total);
        let pairs = |p: &PairCounts| {
            format!(
                "{:.4} (precision {:.3}, recall {:.3}; TP {} FP {} FN {} TN {} of {})",
                p.f1(),
                p.precision(),
                p.recall(),
                p.true_positives,
                p.false_positives,
                p.false_negatives,
                p.true_negatives,
                p.total()
            )
        };
        writeln!(
            f,
            "cross-script recall (persons)     {}",
            ratio(&self.cross_script)
        )?;
        writeln!(
            f,
            "  entities, for information        {}",
            ratio(&self.cross_script_entities)
        )?;
        writeln!(
            f,
            "perturbed recall                  {}",
            ratio(&self.perturbed)
        )?;
        if self.perturbed_unresolved > 0 {
            writeln!(
                f,
                "  rows naming no UN entry, left out {}",
                self.perturbed_unresolved
            )?;
        }
        writeln!(
            f,
            "innocents false-positive rate     {}",
            ratio(&self.innocents)
        )?;
        writeln!(
            f,
            "US Congress false-positive rate   {}",
            ratio(&self.congress)
        )?;
        writeln!(
            f,
            "name-pair F1 (persons, name ≥ {:.2}) {}",
            super::PAIR_THRESHOLD,
            pairs(&self.pairs)
        )?;
        writeln!(
            f,
            "  logic-v2 at {:.2}, for reference   {}",
            super::REFERENCE_PAIR_THRESHOLD,
            pairs(&self.reference_pairs)
        )?;
        writeln!(
            f,
            "index recall (of exhaustive hits)  {}",
            ratio(&self.index_recall)
        )?;
        write!(f, "{}", self.generated)
    }
}

/// Floors under the figures; `None` leaves a figure unchecked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Floors {
    pub min_cross_script: Option<f64>,
    pub min_perturbed: Option<f64>,
    /// Applies to the innocents and to the US Congress names, each.
    pub max_innocent_fpr: Option<f64>,
    pub min_pair_f1: Option<f64>,
    pub min_index_recall: Option<f64>,
    /// On the generated sets, tune and aside parts together.
    pub min_romanisation: Option<f64>,
    pub max_near_miss: Option<f64>,
    pub min_evasion: Option<f64>,
}

impl Floors {
    /// One line per figure on the wrong side of its floor; empty when all hold.
    pub fn violations(&self, report: &Report) -> Vec<String> {
        let mut violations = Vec::new();
        let mut at_least = |figure: &str, value: f64, floor: Option<f64>| {
            if let Some(floor) = floor
                && value < floor
            {
                violations.push(format!("{figure} {value:.4} is below its floor {floor:.4}"));
            }
        };
        at_least(
            "cross-script recall",
            report.cross_script.value(),
            self.min_cross_script,
        );
        at_least(
            "perturbed recall",
            report.perturbed.value(),
            self.min_perturbed,
        );
        at_least("name-pair F1", report.pairs.f1(), self.min_pair_f1);
        at_least(
            "index recall",
            report.index_recall.value(),
            self.min_index_recall,
        );
        let generated = &report.generated;
        at_least(
            "romanisation recall",
            GeneratedFigures::overall(&generated.romanisation).value(),
            self.min_romanisation,
        );
        at_least(
            "evasion recall",
            GeneratedFigures::overall(&generated.evasion).value(),
            self.min_evasion,
        );
        let near_miss = GeneratedFigures::overall(&generated.near_miss);
        for (figure, ratio, ceiling) in [
            (
                "innocents false-positive rate",
                &report.innocents,
                self.max_innocent_fpr,
            ),
            (
                "US Congress false-positive rate",
                &report.congress,
                self.max_innocent_fpr,
            ),
            ("near-miss match rate", &near_miss, self.max_near_miss),
        ] {
            if let Some(ceiling) = ceiling
                && ratio.value() > ceiling
            {
                violations.push(format!(
                    "{figure} {:.4} is above its ceiling {ceiling:.4}",
                    ratio.value()
                ));
            }
        }
        violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_combines_precision_and_recall() {
        let counts = PairCounts {
            true_positives: 8,
            false_positives: 2,
            false_negatives: 2,
            true_negatives: 5,
            failures: Vec::new(),
        };
        assert!((counts.f1() - 0.8).abs() < 1e-12);
    }

    #[test]
    fn a_figure_below_its_floor_is_named() {
        let mut report = Report::default();
        report.perturbed.count(true, String::new);
        report.perturbed.count(false, String::new);
        report.innocents.count(true, String::new);
        let floors = Floors {
            min_perturbed: Some(0.9),
            max_innocent_fpr: Some(0.005),
            ..Floors::default()
        };
        let violations = floors.violations(&report);
        assert_eq!(violations.len(), 2, "{violations:?}");
        assert!(violations[0].starts_with("perturbed recall"));
        assert!(violations[1].starts_with("innocents false-positive rate"));
    }

    #[test]
    fn an_innocent_that_matches_is_the_failure_kept() {
        let mut report = Report::default();
        report.innocents.count(true, || "flagged".to_owned());
        report.innocents.count(false, || "clear".to_owned());
        assert_eq!(report.innocents.failures, ["flagged"]);
    }
}
