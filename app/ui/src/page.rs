//! The image page's state of the training run, and how each worker message changes it
//! ([`Page::apply`]): a reducer over signals that returns what the browser must do besides
//! ([`Effect`]: downloads, the session's storage, the explorer's and the autosave's own state),
//! so that it builds and is tested natively (the signals are `reactive_graph`'s, which leptos
//! re-exports). The components read these signals; `components::PageState` carries out the
//! effects. The 2-D lab has its own state (`components::lab`), outside this one.

use std::sync::Arc;

use model::GanConfig;
use model::anatomy::Architecture;
use protocol::data::Source;
use protocol::device::DeviceMeasurement;
use protocol::history::History;
use protocol::messages::{
    AlarmReport, DataSummary, DeviceChoice, DeviceInfo, FeatureMaps, GeneratorSource, Installed,
    Memorisation, NearestReport, NewModel, PretrainedInfo, Rendered, Response, SampleGrid,
    Showcase, StepReport, Thumbnail,
};
use protocol::saved_runs::SavedRun;
use protocol::verdict::VerdictReport;
use reactive_graph::owner::StoredValue;
use reactive_graph::prelude::*;
use reactive_graph::signal::RwSignal;

use crate::tickets::{Pending, Tickets};
use crate::timelapse::Timelapse;

/// What a worker message asks of the browser beyond the page's signals, in the order to do it.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Keep the device measurement for this session only (another day, another machine load).
    RememberMeasurement(DeviceMeasurement),
    /// Offer a file for download.
    Download {
        /// Suggested name.
        name: String,
        /// MIME type.
        mime: String,
        /// Contents.
        bytes: Vec<u8>,
    },
    /// A new model: the explorer no longer follows the old run's training.
    ExplorerUnfollow,
    /// The run on the user's images reached this step: the explorer may follow it.
    ExplorerFollow(u64),
    /// A project was opened: the explorer takes its view (a link's hash) for `latent` numbers.
    ExplorerRestore {
        /// The view, as the address's hash writes it.
        hash: String,
        /// The model's latent size.
        latent: usize,
    },
    /// A shipped generator loaded, or why not.
    ExplorerPretrained(Showcase, Result<PretrainedInfo, String>),
    /// Images the explorer asked for.
    ExplorerRendered(Rendered),
    /// Principal directions the explorer asked for, found at `step`.
    ExplorerDirections {
        /// Whose.
        source: GeneratorSource,
        /// The training step they were computed at.
        step: u64,
        /// Unit vectors in z, strongest first.
        directions: Vec<Vec<f32>>,
        /// Variance along each.
        variances: Vec<f32>,
    },
    /// The directions asked for will not come: the explorer stops saying "Computing…".
    ExplorerDirectionsFailed,
    /// A project (or a saved run) was opened: the autosave keeps it under this tab's run at once.
    SavedOpened,
    /// An autosave was written, or why not.
    SavedAutosaved(Result<SavedRun, String>),
    /// Resuming a saved run failed: the autosave offers it again.
    SavedOpenFailed,
}

/// The training run as the page shows it, as signals (Copy: components take it from context).
#[derive(Clone, Copy)]
pub struct Page {
    /// The compute device, once the worker has one.
    pub device: RwSignal<Option<DeviceInfo>>,
    /// True while the worker times both devices.
    pub measuring: RwSignal<bool>,
    /// Both networks layer by layer, as built now.
    pub architecture: RwSignal<Option<Architecture>>,
    /// D's latest verdict …
    pub verdict: RwSignal<Option<VerdictReport>>,
    /// … and the one before (to show a manual step's effect).
    pub previous_verdict: RwSignal<Option<VerdictReport>>,
    /// The generator layer whose feature maps are shown.
    pub inspected: RwSignal<Option<usize>>,
    /// Its feature maps, once read.
    pub activations: RwSignal<Option<FeatureMaps>>,
    /// The model's configuration (as the worker has it).
    pub config: RwSignal<Option<GanConfig>>,
    /// (description, count) of the training data.
    pub dataset: RwSignal<(String, usize)>,
    /// The user's images (shared, so that listing them never copies their pixels: 500 photos
    /// are 8 MB).
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
    /// What the model trains on, as the worker last said.
    pub source: RwSignal<Option<Source>>,
    /// The latest in-memory snapshot of the model (WebGPU only): (step, checkpoint bytes).
    pub snapshot: RwSignal<Option<(u64, Vec<u8>)>>,
    /// Times the worker's step loop ended ([`Response::Idle`]): nothing is running after it.
    pub runs_ended: RwSignal<u64>,
    /// Why the GPU device was lost, until the user chooses how to go on.
    pub lost: RwSignal<Option<String>>,
    /// The device the user asked to move to, until the model's snapshot for the move arrives …
    pub switching: RwSignal<Option<DeviceChoice>>,
    /// … set when that snapshot is in: the move can happen.
    pub switch_ready: RwSignal<Option<DeviceChoice>>,
    /// The run fell apart: what was seen, and the step (and SWD) going back would restore.
    pub alarm: RwSignal<Option<AlarmReport>>,
    /// The requests sent, by ticket: a failure undoes only what its own request began.
    pub tickets: StoredValue<Tickets>,
}

impl Default for Page {
    fn default() -> Self {
        Self::new()
    }
}

impl Page {
    /// A page with no device, model or data yet.
    pub fn new() -> Self {
        Self {
            device: RwSignal::new(None),
            measuring: RwSignal::new(false),
            architecture: RwSignal::new(None),
            verdict: RwSignal::new(None),
            previous_verdict: RwSignal::new(None),
            inspected: RwSignal::new(None),
            activations: RwSignal::new(None),
            config: RwSignal::new(None),
            dataset: RwSignal::new((String::new(), 0)),
            thumbnails: RwSignal::new(Vec::new()),
            rejected: RwSignal::new(Vec::new()),
            loading: RwSignal::new(None),
            running: RwSignal::new(false),
            last_step: RwSignal::new(None),
            history: RwSignal::new(History::default()),
            samples: RwSignal::new(None),
            quality: RwSignal::new(None),
            swd_range: RwSignal::new(None),
            timelapse: RwSignal::new(Timelapse::default()),
            memorisation: RwSignal::new(None),
            nearest: RwSignal::new(None),
            error: RwSignal::new(None),
            source: RwSignal::new(None),
            snapshot: RwSignal::new(None),
            runs_ended: RwSignal::new(0),
            lost: RwSignal::new(None),
            switching: RwSignal::new(None),
            switch_ready: RwSignal::new(None),
            alarm: RwSignal::new(None),
            tickets: StoredValue::new(Tickets::default()),
        }
    }

    /// The device is up and not training: single steps and new models are offered.
    pub fn idle(self) -> bool {
        self.device.with(Option::is_some) && !self.running.get()
    }

    /// The step of the last report (0 before any).
    fn step_untracked(self) -> u64 {
        self.last_step.get_untracked().map_or(0, |s| s.step)
    }

    /// The run is at `step` now (it went back, or moved to another worker).
    fn set_step(self, step: u64) {
        self.last_step
            .update(|s| s.iter_mut().for_each(|s| s.step = step));
    }

    /// What the model trains on, as the worker says.
    fn show_data(self, data: DataSummary) {
        self.dataset.set((data.name, data.count));
        self.source.set(Some(data.source));
    }

    /// A model the worker installed: a new run, or (from the run's snapshot on a new worker) the
    /// same run going on, or an opened project with the page's part of it.
    fn install(self, model: NewModel, effects: &mut Vec<Effect>) {
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
            self.set_step(step);
            self.config.set(Some(config));
            return;
        }
        // A new model: its history starts over.
        self.alarm.set(None);
        effects.push(Effect::ExplorerUnfollow);
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
                effects.push(Effect::ExplorerRestore {
                    hash: page.view,
                    latent,
                });
            }
            // Kept under this tab's run at once: what was opened is safe from a reload.
            effects.push(Effect::SavedOpened);
        }
    }

    /// Applies one message from the worker to the signals; returns what else to do.
    #[must_use = "the effects are the browser's part of the message: downloads, the explorer's and the autosave's state"]
    pub fn apply(self, response: Response) -> Vec<Effect> {
        let mut effects = Vec::new();
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
                    effects.push(Effect::RememberMeasurement(measured.clone()));
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
                    self.set_step(back.step);
                }
                self.alarm.set(Some(report));
            }
            Response::Autosaved(outcome) => effects.push(Effect::SavedAutosaved(outcome)),
            Response::WentBack(step) => {
                self.alarm.set(None);
                self.set_step(step);
            }
            Response::ModelInstalled(model) => self.install(*model, &mut effects),
            Response::Running(running) => self.running.set(running),
            Response::Idle => self.runs_ended.update(|n| *n += 1),
            Response::Step(report) => {
                self.history.update(|h| h.push(report.step, report.values));
                self.last_step.set(Some(report));
                if report.step > 0 && self.source.get_untracked() == Some(Source::User) {
                    effects.push(Effect::ExplorerFollow(report.step));
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
            Response::Pretrained(showcase, loaded) => {
                effects.push(Effect::ExplorerPretrained(showcase, loaded))
            }
            Response::Rendered(rendered) => effects.push(Effect::ExplorerRendered(rendered)),
            Response::Directions {
                source,
                directions,
                variances,
            } => effects.push(Effect::ExplorerDirections {
                source,
                step: self.step_untracked(),
                directions,
                variances,
            }),
            Response::File { name, mime, bytes } => {
                effects.push(Effect::Download { name, mime, bytes })
            }
            Response::Checkpoint(bytes) => effects.push(Effect::Download {
                name: format!("gan-step{}.gan", self.step_untracked()),
                mime: "application/octet-stream".into(),
                bytes,
            }),
            Response::Failed { ticket, error } => {
                match self
                    .tickets
                    .try_update_value(|t| t.failed(ticket))
                    .flatten()
                {
                    Some(Pending::Directions) => effects.push(Effect::ExplorerDirectionsFailed),
                    Some(Pending::Resume) => effects.push(Effect::SavedOpenFailed),
                    None => {}
                }
                self.error.set(Some(error.to_string()));
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timelapse::tests::grid;
    use model::StepValues;
    use model::health::{Alarm, Fallback};
    use protocol::data::Builtin;
    use protocol::device::Timing;
    use protocol::messages::{Request, Ticket, WorkerError};
    use protocol::saved_runs::PageSnapshot;

    /// Applies a message whose effects the test does not look at.
    fn feed(page: Page, response: Response) {
        let _ = page.apply(response);
    }

    fn report(step: u64) -> StepReport {
        StepReport {
            step,
            epoch: 0,
            values: StepValues {
                d_loss: Some(1.0),
                ..Default::default()
            },
            ms: 10.0,
        }
    }

    fn data(source: Source) -> DataSummary {
        DataSummary {
            name: "rings".into(),
            count: 512,
            source,
        }
    }

    fn installed(step: u64, cause: Installed) -> Response {
        Response::ModelInstalled(Box::new(NewModel {
            config: GanConfig::default(),
            architecture: Architecture {
                generator: Vec::new(),
                discriminator: Vec::new(),
            },
            dataset: data(Source::User),
            step,
            cause,
        }))
    }

    /// A page that has trained `steps` steps on `source`, with one grid and a quality measure.
    fn trained(steps: u64, source: Source) -> Page {
        let page = Page::new();
        feed(page, installed(0, Installed::Started));
        feed(page, Response::Dataset(data(source)));
        for step in 1..=steps {
            feed(page, Response::Step(report(step)));
        }
        feed(page, Response::Samples(grid(steps)));
        feed(page, quality(steps));
        page
    }

    fn quality(step: u64) -> Response {
        Response::Quality {
            step,
            swd: 80.0,
            swd_range: (70.0, 90.0),
            diversity: 0.9,
            memorisation: None,
        }
    }

    fn measurement(remembered: bool) -> DeviceMeasurement {
        DeviceMeasurement {
            adapter: "nvidia / ampere".into(),
            batch: 16,
            cpu: Timing::PerStep(40.0),
            gpu: Timing::PerStep(10.0),
            remembered,
        }
    }

    #[test]
    fn a_step_is_charted_and_the_explorer_follows_training_on_the_users_images_only() {
        let page = trained(0, Source::User);
        assert_eq!(
            page.apply(Response::Step(report(1))),
            vec![Effect::ExplorerFollow(1)]
        );
        assert_eq!(page.last_step.get_untracked(), Some(report(1)));
        assert_eq!(page.history.with_untracked(History::len), 1);
        let page = trained(0, Source::Builtin(Builtin::Digits));
        assert_eq!(page.apply(Response::Step(report(1))), vec![]);
        assert_eq!(page.history.with_untracked(History::len), 1);
    }

    #[test]
    fn grids_verdicts_quality_and_inspection_are_shown() {
        let page = trained(3, Source::User);
        assert_eq!(page.samples.get_untracked(), Some(grid(3)));
        assert_eq!(page.timelapse.with_untracked(|t| t.frames().len()), 1);
        assert_eq!(page.quality.get_untracked(), Some((3, 80.0, 0.9)));
        assert_eq!(page.swd_range.get_untracked(), Some((70.0, 90.0)));
        // A verdict keeps the one before, to show what a manual step changed.
        let verdict = |logit: f32| {
            VerdictReport::new(
                model::LossKind::Bce,
                (vec![logit], vec![vec![0; 4]]),
                (vec![-logit], vec![vec![0; 4]]),
                1,
            )
        };
        feed(page, Response::Verdict(verdict(0.1)));
        feed(page, Response::Verdict(verdict(0.9)));
        assert_eq!(page.verdict.get_untracked(), Some(verdict(0.9)));
        assert_eq!(page.previous_verdict.get_untracked(), Some(verdict(0.1)));
        // Feature maps only for the layer still asked for.
        let maps = |layer| FeatureMaps {
            layer,
            side: 4,
            maps: Ok(Vec::new()),
        };
        page.inspected.set(Some(2));
        feed(page, Response::Activations(maps(1)));
        assert_eq!(page.activations.get_untracked(), None, "a click moved on");
        feed(page, Response::Activations(maps(2)));
        assert_eq!(page.activations.get_untracked(), Some(maps(2)));
        feed(page, Response::Nearest(Err("no images".into())));
        assert_eq!(page.nearest.get_untracked(), Some(Err("no images".into())));
    }

    #[test]
    fn the_device_its_measurement_and_the_training_loop() {
        let page = Page::new();
        feed(page, Response::Measuring);
        assert!(page.measuring.get_untracked());
        assert!(!page.idle(), "no device yet");
        let cpu = |measured| DeviceInfo::Cpu {
            reason: "no WebGPU".into(),
            measured,
            webgpu_next: false,
            relaxed_simd: true,
        };
        // A fresh measurement is kept for the session; one read back from it is not kept again.
        assert_eq!(
            page.apply(Response::Device(cpu(Some(measurement(false))))),
            vec![Effect::RememberMeasurement(measurement(false))]
        );
        assert!(!page.measuring.get_untracked());
        assert!(page.idle());
        assert_eq!(
            page.apply(Response::Device(cpu(Some(measurement(true))))),
            vec![]
        );
        feed(page, Response::Running(true));
        assert!(!page.idle(), "training");
        feed(page, Response::Running(false));
        feed(page, Response::Idle);
        feed(page, Response::Idle);
        assert_eq!(page.runs_ended.get_untracked(), 2);
        assert!(page.idle());
    }

    #[test]
    fn images_added_refused_and_cleared() {
        let page = Page::new();
        let thumbnail = |id| Thumbnail {
            id,
            name: format!("{id}.png"),
            rgba: vec![0; 4],
        };
        feed(
            page,
            Response::ImagesAdded(vec![thumbnail(1), thumbnail(2)]),
        );
        feed(page, Response::ImagesAdded(vec![thumbnail(3)]));
        assert_eq!(page.thumbnails.with_untracked(Vec::len), 3);
        feed(
            page,
            Response::ImagesRejected(vec![("a.txt".into(), "not an image".into())]),
        );
        assert_eq!(page.rejected.with_untracked(Vec::len), 1);
        feed(page, Response::ImageCount(2));
        assert_eq!(page.thumbnails.with_untracked(Vec::len), 3, "a count alone");
        feed(page, Response::ImageCount(0));
        assert_eq!(page.thumbnails.with_untracked(Vec::len), 0, "cleared");
        feed(
            page,
            Response::Dataset(data(Source::Builtin(Builtin::Digits))),
        );
        assert_eq!(page.dataset.get_untracked(), ("rings".into(), 512));
        assert_eq!(
            page.source.get_untracked(),
            Some(Source::Builtin(Builtin::Digits))
        );
    }

    #[test]
    fn a_new_model_starts_the_charts_over_and_the_explorer_lets_go_of_the_old_run() {
        let page = trained(5, Source::User);
        page.inspected.set(Some(1));
        page.alarm.set(Some(AlarmReport {
            alarm: Alarm::NonFinite { step: 5 },
            back_to: None,
            restored: false,
        }));
        assert_eq!(
            page.apply(installed(0, Installed::Configured)),
            vec![Effect::ExplorerUnfollow]
        );
        assert_eq!(page.history.with_untracked(History::len), 0);
        assert_eq!(page.timelapse.with_untracked(|t| t.frames().len()), 0);
        assert_eq!(page.last_step.get_untracked(), None);
        assert_eq!(page.quality.get_untracked(), None);
        assert_eq!(page.alarm.get_untracked(), None);
        assert_eq!(page.inspected.get_untracked(), None);
        assert!(page.config.get_untracked().is_some());
        assert!(page.architecture.get_untracked().is_some());
    }

    #[test]
    fn the_hand_over_to_a_new_worker_keeps_the_run_up_to_its_snapshot() {
        // The user asked to move to the CPU: the move waits for the model's snapshot.
        let page = trained(10, Source::User);
        page.switching.set(Some(DeviceChoice::Cpu));
        feed(
            page,
            Response::Snapshot {
                step: 8,
                bytes: vec![1, 2, 3],
            },
        );
        assert_eq!(page.switching.get_untracked(), None);
        assert_eq!(page.switch_ready.get_untracked(), Some(DeviceChoice::Cpu));
        assert_eq!(page.snapshot.get_untracked(), Some((8, vec![1, 2, 3])));
        // The new worker installs the snapshot: the same run, from its step, with no new start.
        assert_eq!(page.apply(installed(8, Installed::Continued)), vec![]);
        assert_eq!(page.history.with_untracked(History::len), 8);
        assert_eq!(page.last_step.get_untracked().map(|s| s.step), Some(8));
        assert_eq!(page.quality.get_untracked(), Some((10, 80.0, 0.9)));
        assert_eq!(page.timelapse.with_untracked(|t| t.frames().len()), 1);
    }

    #[test]
    fn recovery_a_lost_device_an_alarm_and_going_back() {
        let page = trained(10, Source::User);
        feed(page, Response::Running(true));
        feed(page, Response::DeviceLost("GPU reset".into()));
        assert!(!page.running.get_untracked());
        assert_eq!(page.lost.get_untracked(), Some("GPU reset".into()));
        // Non-finite losses: the worker already went back; the step shown follows.
        let alarm = |restored| AlarmReport {
            alarm: Alarm::NonFinite { step: 10 },
            back_to: Some(Fallback { step: 7, swd: None }),
            restored,
        };
        feed(page, Response::Alarm(alarm(false)));
        assert_eq!(page.last_step.get_untracked().map(|s| s.step), Some(10));
        feed(page, Response::Alarm(alarm(true)));
        assert_eq!(page.last_step.get_untracked().map(|s| s.step), Some(7));
        assert_eq!(page.alarm.get_untracked(), Some(alarm(true)));
        // Going back on request clears the alarm.
        feed(page, Response::WentBack(4));
        assert_eq!(page.alarm.get_untracked(), None);
        assert_eq!(page.last_step.get_untracked().map(|s| s.step), Some(4));
    }

    #[test]
    fn an_opened_project_brings_its_charts_view_and_step() {
        let page = trained(3, Source::User);
        let mut history = History::default();
        history.push(40, StepValues::default());
        let project = |last_step| Installed::Project {
            page: PageSnapshot {
                history: history.clone(),
                last_step,
                quality: Some((40, 60.0, 0.8)),
                view: "z=AAAA".into(),
            },
            epoch: 2,
        };
        assert_eq!(
            page.apply(installed(40, project(Some(report(40))))),
            vec![
                Effect::ExplorerUnfollow,
                Effect::ExplorerRestore {
                    hash: "z=AAAA".into(),
                    latent: GanConfig::default().latent_size
                },
                Effect::SavedOpened
            ]
        );
        assert_eq!(page.history.get_untracked(), history);
        assert_eq!(page.quality.get_untracked(), Some((40, 60.0, 0.8)));
        assert_eq!(page.last_step.get_untracked(), Some(report(40)));
        // Trained on natively after the page saved it: its step, without the page's numbers.
        feed(page, installed(90, project(Some(report(40)))));
        let shown = page.last_step.get_untracked().unwrap();
        assert_eq!((shown.step, shown.epoch), (90, 2));
        assert_eq!(shown.values, StepValues::default());
    }

    #[test]
    fn files_become_downloads_named_by_the_step() {
        let page = trained(12, Source::User);
        assert_eq!(
            page.apply(Response::Checkpoint(vec![7])),
            vec![Effect::Download {
                name: "gan-step12.gan".into(),
                mime: "application/octet-stream".into(),
                bytes: vec![7]
            }]
        );
        let file = || Response::File {
            name: "run.ganproj".into(),
            mime: "application/octet-stream".into(),
            bytes: vec![1],
        };
        assert!(
            matches!(&page.apply(file())[..], [Effect::Download { name, .. }] if name == "run.ganproj")
        );
    }

    #[test]
    fn the_explorers_and_the_autosaves_messages_go_to_them() {
        let page = trained(6, Source::User);
        assert_eq!(
            page.apply(Response::Directions {
                source: GeneratorSource::Training,
                directions: vec![vec![1.0]],
                variances: vec![2.0],
            }),
            vec![Effect::ExplorerDirections {
                source: GeneratorSource::Training,
                step: 6,
                directions: vec![vec![1.0]],
                variances: vec![2.0],
            }]
        );
        assert_eq!(
            page.apply(Response::Pretrained(Showcase::Emoji, Err("offline".into()))),
            vec![Effect::ExplorerPretrained(
                Showcase::Emoji,
                Err("offline".into())
            )]
        );
        assert_eq!(
            page.apply(Response::Autosaved(Err("quota".into()))),
            vec![Effect::SavedAutosaved(Err("quota".into()))]
        );
        let rendered = page.apply(Response::Rendered(Rendered {
            id: 1,
            purpose: protocol::messages::RenderPurpose::Preview,
            frames: Ok(Vec::new()),
            size: 32,
            ms: 5.0,
        }));
        assert!(matches!(&rendered[..], [Effect::ExplorerRendered(_)]));
    }

    #[test]
    fn a_failure_undoes_only_what_its_own_request_began() {
        let page = trained(2, Source::User);
        let (directions, resume, export) = page
            .tickets
            .try_update_value(|t| {
                (
                    t.issue(&Request::ComputeDirections(GeneratorSource::Training)),
                    t.issue(&Request::OpenSaved("run".into())),
                    t.issue(&Request::Pause),
                )
            })
            .unwrap();
        let failed = |ticket: Ticket| Response::Failed {
            ticket,
            error: WorkerError::NotReady,
        };
        assert_eq!(page.apply(failed(export)), vec![]);
        assert_eq!(
            page.error.get_untracked(),
            Some(WorkerError::NotReady.to_string())
        );
        assert_eq!(page.apply(failed(resume)), vec![Effect::SavedOpenFailed]);
        assert_eq!(
            page.apply(failed(directions)),
            vec![Effect::ExplorerDirectionsFailed]
        );
        // Each undone once: the same ticket again only shows its error.
        assert_eq!(page.apply(failed(directions)), vec![]);
    }
}
