//! Guarding a run against falling apart: [`RunWatch`] says when it does, and [`RunGuard`] keeps
//! the states to go back to — the best by quality, and the two most recent of those kept every
//! [`KEEP_EVERY`] steps (where to go before the first quality measure, or after non-finite
//! losses, where the best can be thousands of steps older than the last good state). The page's
//! worker and `gan-train` both guard their runs with it.

use crate::config::GanConfig;
pub use crate::health::Fallback;
use crate::health::{Alarm, RunWatch, WatchConfig};
use crate::step_values::StepValues;
use crate::training::Gan;

/// Steps between the states kept to go back to when a run falls apart before its quality was
/// first measured.
pub const KEEP_EVERY: u64 = 100;

/// The states of one run kept to go back to, and the watch that says when to.
///
/// A kept state is a [`Gan::deep_clone`]: its own batch-norm statistics (a plain clone shares
/// them, so it would follow every later step) and Adam's state; an old one costs one model's
/// weights and Adam state.
pub struct RunGuard {
    watch: RunWatch,
    best: Option<Gan>,
    kept: [Option<Gan>; 2],
}

impl RunGuard {
    /// A fresh guard for a run of `config` (its loss and adaptive augmentation), with the
    /// default thresholds.
    pub fn new(config: &GanConfig) -> Self {
        let ada_max = (config.ada_target > 0.0).then_some(config.ada_max as f32);
        Self {
            watch: RunWatch::new(config.loss, WatchConfig::default())
                .with_adaptive_augmentation(ada_max),
            best: None,
            kept: [None, None],
        }
    }

    /// Whether observing `step` keeps a state of the model (so no later step may run before it
    /// is observed).
    pub fn keeps_state_at(step: u64) -> bool {
        step.is_multiple_of(KEEP_EVERY)
    }

    /// Takes full step `step`'s read-back values; says when the run falls apart or swings.
    /// Keeps a state every [`KEEP_EVERY`] steps, if `gan` is still at `step`: a state kept
    /// must be one whose losses were seen (a later step may already be running).
    pub fn observe_step(&mut self, gan: &Gan, step: u64, values: &StepValues) -> Option<Alarm> {
        if step == gan.step && Self::keeps_state_at(step) {
            // The newer survivor becomes the older (after going back, it may sit in either slot).
            let older = self.kept[1].take().or_else(|| self.kept[0].take());
            self.kept = [older, Some(gan.deep_clone())];
        }
        self.watch.observe_step(step, values)
    }

    /// Takes a quality measurement (SWD ×10³) of `gan` at its step; keeps it when it is the
    /// best so far. Returns the alarm, if the samples got much worse than the best, and whether
    /// this state is the new best.
    pub fn observe_quality(&mut self, gan: &Gan, swd: f32) -> (Option<Alarm>, bool) {
        let before = self.watch.best();
        let alarm = self.watch.observe_quality(gan.step, swd);
        let improved = self.watch.best() != before;
        if improved {
            // Quality is measured on a kept step more often than not: share that copy (kept
            // states are never trained in place; going back copies them again).
            let kept = self.kept.iter().flatten().find(|g| g.step == gan.step);
            self.best = Some(kept.map_or_else(|| gan.deep_clone(), Gan::clone));
        }
        (alarm, improved)
    }

    /// Forgets the quality measured so far, and the best state with it: the run trains on other
    /// images now, which those measures did not compare with. The kept states stay.
    pub fn forget_quality(&mut self) {
        self.watch.reset();
        self.best = None;
    }

    /// The best quality measured so far: (step, SWD ×10³).
    pub fn best(&self) -> Option<(u64, f32)> {
        self.watch.best()
    }

    /// The state to go back to from step `now`: the best by quality, else the older kept one;
    /// with `newest`, the most recent kept state first.
    fn fallback(&self, now: u64, newest: bool) -> Option<&Gan> {
        let kept_newest = self.kept[1].as_ref().or(self.kept[0].as_ref());
        let candidates = if newest {
            [kept_newest, self.best.as_ref()]
        } else {
            [
                self.best.as_ref(),
                self.kept[0].as_ref().or(self.kept[1].as_ref()),
            ]
        };
        candidates.into_iter().flatten().find(|g| g.step < now)
    }

    /// `state` as the page and `gan-train` name it: its step, and its quality if measured.
    fn describe(&self, state: &Gan) -> Fallback {
        let swd = self.watch.best().filter(|(step, _)| *step == state.step);
        Fallback {
            step: state.step,
            swd: swd.map(|(_, swd)| swd),
        }
    }

    /// The state [`RunGuard::go_back`] would restore from step `now`, if there is one.
    pub fn fallback_step(&self, now: u64, newest: bool) -> Option<Fallback> {
        self.fallback(now, newest).map(|g| self.describe(g))
    }

    /// Puts `gan` back to [`RunGuard::fallback_step`]'s state (networks, Adam's state, step;
    /// the training noise goes on) and forgets what the watch saw since. `None` (and `gan`
    /// unchanged) when there is no earlier state.
    pub fn go_back(&mut self, gan: &mut Gan, newest: bool) -> Option<Fallback> {
        let earlier = self.fallback(gan.step, newest)?;
        let to = self.describe(earlier);
        gan.restore_from(earlier);
        self.watch.forget_steps();
        // Kept states after it belong to the abandoned run.
        for kept in &mut self.kept {
            if kept.as_ref().is_some_and(|g| g.step > to.step) {
                *kept = None;
            }
        }
        Some(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    fn gan() -> Gan {
        let config = crate::GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4);
        Gan::new(config, &Device::flex()).unwrap()
    }

    fn weights(gan: &Gan) -> Vec<f32> {
        gan.raw_generator()
            .output
            .weight
            .val()
            .into_data()
            .iter::<f32>()
            .collect()
    }

    /// A step's values that ring nothing.
    fn calm() -> StepValues {
        StepValues {
            d_real: Some(0.6),
            d_fake: Some(0.3),
            ..Default::default()
        }
    }

    #[test]
    fn it_goes_back_to_the_best_state_else_to_the_newest_kept_one() {
        let mut gan = gan();
        let mut guard = RunGuard::new(&GanConfig::new());
        assert_eq!(guard.go_back(&mut gan, false), None, "nothing kept yet");
        for _ in 0..3 {
            gan.generator_step();
        }
        assert_eq!(
            guard.observe_quality(&gan, 60.0),
            (None, true),
            "the first is the best"
        );
        let best = weights(&gan);
        while gan.step < 2 * KEEP_EVERY {
            gan.generator_step();
            assert_eq!(guard.observe_step(&gan, gan.step, &calm()), None);
        }
        let (alarm, improved) = guard.observe_quality(&gan, 150.0);
        assert!(matches!(alarm, Some(Alarm::QualityFell { best_step: 3, .. })) && !improved);
        assert_eq!(
            guard.fallback_step(gan.step + 1, true),
            Some(Fallback {
                step: 200,
                swd: None
            }),
            "newest: the state kept at step 200"
        );
        gan.generator_step();
        let to = guard.go_back(&mut gan, false).unwrap();
        assert_eq!(
            to,
            Fallback {
                step: 3,
                swd: Some(60.0)
            }
        );
        assert_eq!(
            (gan.step, weights(&gan)),
            (3, best),
            "the best state, its weights"
        );
        assert_eq!(
            guard.fallback_step(gan.step, true),
            None,
            "the states kept after it belong to the abandoned run"
        );
    }

    #[test]
    fn a_kept_state_that_survives_going_back_stays_the_older_one() {
        let mut gan = gan();
        let mut guard = RunGuard::new(&GanConfig::new());
        let train_to = |gan: &mut Gan, guard: &mut RunGuard, to: u64| {
            while gan.step < to {
                gan.generator_step();
                guard.observe_step(gan, gan.step, &calm());
            }
        };
        train_to(&mut gan, &mut guard, 2 * KEEP_EVERY + 1);
        // No quality measured: back to the older kept state; the one at 200 is dropped.
        let to = guard.go_back(&mut gan, false).unwrap();
        assert_eq!(to.step, KEEP_EVERY);
        train_to(&mut gan, &mut guard, 2 * KEEP_EVERY + 1);
        // Kept again at 200: 100 is still the older one, not lost.
        assert_eq!(
            guard.fallback_step(gan.step, false).map(|f| f.step),
            Some(KEEP_EVERY)
        );
    }
}
