//! A run's history: each step's numbers as the worker reports them ([`StepReport`]), and the
//! values of every step so far, thinned to a bounded number of points ([`History`]), which the
//! page charts and a saved run keeps. Plain data, tested natively; the charts' geometry is the
//! page's (`ui::chart_geometry`).

use model::StepValues;
use serde::{Deserialize, Serialize};

/// One training step's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Generator updates so far.
    pub step: u64,
    /// Passes over the data so far.
    pub epoch: usize,
    /// Losses and mean D outputs.
    pub values: StepValues,
    /// Wall time of the step, including the read-back.
    pub ms: f64,
}

/// The values of every step so far, thinned to a bounded number of points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    points: Vec<(u64, StepValues)>,
}

/// Points kept; when full, every other point is dropped so old history stays visible.
const MAX_POINTS: usize = 1000;

impl History {
    /// Appends a step's values.
    pub fn push(&mut self, step: u64, values: StepValues) {
        self.points.push((step, values));
        if self.points.len() > MAX_POINTS {
            let mut keep = false;
            self.points.retain(|_| {
                keep = !keep;
                keep
            });
        }
    }

    /// Forgets everything (a new model).
    pub fn clear(&mut self) {
        self.points.clear();
    }

    /// Forgets the steps after `step` (the run continues from there on another device).
    pub fn keep_up_to(&mut self, step: u64) {
        self.points.retain(|(s, _)| *s <= step);
    }

    /// Number of points kept.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True with no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Every point kept: (step, values), oldest first.
    pub fn points(&self) -> &[(u64, StepValues)] {
        &self.points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_moved_back_to_a_snapshot_keeps_its_history_up_to_it() {
        let mut h = History::default();
        for step in 1..=10 {
            h.push(step, StepValues::default());
        }
        h.keep_up_to(7);
        assert_eq!(h.len(), 7);
        h.push(8, StepValues::default());
        assert_eq!(h.len(), 8);
    }

    #[test]
    fn history_stays_bounded() {
        let mut h = History::default();
        for i in 0..5000 {
            h.push(i, StepValues::default());
        }
        assert!(h.len() <= MAX_POINTS);
        assert_eq!(h.points().first().unwrap().0, 0, "the start is kept");
    }
}
