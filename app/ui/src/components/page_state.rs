//! Everything the page shows, as signals, and how each worker message changes them
//! ([`PageState::apply`]).

use std::sync::Arc;

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use model::GanConfig;

use super::explorer::{Directions, ExplorerState, TrainingSignals};
use super::worker::MEASUREMENT_KEY;
use super::{browser, saved};
use crate::tickets::{Pending, Tickets};
use crate::timelapse::Timelapse;
use protocol::data::Source;
use protocol::history::History;
use protocol::messages::{
    AlarmReport, DataSummary, DeviceChoice, DeviceInfo, FeatureMaps, Installed, Memorisation,
    NearestReport, NewModel, Response, SampleGrid, StepReport, Thumbnail,
};
use protocol::verdict::VerdictReport;

/// Everything the page shows, as signals (Copy, so components take it from context).
#[derive(Clone, Copy)]
pub struct PageState {
    /// The compute device, once the worker has one.
    pub device: RwSignal<Option<DeviceInfo>>,
    /// True while the worker times both devices.
    pub measuring: RwSignal<bool>,
    /// Both networks layer by layer, as built now.
    pub architecture: RwSignal<Option<model::anatomy::Architecture>>,
    /// D's latest verdict, and the one before (to show a manual step's effect).
    pub verdict: RwSignal<Option<VerdictReport>>,
    /// See [`verdict`](Self::verdict).
    pub previous_verdict: RwSignal<Option<VerdictReport>>,
    /// The generator layer whose feature maps are shown.
    pub inspected: RwSignal<Option<usize>>,
    /// Its feature maps, once read.
    pub activations: RwSignal<Option<FeatureMaps>>,
    /// The model's configuration (as the worker has it).
    pub config: RwSignal<Option<GanConfig>>,
    /// (description, count) of the training data.
    pub dataset: RwSignal<(String, usize)>,
    /// The user's images.
    /// (Shared, so that listing them never copies their pixels: 500 photos are 8 MB.)
    pub thumbnails: RwSignal<Vec<Arc<Thumbnail>>>,
    /// Refused files: (name, reason).
    pub rejected: RwSignal<Vec<(String, String)>>,
    /// Files read so far / to read, while loading.
    pub loading: RwSignal<Option<(usize, usize)>>,
    /// Training continuously.
    pub running: RwSignal<bool>,
    /// The last step's report.
    pub last_step: RwSignal<Option<StepReport>>,
    /// Losses and D outputs over time.
    pub history: RwSignal<History>,
    /// The latest sample grid.
    pub samples: RwSignal<Option<SampleGrid>>,
    /// The latest quality measure: (step, SWD×10³, diversity).
    pub quality: RwSignal<Option<(u64, f32, f32)>>,
    /// With the quality: the lowest and highest SWD of its seeds (not kept in saved runs).
    pub swd_range: RwSignal<Option<(f32, f32)>>,
    /// The sample grid over time.
    pub timelapse: RwSignal<Timelapse>,
    /// With the quality: how near the samples are to training images.
    pub memorisation: RwSignal<Option<Memorisation>>,
    /// The nearest training images of the verdict image last clicked.
    pub nearest: RwSignal<Option<Result<NearestReport, String>>>,
    /// The latest error, shown until dismissed.
    pub error: RwSignal<Option<String>>,
    /// The latent explorer.
    pub explorer: ExplorerState,
    /// What the model trains on, as the worker last said.
    pub source: RwSignal<Option<Source>>,
    /// The latest in-memory snapshot of the model (WebGPU only): (step, checkpoint bytes).
    pub snapshot: RwSignal<Option<(u64, Vec<u8>)>>,
    /// Times the worker's step loop ended ([`Response::Idle`]): nothing is running after it.
    pub runs_ended: RwSignal<u64>,
    /// Why the GPU device was lost, until the user chooses how to go on.
    pub lost: RwSignal<Option<String>>,
    /// The device the user asked to move to, until the model's snapshot for the move arrives.
    pub switching: RwSignal<Option<DeviceChoice>>,
    /// Set when that snapshot is in: the move can happen.
    pub switch_ready: RwSignal<Option<DeviceChoice>>,
    /// The run fell apart: what was seen, and the step (and SWD) going back would restore.
    pub alarm: RwSignal<Option<AlarmReport>>,
    /// The autosave: this tab's run, the offer to resume, the last save.
    pub saved: saved::SavedState,
    /// The requests sent, by ticket: a failure resets only what its request was about.
    pub(super) tickets: StoredValue<Tickets>,
}

impl PageState {
    pub(super) fn new() -> Self {
        let config = RwSignal::new(None::<GanConfig>);
        let last_step = RwSignal::new(None::<StepReport>);
        let samples = RwSignal::new(None::<SampleGrid>);
        let training = TrainingSignals {
            latent: Signal::derive(move || config.with(|c| c.as_ref().map(|c| c.latent_size))),
            grid_step: Signal::derive(move || samples.with(|s| s.as_ref().map(|g| g.step))),
            last_step: Signal::derive(move || last_step.with(|s| s.as_ref().map(|s| s.step))),
        };
        Self {
            device: RwSignal::new(None),
            measuring: RwSignal::new(false),
            architecture: RwSignal::new(None),
            verdict: RwSignal::new(None),
            previous_verdict: RwSignal::new(None),
            inspected: RwSignal::new(None),
            activations: RwSignal::new(None),
            config,
            dataset: RwSignal::new((String::new(), 0)),
            thumbnails: RwSignal::new(Vec::new()),
            rejected: RwSignal::new(Vec::new()),
            loading: RwSignal::new(None),
            running: RwSignal::new(false),
            last_step,
            history: RwSignal::new(History::default()),
            samples,
            quality: RwSignal::new(None),
            swd_range: RwSignal::new(None),
            memorisation: RwSignal::new(None),
            timelapse: RwSignal::new(Timelapse::default()),
            nearest: RwSignal::new(None),
            error: RwSignal::new(None),
            explorer: ExplorerState::new(training),
            source: RwSignal::new(None),
            snapshot: RwSignal::new(None),
            runs_ended: RwSignal::new(0),
            lost: RwSignal::new(None),
            alarm: RwSignal::new(None),
            switching: RwSignal::new(None),
            switch_ready: RwSignal::new(None),
            saved: saved::SavedState::start(),
            tickets: StoredValue::new(Tickets::default()),
        }
    }

    /// The device is up and not training: single steps and new models are offered.
    pub fn idle(self) -> bool {
        self.device.with(Option::is_some) && !self.running.get()
    }

    /// What the model trains on, as the worker says.
    fn show_data(self, data: DataSummary) {
        self.dataset.set((data.name, data.count));
        self.source.set(Some(data.source));
    }

    /// A model the worker installed: a new run, or (from the run's snapshot on a new worker) the
    /// same run going on, or an opened project with the page's part of it.
    fn install(self, model: NewModel) {
        let NewModel {
            config,
            architecture,
            dataset: data,
            step,
            cause,
        } = model;
        self.inspected.set(None);
        self.activations.set(None);
        self.architecture.set(Some(architecture));
        self.show_data(data);
        if cause == Installed::Continued {
            // The run moved to another worker: its history goes on from the snapshot.
            self.history.update(|h| h.keep_up_to(step));
            self.last_step
                .update(|s| s.iter_mut().for_each(|s| s.step = step));
            self.config.set(Some(config));
            return;
        }
        // A new model: its history starts over.
        self.alarm.set(None);
        self.explorer.followed.set(None);
        self.history.update(History::clear);
        self.timelapse.update(Timelapse::clear);
        self.last_step.set(None);
        self.quality.set(None);
        self.swd_range.set(None);
        let latent = config.latent_size;
        self.config.set(Some(config));
        if let Installed::Project { page, epoch } = cause {
            self.history.set(page.history);
            self.quality.set(page.quality);
            // Trained on elsewhere (the native trainer): its step without this page's numbers.
            self.last_step
                .set(Some(page.last_step.filter(|s| s.step == step).unwrap_or(
                    StepReport {
                        step,
                        epoch,
                        values: model::StepValues::default(),
                        ms: 0.0,
                    },
                )));
            if !page.view.is_empty() {
                self.explorer.restore_view(&page.view, latent);
            }
            self.saved.on_opened();
            // Kept under this tab's run at once: what was opened is safe from a reload.
            self.saved.opened.set(self.saved.opened.get_untracked() + 1);
        }
    }

    /// Applies one message from the worker.
    pub(super) fn apply(self, response: Response) {
        match response {
            Response::Measuring => self.measuring.set(true),
            Response::Verdict(report) => {
                self.previous_verdict.set(self.verdict.get_untracked());
                self.verdict.set(Some(report));
            }
            Response::Activations(maps) => {
                // Only the layer still asked for (a click may have moved on).
                if self.inspected.get_untracked() == Some(maps.layer) {
                    self.activations.set(Some(maps));
                }
            }
            Response::Device(info) => {
                if let Some(measured) = info.measured().filter(|m| !m.remembered) {
                    // Kept for the session only: another day, another machine load.
                    let _ = SessionStorage::set(MEASUREMENT_KEY, measured);
                }
                self.measuring.set(false);
                self.device.set(Some(info));
            }
            Response::ImagesAdded(images) => self
                .thumbnails
                .update(|t| t.extend(images.into_iter().map(Arc::new))),
            Response::ImagesRejected(files) => self.rejected.update(|r| r.extend(files)),
            Response::ImageCount(0) => self.thumbnails.set(Vec::new()),
            Response::ImageCount(_) => {}
            Response::Dataset(data) => self.show_data(data),
            Response::Snapshot { step, bytes } => {
                self.snapshot.set(Some((step, bytes)));
                if let Some(choice) = self.switching.get_untracked() {
                    self.switching.set(None);
                    self.switch_ready.set(Some(choice));
                }
            }
            Response::DeviceLost(reason) => {
                self.running.set(false);
                self.lost.set(Some(reason));
            }
            Response::Alarm(report) => {
                if report.restored
                    && let Some(back) = report.back_to
                {
                    self.last_step
                        .update(|s| s.iter_mut().for_each(|s| s.step = back.step));
                }
                self.alarm.set(Some(report));
            }
            Response::Autosaved(outcome) => self.saved.on_autosaved(outcome),
            Response::WentBack(step) => {
                self.alarm.set(None);
                self.last_step
                    .update(|s| s.iter_mut().for_each(|s| s.step = step));
            }
            Response::ModelInstalled(model) => self.install(*model),
            Response::Running(running) => self.running.set(running),
            Response::Idle => self.runs_ended.update(|n| *n += 1),
            Response::Step(report) => {
                self.history.update(|h| h.push(report.step, report.values));
                self.last_step.set(Some(report));
                if report.step > 0 && self.source.get_untracked() == Some(Source::User) {
                    self.explorer.follow_training(report.step);
                }
            }
            Response::Samples(grid) => {
                self.timelapse.update(|t| t.offer(&grid));
                self.samples.set(Some(grid));
            }
            Response::Quality {
                step,
                swd,
                swd_range,
                diversity,
                memorisation,
            } => {
                self.memorisation.set(memorisation);
                self.swd_range.set(Some(swd_range));
                self.quality.set(Some((step, swd, diversity)));
            }
            Response::Nearest(report) => self.nearest.set(Some(report)),
            Response::Pretrained(showcase, loaded) => self.explorer.on_pretrained(showcase, loaded),
            Response::Rendered(rendered) => self.explorer.on_rendered(rendered),
            Response::Directions {
                source,
                directions,
                variances,
            } => self.explorer.on_directions(Directions {
                source,
                step: self.last_step.get_untracked().map_or(0, |s| s.step),
                found: model::principal::PrincipalDirections {
                    directions,
                    variances,
                },
            }),
            Response::File { name, mime, bytes } => {
                if let Err(e) = browser::download(&name, &mime, &bytes) {
                    self.error.set(Some(format!("download failed: {e}")));
                }
            }
            Response::Checkpoint(bytes) => {
                let step = self.last_step.get_untracked().map_or(0, |s| s.step);
                if let Err(e) = browser::download(
                    &format!("gan-step{step}.gan"),
                    "application/octet-stream",
                    &bytes,
                ) {
                    self.error.set(Some(format!("download failed: {e}")));
                }
            }
            Response::Failed { ticket, error } => {
                match self
                    .tickets
                    .try_update_value(|t| t.failed(ticket))
                    .flatten()
                {
                    Some(Pending::Directions) => self.explorer.computing.set(false),
                    Some(Pending::Resume) => self.saved.on_open_failed(),
                    None => {}
                }
                self.error.set(Some(error.to_string()));
            }
        }
    }
}
