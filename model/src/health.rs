//! Watching a run for the ways GAN training falls apart, so the page and `gan-train` can say so
//! while it happens and offer the best state seen instead.
//!
//! What is watched (the first two pause training; oscillation is a warning):
//! - **D wins**: the discriminator tells real from generated almost perfectly for a sustained
//!   stretch (BCE: mean D(x) near 1 and mean D(G(z)) near 0; hinge: both margins met, so D's loss
//!   is near 0). The generator's samples have stopped fooling D; on a small set this is how a run
//!   ends in noise (issue 14: D(x) 1.00, D(G(z)) 0.00, D loss 0.003 after the fall).
//! - **Quality fell**: the sliced Wasserstein distance to the training images rose far above the
//!   best value of the run.
//! - **Oscillation** (BCE): the players take turns winning — D(G(z)), averaged over blocks of
//!   steps, swings up ("G fools D") and down ("D rejects G") again and again instead of settling.
//! - **Non-finite losses** are named by whoever reads them ([`Alarm::NonFinite`]).
//!
//! [`RunWatch`] is plain Rust: it sees the values the trainer already reads back, never tensors.

use crate::config::LossKind;
use crate::step_values::StepValues;

/// Thresholds of [`RunWatch`]. The defaults are set between the collapse of issue 14 (D loss
/// 0.003: D(x) ≈ 0.999, D(G(z)) ≈ 0.001) and the late, still healthy stretch of the PyTorch
/// reference on the same food set (steps 2 500–3 000: D(x) ≈ 0.99, D(G(z)) ≈ 0.01, samples
/// still improving), so that a dominant but not yet victorious D does not ring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchConfig {
    /// Steps over which the D outputs are averaged (an exponential average of this span).
    pub window: u64,
    /// BCE: averaged D(x) above this …
    pub real_above: f32,
    /// … and averaged D(G(z)) below this means D wins.
    pub fake_below: f32,
    /// Hinge: averaged D loss below this means D wins (both margins met on nearly every image).
    pub hinge_loss_below: f32,
    /// The quality alarm rings when SWD exceeds the best so far by this factor …
    pub quality_ratio: f32,
    /// … and by at least this much (SWD ×10³), so that measurement noise near a small best
    /// value does not ring it.
    pub quality_margin: f32,
    /// Oscillation: steps per block over which D(G(z)) is averaged …
    pub swing_block: u64,
    /// … a swing is a move of the block average by at least this much from its last turning
    /// point (up: G now fools D more; down: D rejects G again) …
    pub swing_amplitude: f32,
    /// … and this many swings within the last [`SWING_BLOCKS`] blocks ring.
    pub swing_turns: usize,
}

/// Blocks of D(G(z)) averages kept to judge oscillation: 600 steps at 20 a block. The swings
/// real runs show last 100–300 steps each way (stripes at width 2, β1 0.99, the `d_fake` column
/// of `gan-train --log-csv F --log-every 1`; `model/tests/oscillation.rs` rings at steps
/// 220–780), so four of them take a few hundred steps: 10 blocks (200 steps) never held four
/// in any of 424 runs searched (rings, digits, faces, small image sets; β1 0.5–0.99; widths
/// 1–16; 2026-12-05).
pub const SWING_BLOCKS: usize = 30;

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            window: 100,
            real_above: 0.995,
            fake_below: 0.005,
            hinge_loss_below: 0.05,
            quality_ratio: 1.5,
            quality_margin: 15.0,
            swing_block: 20,
            swing_amplitude: 0.25,
            swing_turns: 4,
        }
    }
}

/// A state of the run kept to go back to when it falls apart (`guard::RunGuard` keeps them;
/// the page's alarm offers the one it would restore).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fallback {
    /// Its step.
    pub step: u64,
    /// Its quality (SWD ×10³), where it was measured: the best state's.
    pub swd: Option<f32>,
}

/// How a discriminator's win shows, by the loss the run trains with (averaged over
/// [`WatchConfig::window`] steps).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Won {
    /// BCE: D's mean output on real images, near 1, and on generated ones, near 0.
    Bce {
        /// Averaged D(x).
        d_real: f32,
        /// Averaged D(G(z)).
        d_fake: f32,
    },
    /// Hinge: D's loss, near 0 (both margins met on nearly every image).
    Hinge {
        /// Averaged D loss.
        d_loss: f32,
    },
}

/// What went wrong, with the numbers that show it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Alarm {
    /// The discriminator has won: averaged over the last [`WatchConfig::window`] steps, what
    /// [`Won`] shows.
    DiscriminatorWins {
        /// Step at which the alarm rang.
        step: u64,
        /// The numbers that show it, as the run's loss has them.
        won: Won,
    },
    /// The samples got much worse than the run's best.
    QualityFell {
        /// Step of the measurement that rang.
        step: u64,
        /// Its SWD ×10³.
        swd: f32,
        /// Step of the best measurement.
        best_step: u64,
        /// The best SWD ×10³.
        best: f32,
    },
    /// The players take turns winning: averaged D(G(z)) swung up and down by at least
    /// [`WatchConfig::swing_amplitude`] `turns` times in the last [`SWING_BLOCKS`] blocks of
    /// steps.
    Oscillating {
        /// Step at which it was seen.
        step: u64,
        /// Swings between "G fools D more" and "D rejects G again".
        turns: usize,
        /// Lowest and highest block average of D(G(z)) in that stretch.
        range: (f32, f32),
    },
    /// A loss became NaN or infinite: the weights overflowed.
    NonFinite {
        /// The step whose losses were not finite.
        step: u64,
    },
}

impl Alarm {
    /// Whether training should pause on it (all but oscillation, which is a warning).
    pub fn pauses(&self) -> bool {
        !matches!(self, Alarm::Oscillating { .. })
    }

    /// One sentence for a person: what happened, in numbers.
    pub fn describe(&self) -> String {
        match *self {
            Alarm::DiscriminatorWins {
                step,
                won: Won::Hinge { d_loss },
            } => format!(
                "the discriminator has won (step {step}): its hinge loss is {d_loss:.3}, so it \
                 separates real from generated images on nearly every image"
            ),
            Alarm::DiscriminatorWins {
                step,
                won: Won::Bce { d_real, d_fake },
            } => format!(
                "the discriminator has won (step {step}): it gives real images {d_real:.2} and \
                 generated ones {d_fake:.2}, so the generator's images no longer fool it"
            ),
            Alarm::QualityFell {
                step,
                swd,
                best_step,
                best,
            } => format!(
                "the samples got much worse (step {step}): SWD {swd:.1}, against {best:.1} at \
                 step {best_step} (lower is better)"
            ),
            Alarm::Oscillating {
                step,
                turns,
                range: (low, high),
            } => format!(
                "the players take turns winning (step {step}): D(G(z)) swung {turns} times \
                 between {low:.2} and {high:.2} instead of settling"
            ),
            Alarm::NonFinite { step } => format!(
                "the losses became NaN or infinite at step {step}: the weights overflowed, and \
                 every step from here on would be meaningless"
            ),
        }
    }
}

/// Follows a run's read-back values and quality measurements; rings once per episode.
#[derive(Debug, Clone)]
pub struct RunWatch {
    config: WatchConfig,
    loss: LossKind,
    /// Exponential averages of D(x) and D(G(z)) (BCE) or of D's loss (hinge).
    average: Option<(f32, f32)>,
    /// Steps the averages have seen since the start or the last reset.
    seen: u64,
    last_step: u64,
    best: Option<(u64, f32)>,
    d_wins_rung: bool,
    quality_rung: bool,
    /// The block of steps being averaged for oscillation: (block index, sum, count).
    swing_open: Option<(u64, f32, u32)>,
    /// Finished block averages of D(G(z)), oldest first.
    swing_blocks: Vec<f32>,
    swing_rung: bool,
    /// Adaptive augmentation's highest p, when the run has it on.
    ada_max: Option<f32>,
}

impl RunWatch {
    /// A watch for a run trained with `loss`.
    pub fn new(loss: LossKind, config: WatchConfig) -> Self {
        Self {
            config,
            loss,
            average: None,
            seen: 0,
            last_step: 0,
            best: None,
            d_wins_rung: false,
            quality_rung: false,
            swing_open: None,
            swing_blocks: Vec::new(),
            swing_rung: false,
            ada_max: None,
        }
    }

    /// The same watch for a run with adaptive augmentation up to p = `max` (`None`: off).
    /// While p is below `max`, a winning D is what the augmentation is already answering, so
    /// the D-wins alarm waits until p has reached `max` and D still wins.
    pub fn with_adaptive_augmentation(mut self, max: Option<f32>) -> Self {
        self.ada_max = max;
        self
    }

    /// Starts over (a new model, or a restored state): nothing seen, no best.
    pub fn reset(&mut self) {
        *self = Self::new(self.loss, self.config).with_adaptive_augmentation(self.ada_max);
    }

    /// Forgets the averaged D outputs but keeps the best quality: after going back to an
    /// earlier state, whose D no longer wins.
    pub fn forget_steps(&mut self) {
        self.average = None;
        self.seen = 0;
        self.d_wins_rung = false;
        self.quality_rung = false;
        self.swing_open = None;
        self.swing_blocks.clear();
        self.swing_rung = false;
    }

    /// The best quality measurement so far: (step, SWD ×10³).
    pub fn best(&self) -> Option<(u64, f32)> {
        self.best
    }

    /// Takes the values read back at `step` (read every few steps is fine: the average is
    /// weighted by the steps between reads). Returns an alarm the first time D is seen winning
    /// in an episode; the episode ends when D stops winning.
    pub fn observe_step(&mut self, step: u64, values: &StepValues) -> Option<Alarm> {
        let sample = match self.loss {
            LossKind::Bce => (values.d_real?, values.d_fake?),
            LossKind::Hinge => (values.d_loss?, 0.0),
            // The critic's scores have no scale to call a win on.
            LossKind::WganClip => return None,
        };
        if !(sample.0.is_finite() && sample.1.is_finite()) {
            return None;
        }
        // Steps since the last read; the first read after a start or a reset counts none.
        let gap = match self.average {
            Some(_) => step.saturating_sub(self.last_step).max(1),
            None => 0,
        };
        self.last_step = step;
        // Weight of the new sample for an exponential average spanning `window` steps.
        let weight = 1.0 - (-(gap as f32) / self.config.window as f32).exp();
        let average = match self.average {
            Some((r, f)) => (r + (sample.0 - r) * weight, f + (sample.1 - f) * weight),
            None => sample,
        };
        self.average = Some(average);
        self.seen += gap;
        if self.loss == LossKind::Bce
            && let Some(alarm) = self.observe_swing(step, sample.1)
        {
            return Some(alarm);
        }
        let winning = match self.loss {
            LossKind::Bce => {
                average.0 > self.config.real_above && average.1 < self.config.fake_below
            }
            _ => average.0 < self.config.hinge_loss_below,
        };
        if !winning {
            self.d_wins_rung = false;
            return None;
        }
        if self.d_wins_rung || self.seen < self.config.window {
            return None;
        }
        let augmentation_has_room = self
            .ada_max
            .zip(values.ada_probability)
            .is_some_and(|(max, p)| p < max - 1e-3);
        if augmentation_has_room {
            return None;
        }
        self.d_wins_rung = true;
        let won = match self.loss {
            LossKind::Bce => Won::Bce {
                d_real: average.0,
                d_fake: average.1,
            },
            _ => Won::Hinge { d_loss: average.0 },
        };
        Some(Alarm::DiscriminatorWins { step, won })
    }

    /// Adds D(G(z)) at `step` to its block; when a block closes, counts the swings of the
    /// kept block averages.
    fn observe_swing(&mut self, step: u64, d_fake: f32) -> Option<Alarm> {
        let c = self.config;
        let block = step / c.swing_block.max(1);
        match self.swing_open {
            Some((open, sum, n)) if open == block => {
                self.swing_open = Some((open, sum + d_fake, n + 1));
                return None;
            }
            Some((_, sum, n)) => {
                self.swing_blocks.push(sum / n as f32);
                if self.swing_blocks.len() > SWING_BLOCKS {
                    self.swing_blocks.remove(0);
                }
            }
            None => {}
        }
        self.swing_open = Some((block, d_fake, 1));
        let turns = swings(&self.swing_blocks, c.swing_amplitude);
        // The episode ends only when the swings have mostly died down: a steady oscillation
        // moves between three and four swings in the window as it slides, and would ring again
        // and again.
        if turns <= c.swing_turns / 2 {
            self.swing_rung = false;
        }
        if turns < c.swing_turns || self.swing_rung {
            return None;
        }
        self.swing_rung = true;
        let low = self
            .swing_blocks
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min);
        let high = self
            .swing_blocks
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        Some(Alarm::Oscillating {
            step,
            turns,
            range: (low, high),
        })
    }

    /// Takes a quality measurement (SWD ×10³, lower is better) at `step`. Returns an alarm the
    /// first time it is far above the best; a new best ends the episode.
    pub fn observe_quality(&mut self, step: u64, swd: f32) -> Option<Alarm> {
        if !swd.is_finite() {
            return None;
        }
        match self.best {
            Some((_, best)) if swd >= best => {}
            _ => {
                self.best = Some((step, swd));
                self.quality_rung = false;
                return None;
            }
        }
        let (best_step, best) = self.best.expect("set above");
        let fell =
            swd > best * self.config.quality_ratio && swd > best + self.config.quality_margin;
        if !fell {
            self.quality_rung = false;
            return None;
        }
        if self.quality_rung {
            return None;
        }
        self.quality_rung = true;
        Some(Alarm::QualityFell {
            step,
            swd,
            best_step,
            best,
        })
    }
}

/// The swings of `averages` by at least `amplitude`: a zigzag count. The first swing is the
/// first move of `amplitude` from the lowest or highest value before it; each later one
/// reverses the last, starting from that swing's extreme. A steady drift is one swing, noise
/// smaller than `amplitude` none. (By hand: a dozen lines over at most [`SWING_BLOCKS`] values,
/// which no crate offers.)
fn swings(averages: &[f32], amplitude: f32) -> usize {
    let Some((&first, rest)) = averages.split_first() else {
        return 0;
    };
    let (mut low, mut high) = (first, first);
    // The direction of the swing under way (true: up) and its extreme so far.
    let mut swing: Option<(bool, f32)> = None;
    let mut count = 0;
    for &v in rest {
        match swing {
            None => {
                low = low.min(v);
                high = high.max(v);
                if v - low >= amplitude || high - v >= amplitude {
                    swing = Some((v - low >= amplitude, v));
                    count = 1;
                }
            }
            Some((up, extreme)) => {
                if (up && v > extreme) || (!up && v < extreme) {
                    swing = Some((up, v));
                } else if (v - extreme).abs() >= amplitude {
                    swing = Some((!up, v));
                    count += 1;
                }
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bce(d_real: f32, d_fake: f32) -> StepValues {
        StepValues {
            d_real: Some(d_real),
            d_fake: Some(d_fake),
            ..Default::default()
        }
    }

    #[test]
    fn with_adaptive_augmentation_d_wins_rings_only_once_p_is_at_its_highest() {
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default())
            .with_adaptive_augmentation(Some(0.8));
        let won = |p: f32| StepValues {
            ada_probability: Some(p),
            ..bce(0.999, 0.001)
        };
        for step in 1..=400 {
            assert_eq!(watch.observe_step(step, &won(0.5)), None, "p has room");
        }
        assert!(matches!(
            watch.observe_step(401, &won(0.8)),
            Some(Alarm::DiscriminatorWins { .. })
        ));
        // Reset keeps the setting.
        watch.reset();
        for step in 1..=400 {
            assert_eq!(watch.observe_step(step, &won(0.1)), None);
        }
    }

    #[test]
    fn a_sustained_win_rings_once_a_short_one_does_not() {
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        // Healthy, then a 50-step spike of D winning: the average does not get there.
        for step in (10..=500).step_by(10) {
            assert_eq!(watch.observe_step(step, &bce(0.8, 0.2)), None);
        }
        for step in (510..=550).step_by(10) {
            assert_eq!(watch.observe_step(step, &bce(1.0, 0.0)), None, "{step}");
        }
        for step in (560..=700).step_by(10) {
            assert_eq!(watch.observe_step(step, &bce(0.8, 0.2)), None);
        }
        // Then D wins for good: one alarm, within a few hundred steps, then silence.
        let alarms: Vec<Alarm> = (710..=1500)
            .step_by(10)
            .filter_map(|step| watch.observe_step(step, &bce(0.999, 0.001)))
            .collect();
        assert_eq!(alarms.len(), 1, "{alarms:?}");
        let Alarm::DiscriminatorWins {
            step,
            won: Won::Bce { d_real, d_fake },
        } = alarms[0]
        else {
            panic!("{alarms:?}")
        };
        assert!((710..=1100).contains(&step), "rang at {step}");
        assert!(d_real > 0.995 && d_fake < 0.005);
    }

    #[test]
    fn a_dominant_d_that_has_not_won_does_not_ring() {
        // The PyTorch reference's last 500 steps on the food set: D(x) 0.99, D(G(z)) 0.01.
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        for step in (10..=1000).step_by(10) {
            assert_eq!(watch.observe_step(step, &bce(0.99, 0.01)), None, "{step}");
        }
    }

    #[test]
    fn the_average_weighs_reads_by_the_steps_between_them() {
        // Reading every step or every 10 steps rings at about the same step.
        let ring_at = |every: u64| {
            let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
            (every..=2000)
                .step_by(every as usize)
                .find(|&s| {
                    let v = if s <= 500 {
                        bce(0.7, 0.3)
                    } else {
                        bce(1.0, 0.0)
                    };
                    watch.observe_step(s, &v).is_some()
                })
                .unwrap()
        };
        let (one, ten) = (ring_at(1), ring_at(10));
        assert!(
            one.abs_diff(ten) <= 20,
            "every step: {one}, every 10: {ten}"
        );
    }

    #[test]
    fn hinge_watches_the_loss_and_wgan_is_not_judged() {
        let mut hinge = RunWatch::new(LossKind::Hinge, WatchConfig::default());
        let zero_loss = StepValues {
            d_loss: Some(0.0),
            ..Default::default()
        };
        let alarm = (1..=300).find_map(|s| hinge.observe_step(s, &zero_loss));
        assert!(
            matches!(
                alarm,
                Some(Alarm::DiscriminatorWins {
                    won: Won::Hinge { d_loss: 0.0 },
                    ..
                })
            ),
            "hinge loss 0 for 300 steps: {alarm:?}"
        );
        assert!(
            alarm
                .unwrap()
                .describe()
                .contains("its hinge loss is 0.000")
        );
        let mut wgan = RunWatch::new(LossKind::WganClip, WatchConfig::default());
        assert!((1..=300).all(|s| wgan.observe_step(s, &zero_loss).is_none()));
    }

    #[test]
    fn quality_alarm_compares_with_the_best_and_rearms_on_a_new_best() {
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        for (step, swd) in [(250, 150.0), (500, 60.0), (750, 42.0), (1000, 45.0)] {
            assert_eq!(watch.observe_quality(step, swd), None);
        }
        assert_eq!(watch.best(), Some((750, 42.0)));
        // 50 is 1.19× the best: noise, not a fall. 160 is a fall.
        assert_eq!(watch.observe_quality(1250, 50.0), None);
        let alarm = watch.observe_quality(1500, 160.0);
        assert_eq!(
            alarm,
            Some(Alarm::QualityFell {
                step: 1500,
                swd: 160.0,
                best_step: 750,
                best: 42.0
            })
        );
        assert!(alarm.unwrap().describe().contains("42.0"));
        assert_eq!(watch.observe_quality(1750, 170.0), None, "once per episode");
        assert_eq!(watch.observe_quality(2000, 40.0), None, "new best");
        assert!(watch.observe_quality(2250, 150.0).is_some(), "re-armed");
        watch.reset();
        assert_eq!(watch.best(), None);
    }

    #[test]
    fn non_finite_values_are_ignored() {
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        assert_eq!(watch.observe_quality(10, f32::NAN), None);
        assert_eq!(watch.best(), None);
        assert_eq!(watch.observe_step(10, &bce(f32::NAN, 0.0)), None);
    }

    fn bce_values(d_fake: f32) -> StepValues {
        StepValues {
            d_loss: Some(1.0),
            g_loss: Some(1.0),
            d_real: Some(0.7),
            d_fake: Some(d_fake),
            ..Default::default()
        }
    }

    #[test]
    fn players_taking_turns_are_named_once_and_do_not_pause() {
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        let mut rang = Vec::new();
        // 20-step blocks alternating between D fooled (0.6) and D winning (0.05).
        for step in 0..200u64 {
            let d_fake = if (step / 20) % 2 == 0 { 0.6 } else { 0.05 };
            if let Some(alarm) = watch.observe_step(step, &bce_values(d_fake)) {
                rang.push((step, alarm));
            }
        }
        assert_eq!(rang.len(), 1, "once per episode: {rang:?}");
        let (step, alarm) = rang[0];
        // Blocks 0..=4 closed when block 5 opens at step 100: four turns.
        assert_eq!(step, 100);
        assert!(
            matches!(alarm, Alarm::Oscillating { turns: 4, .. }),
            "{alarm:?}"
        );
        assert!(!alarm.pauses());
        assert!(
            alarm.describe().contains("between 0.05 and 0.60"),
            "{}",
            alarm.describe()
        );
    }

    #[test]
    fn a_settled_or_drifting_run_is_not_oscillating() {
        for series in [
            (0..800).map(|_| 0.3).collect::<Vec<f32>>(),
            // A steady fall, as D gets the upper hand: one swing.
            (0..800).map(|s| 0.6 - s as f32 / 1600.0).collect(),
            // Noisy around the middle, step by step: every block averages 0.25.
            (0..800)
                .map(|s| if s % 2 == 0 { 0.35 } else { 0.15 })
                .collect(),
            // Blocks wandering by 0.2, less than a swing.
            (0..800)
                .map(|s| if (s / 40) % 2 == 0 { 0.3 } else { 0.1 })
                .collect(),
        ] {
            let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
            for (step, d_fake) in series.into_iter().enumerate() {
                let alarm = watch.observe_step(step as u64, &bce_values(d_fake));
                assert!(
                    !matches!(alarm, Some(Alarm::Oscillating { .. })),
                    "{alarm:?}"
                );
            }
        }
    }

    #[test]
    fn swings_as_slow_as_real_runs_ring() {
        // 120 steps up, 120 down, as stripes at width 2 and β1 0.99 swing (their turns came
        // 100–300 steps apart): four swings take 500 steps, far more than 200.
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        let rang = (0..800u64).find_map(|step| {
            let d_fake = if (step / 120) % 2 == 0 { 0.5 } else { 0.05 };
            watch.observe_step(step, &bce_values(d_fake))
        });
        // Swings close at steps 140, 260, 380 and 500.
        assert!(
            matches!(
                rang,
                Some(Alarm::Oscillating {
                    step: 500,
                    turns: 4,
                    ..
                })
            ),
            "{rang:?}"
        );
    }

    #[test]
    fn a_steady_oscillation_is_named_once() {
        // 160 steps up, 160 down: the window holds three or four swings as it slides.
        let mut watch = RunWatch::new(LossKind::Bce, WatchConfig::default());
        let rang: Vec<u64> = (0..2_000u64)
            .filter_map(|step| {
                let d_fake = if (step / 160) % 2 == 0 { 0.5 } else { 0.05 };
                match watch.observe_step(step, &bce_values(d_fake)) {
                    Some(Alarm::Oscillating { step, .. }) => Some(step),
                    _ => None,
                }
            })
            .collect();
        assert_eq!(rang.len(), 1, "rang at {rang:?}");
    }

    #[test]
    fn swings_are_counted_from_turning_points() {
        assert_eq!(swings(&[], 0.25), 0);
        assert_eq!(swings(&[0.5, 0.4, 0.3, 0.2, 0.1], 0.25), 1);
        // The first swing counts from the highest value before it (0.5, not 0.4), the next
        // from the first's extreme (0.2: 0.3 is no swing, 0.5 is; 0.3 after it is none).
        assert_eq!(swings(&[0.5, 0.4, 0.2, 0.3, 0.5, 0.3], 0.25), 2);
        assert_eq!(swings(&[0.3, 0.2, 0.3, 0.2, 0.3], 0.25), 0);
    }

    #[test]
    fn non_finite_losses_pause_and_say_so() {
        let alarm = Alarm::NonFinite { step: 12 };
        assert!(alarm.pauses());
        assert!(alarm.describe().contains("NaN or infinite at step 12"));
    }
}
