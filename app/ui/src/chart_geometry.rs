//! The training charts' geometry: which values a line shows ([`Series`]), a [`History`]'s values
//! scaled into an SVG box, and each chart as a sentence for screen readers. Plain Rust, tested natively.

use model::StepValues;
use protocol::history::History;

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
    /// Adaptive augmentation's probability p.
    AdaProbability,
    /// Adaptive augmentation's overfitting measure r_t.
    AdaOverfitting,
}

impl Series {
    /// Its value in one step's numbers, where that step has it.
    pub fn pick(self, v: &StepValues) -> Option<f32> {
        match self {
            Series::DLoss => v.d_loss,
            Series::GLoss => v.g_loss,
            Series::DReal => v.d_real,
            Series::DFake => v.d_fake,
            Series::DGradNorm => v.d_grad_norm,
            Series::GGradNorm => v.g_grad_norm,
            Series::AdaProbability => v.ada_probability,
            Series::AdaOverfitting => v.ada_overfitting,
        }
    }
}

/// The (min, max) of the given series, widened if flat; `None` without values.
pub fn range(history: &History, series: &[Series]) -> Option<(f32, f32)> {
    let values = history
        .points()
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
pub fn polyline(
    history: &History,
    series: Series,
    range: (f32, f32),
    width: f32,
    height: f32,
) -> String {
    let first = history.points().first().map_or(0, |p| p.0) as f32;
    let last = history.points().last().map_or(1, |p| p.0) as f32;
    let span = (last - first).max(1.0);
    let (lo, hi) = range;
    history
        .points()
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

/// The chart as a sentence, for screen readers: each series' latest value, where it started
/// and its lowest and highest, e.g. "At step 120: D 0.693 (from 1.386 at step 1, lowest
/// 0.512, highest 1.386)." `None` before the first step.
pub fn describe(history: &History, series: &[(Series, &str)]) -> Option<String> {
    let (last_step, _) = history.points().last()?;
    let parts: Vec<String> = series
            .iter()
            .filter_map(|&(s, label)| {
                let finite: Vec<(u64, f32)> = history
                    .points()
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
    fn polyline_scales_into_the_box() {
        let mut h = History::default();
        h.push(0, values(1.0, 2.0));
        h.push(10, values(3.0, 0.0));
        let range = range(&h, &[Series::DLoss, Series::GLoss]).unwrap();
        assert_eq!(range, (0.0, 3.0));
        assert_eq!(
            polyline(&h, Series::DLoss, range, 100.0, 30.0),
            "0.0,20.0 100.0,0.0"
        );
        assert_eq!(polyline(&h, Series::DReal, range, 100.0, 30.0), "");
        assert_eq!(super::range(&h, &[Series::DReal]), None);
    }

    #[test]
    fn a_chart_reads_as_a_sentence() {
        let mut h = History::default();
        assert_eq!(describe(&h, &[(Series::DLoss, "D")]), None);
        h.push(1, values(1.386, 0.7));
        h.push(5, values(0.5, 2.0));
        h.push(9, values(0.69, 1.0));
        assert_eq!(
            describe(
                &h,
                &[
                    (Series::DLoss, "D"),
                    (Series::GLoss, "G"),
                    (Series::DReal, "D(x)")
                ]
            )
            .unwrap(),
            "At step 9: D 0.690 (from 1.386 at step 1, lowest 0.500, highest 1.386); \
             G 1.000 (from 0.700 at step 1, lowest 0.700, highest 2.000)."
        );
    }
}
