//! The sample grid over time, for replaying how training went ("watch it learn") and exporting
//! it as an animated GIF. Memory stays bounded: when full, every other frame is dropped (the
//! first and the latest kept) and frames are then taken half as often, so a long run keeps
//! frames spread over its whole length.

use protocol::messages::SampleGrid;

/// Frames kept at most (a 32×32 grid is ≈ 300 kB: ≈ 18 MB in all).
pub const MAX_FRAMES: usize = 60;

/// Kept sample grids, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Timelapse {
    frames: Vec<SampleGrid>,
    /// Steps between kept frames (doubles with each thinning).
    every: u64,
    max: usize,
}

impl Default for Timelapse {
    fn default() -> Self {
        Self::with_capacity(MAX_FRAMES)
    }
}

impl Timelapse {
    /// An empty timelapse keeping at most `max` (≥ 2) frames.
    pub fn with_capacity(max: usize) -> Self {
        Self {
            frames: Vec::new(),
            every: 1,
            max: max.max(2),
        }
    }

    /// Offers a grid; kept when it is at least `every` steps after the last kept one. Frames
    /// of its step or later are dropped first: a grid of the same step replaces the older one
    /// (after a D-only step), an earlier step means going back.
    pub fn offer(&mut self, grid: &SampleGrid) {
        self.frames.retain(|f| f.step < grid.step);
        if let Some(last) = self.frames.last()
            && grid.step < last.step + self.every
        {
            return;
        }
        self.frames.push(grid.clone());
        if self.frames.len() > self.max {
            let latest = self.frames.pop().expect("over max ≥ 2");
            let mut i = 0;
            self.frames.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.frames.push(latest);
            self.every *= 2;
        }
    }

    /// Starts over (a new model).
    pub fn clear(&mut self) {
        *self = Self::with_capacity(self.max);
    }

    /// The kept frames, oldest first.
    pub fn frames(&self) -> &[SampleGrid] {
        &self.frames
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 2×2 grid of `step`, each byte `step` (shared with the page's reducer tests).
    pub(crate) fn grid(step: u64) -> SampleGrid {
        SampleGrid {
            step,
            width: 2,
            height: 2,
            rgba: vec![step as u8; 16],
        }
    }

    #[test]
    fn a_long_run_stays_within_the_bound_and_spans_the_whole_run() {
        let mut t = Timelapse::with_capacity(10);
        for step in 0..=5000 {
            t.offer(&grid(step));
            assert!(t.frames().len() <= 10);
        }
        let steps: Vec<u64> = t.frames().iter().map(|f| f.step).collect();
        assert_eq!(steps[0], 0, "the start is kept");
        assert!(*steps.last().unwrap() > 4000, "and the late run: {steps:?}");
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn going_back_drops_the_frames_after_it_and_repeats_are_not_kept() {
        let mut t = Timelapse::default();
        for step in [0, 0, 1, 2, 3, 3, 4] {
            t.offer(&grid(step));
        }
        assert_eq!(t.frames().len(), 5);
        t.offer(&grid(2));
        let steps: Vec<u64> = t.frames().iter().map(|f| f.step).collect();
        assert_eq!(steps, [0, 1, 2]);
        t.clear();
        assert!(t.frames().is_empty());
    }
}
