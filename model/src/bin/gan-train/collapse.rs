//! A run falling apart: what `--on-collapse` does about it.

use std::path::Path;

use indicatif::ProgressBar;
use model::Gan;
use model::guard::{KEEP_EVERY, RunGuard};
use model::health::Alarm;

use crate::args::OnCollapse;
use crate::log::say;

/// Says that the run is falling apart (`alarm`) and acts as `on_collapse` asks: going back to
/// the state the guard would restore with D's learning rate halved, stopping, or saying where
/// the best state is and what to try. Returns whether to stop.
pub fn falling_apart(
    alarm: &Alarm,
    on_collapse: OnCollapse,
    gan: &mut Gan,
    guard: &mut RunGuard,
    bar: &ProgressBar,
    out: &Path,
) -> bool {
    say(
        bar,
        format!("Training is falling apart: {}.", alarm.describe()),
    );
    // Restore: the state going back would reach, taken only when there is one.
    let restored = if on_collapse == OnCollapse::Restore {
        // Read before going back: the state gone to brings its own configuration.
        let lr_d = gan.config.learning_rate_d / 2.0;
        guard.go_back(gan, false).map(|to| {
            gan.config.learning_rate_d = lr_d;
            (to, lr_d)
        })
    } else {
        None
    };
    match (restored, on_collapse) {
        (Some((to, lr_d)), _) => {
            bar.set_position(gan.step);
            let which = if to.swd.is_some() {
                "the best quality so far".to_string()
            } else {
                format!("a state kept every {KEEP_EVERY} steps: no quality measured yet")
            };
            say(
                bar,
                format!(
                    "Went back to step {} ({which}) and halved D's learning rate to {lr_d:.1e}.",
                    to.step
                ),
            );
            false
        }
        (_, OnCollapse::Stop) => {
            say(bar, "Stopping (--on-collapse stop).");
            true
        }
        _ => {
            say(
                bar,
                match guard.best().map(|(step, _)| step) {
                    Some(step) => format!(
                        "The best state so far (step {step}) is in {} (--resume continues from \
                         it with its own settings). Start again with --ada 0.6, --diffaug 1 or a \
                         lower --lr-d, or use --on-collapse restore.",
                        out.join("best.gan").display()
                    ),
                    // A constraint on D, not another loss: hinge alone does not stop a D that
                    // wins (Mescheder et al. 2018; Karras et al. 2020).
                    None => {
                        "Try a lower --lr-d, --ada 0.6, --diffaug 1, or more images.".to_string()
                    }
                },
            );
            false
        }
    }
}
