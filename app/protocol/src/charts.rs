//! Training history and its drawing as SVG polylines (plain data, tested natively).

use model::StepValues;

/// Which value a chart line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Discriminator loss.
    DLoss,
    /// Generator loss.
    GLoss,
    /// Mean D(x).
    DReal,
    /// Mean D(G(z)).
    DFake,
    /// L2 norm of D's gradient in its last update.
    DGradNorm,
    /// L2 norm of G's gradient.
    GGradNorm,
}

impl Series {
    fn pick(self, v: &StepValues) -> Option<f32> {
        match self {
            Series::DLoss => v.d_loss,
            Series::GLoss => v.g_loss,
            Series::DReal => v.d_real,
            Series::DFake => v.d_fake,
            Series::DGradNorm => v.d_grad_norm,
            Series::GGradNorm => v.g_grad_norm,
        }
    }
}

/// The values of every step so far, thinned to a bounded number of points.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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

    /// The (min, max) of the given series, widened if flat; `None` without values.
    pub fn range(&self, series: &[Series]) -> Option<(f32, f32)> {
        let values = self
            .points
            .iter()
            .flat_map(|(_, v)| series.iter().filter_map(|s| s.pick(v)))
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if lo > hi {
            return None;
        }
        Some(if hi - lo < 1e-6 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        })
    }

    /// SVG `points` of one series scaled into `width × height` over `range` (y grows down).
    pub fn polyline(&self, series: Series, range: (f32, f32), width: f32, height: f32) -> String {
        let first = self.points.first().map_or(0, |p| p.0) as f32;
        let last = self.points.last().map_or(1, |p| p.0) as f32;
        let span = (last - first).max(1.0);
        let (lo, hi) = range;
        self.points
            .iter()
            .filter_map(|(step, v)| {
                let y = series.pick(v).filter(|y| y.is_finite())?;
                let px = (*step as f32 - first) / span * width;
                let py = height - (y - lo) / (hi - lo) * height;
                Some(format!("{px:.1},{py:.1}"))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl History {
    /// The chart as a sentence, for screen readers: each series' latest value, where it started
    /// and its lowest and highest, e.g. "At step 120: D 0.693 (from 1.386 at step 1, lowest
    /// 0.512, highest 1.386)." `None` before the first step.
    pub fn describe(&self, series: &[(Series, &str)]) -> Option<String> {
        let (last_step, _) = self.points.last()?;
        let parts: Vec<String> = series
            .iter()
            .filter_map(|&(s, label)| {
                let finite: Vec<(u64, f32)> = self
                    .points
                    .iter()
                    .filter_map(|(step, v)| s.pick(v).filter(|y| y.is_finite()).map(|y| (*step, y)))
                    .collect();
                let &(first_step, first) = finite.first()?;
                let &(_, last) = finite.last()?;
                let lo = finite.iter().map(|p| p.1).fold(f32::INFINITY, f32::min);
                let hi = finite.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max);
                Some(format!(
                    "{label} {last:.3} (from {first:.3} at step {first_step}, lowest {lo:.3}, highest {hi:.3})"
                ))
            })
            .collect();
        (!parts.is_empty()).then(|| format!("At step {last_step}: {}.", parts.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(d: f32, g: f32) -> StepValues {
        StepValues {
            d_loss: Some(d),
            g_loss: Some(g),
            ..Default::default()
        }
    }

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
    fn polyline_scales_into_the_box() {
        let mut h = History::default();
        h.push(0, values(1.0, 2.0));
        h.push(10, values(3.0, 0.0));
        let range = h.range(&[Series::DLoss, Series::GLoss]).unwrap();
        assert_eq!(range, (0.0, 3.0));
        assert_eq!(
            h.polyline(Series::DLoss, range, 100.0, 30.0),
            "0.0,20.0 100.0,0.0"
        );
        assert_eq!(h.polyline(Series::DReal, range, 100.0, 30.0), "");
        assert_eq!(h.range(&[Series::DReal]), None);
    }

    #[test]
    fn history_stays_bounded() {
        let mut h = History::default();
        for i in 0..5000 {
            h.push(i, values(i as f32, 0.0));
        }
        assert!(h.len() <= MAX_POINTS);
        assert_eq!(h.points.first().unwrap().0, 0, "the start is kept");
    }

    #[test]
    fn a_chart_reads_as_a_sentence() {
        let mut h = History::default();
        assert_eq!(h.describe(&[(Series::DLoss, "D")]), None);
        h.push(1, values(1.386, 0.7));
        h.push(5, values(0.5, 2.0));
        h.push(9, values(0.69, 1.0));
        assert_eq!(
            h.describe(&[
                (Series::DLoss, "D"),
                (Series::GLoss, "G"),
                (Series::DReal, "D(x)")
            ])
            .unwrap(),
            "At step 9: D 0.690 (from 1.386 at step 1, lowest 0.500, highest 1.386); \
             G 1.000 (from 0.700 at step 1, lowest 0.700, highest 2.000)."
        );
    }
}
