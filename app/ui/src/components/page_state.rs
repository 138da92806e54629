//! The page's state on the main thread: the training run's signals ([`Page`], whose reducer is
//! plain and tested natively), the explorer's and the autosave's, and the browser's side of each
//! worker message ([`PageState::apply`] carries out the reducer's [`Effect`]s).

use std::ops::Deref;

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;

use super::explorer::{Directions, ExplorerState, TrainingSignals};
use super::worker::MEASUREMENT_KEY;
use super::{browser, saved};
use crate::page::{Effect, Page};
use protocol::messages::Response;

/// Everything the page shows (Copy, so components take it from context). Derefs to the
/// training run's [`Page`].
#[derive(Clone, Copy)]
pub struct PageState {
    /// The training run.
    pub page: Page,
    /// The latent explorer.
    pub explorer: ExplorerState,
    /// The autosave: this tab's run, the offer to resume, the last save.
    pub saved: saved::SavedState,
}

impl Deref for PageState {
    type Target = Page;

    fn deref(&self) -> &Page {
        &self.page
    }
}

impl PageState {
    pub(super) fn new() -> Self {
        let page = Page::new();
        let (config, samples, last_step) = (page.config, page.samples, page.last_step);
        let training = TrainingSignals {
            latent: Signal::derive(move || config.with(|c| c.as_ref().map(|c| c.latent_size))),
            grid_step: Signal::derive(move || samples.with(|s| s.as_ref().map(|g| g.step))),
            last_step: Signal::derive(move || last_step.with(|s| s.as_ref().map(|s| s.step))),
        };
        Self {
            page,
            explorer: ExplorerState::new(training),
            saved: saved::SavedState::start(),
        }
    }

    /// Applies one message from the worker: the run's signals, then what else it asks for.
    pub(super) fn apply(self, response: Response) {
        for effect in self.page.apply(response) {
            self.perform(effect);
        }
    }

    fn perform(self, effect: Effect) {
        match effect {
            Effect::RememberMeasurement(measured) => {
                let _ = SessionStorage::set(MEASUREMENT_KEY, measured);
            }
            Effect::Download { name, mime, bytes } => {
                if let Err(e) = browser::download(&name, &mime, &bytes) {
                    self.error.set(Some(format!("download failed: {e}")));
                }
            }
            Effect::ExplorerUnfollow => self.explorer.followed.set(None),
            Effect::ExplorerFollow(step) => self.explorer.follow_training(step),
            Effect::ExplorerRestore { hash, latent } => self.explorer.restore_view(&hash, latent),
            Effect::ExplorerPretrained(showcase, loaded) => {
                self.explorer.on_pretrained(showcase, loaded)
            }
            Effect::ExplorerRendered(rendered) => self.explorer.on_rendered(rendered),
            Effect::ExplorerDirections {
                source,
                step,
                directions,
                variances,
            } => self.explorer.on_directions(Directions {
                source,
                step,
                found: model::principal::PrincipalDirections {
                    directions,
                    variances,
                },
            }),
            Effect::ExplorerDirectionsFailed => self.explorer.computing.set(false),
            Effect::SavedOpened => {
                self.saved.on_opened();
                self.saved.opened.set(self.saved.opened.get_untracked() + 1);
            }
            Effect::SavedAutosaved(outcome) => self.saved.on_autosaved(outcome),
            Effect::SavedOpenFailed => self.saved.on_open_failed(),
        }
    }
}
