//! The training worker: owns the device and the [`Trainer`], answers [`Request`]s, and runs
//! the training loop between messages so the page's thread never computes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use model::checkpoint;
use model::project::Project;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};

mod startup;

use crate::explorer::{Explorer, export};
use protocol::data::Source;
use protocol::messages::{
    AlarmReport, DeviceInfo, FeatureMaps, Rendered, Request, Response, SampleGrid, SavePurpose,
    Showcase, StepReport,
};
use protocol::saved_runs::SavedRun;
use protocol::store as browser_store;
use startup::{default_config, start_device};

use crate::trainer::{StepKind, Trainer};
use protocol::verdict::Judged;

/// Milliseconds between two refreshes of the sample grid while training.
const SAMPLE_INTERVAL_MS: f64 = 1500.0;
/// Steps between two quality measurements.
const QUALITY_EVERY: u64 = 200;
/// Milliseconds between two in-memory snapshots while training on WebGPU.
const SNAPSHOT_INTERVAL_MS: f64 = 20_000.0;
/// Clicks on Step (or Train) kept while a step runs; more are dropped.
const MAX_QUEUED_STEPS: usize = 16;
/// Feature maps shown for a generator layer.
const FEATURE_MAPS: usize = 8;
/// How errors of the compute device begin.
const DEVICE_FAILED: &str = "the device failed";

/// Why a step or its read-back stopped: the compute device itself (on WebGPU, how a lost device
/// shows up) or anything else.
enum Failure {
    Device(String),
    Other(String),
}

impl Failure {
    fn device(e: burn::tensor::ExecutionError) -> Self {
        Failure::Device(e.to_string())
    }
}

impl From<&str> for Failure {
    fn from(reason: &str) -> Self {
        Failure::Other(reason.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Device(e) => write!(f, "{DEVICE_FAILED}: {e}"),
            Failure::Other(reason) => f.write_str(reason),
        }
    }
}

/// The worker. State lives behind `Rc`s so the async loop can share it.
pub struct TrainerWorker {
    trainer: Rc<RefCell<Option<Trainer>>>,
    explorer: Rc<RefCell<Explorer>>,
    running: Rc<Cell<bool>>,
    /// Training on WebGPU: the page keeps snapshots to survive a lost device.
    gpu: Rc<Cell<bool>>,
    last_snapshot: Rc<Cell<f64>>,
    /// True while a step's read-back is pending: one step at a time.
    busy: Rc<Cell<bool>>,
    last_samples: Rc<Cell<f64>>,
    /// True while an autosave is being written: one asked meanwhile waits for it (two writes
    /// of the same run would race).
    autosaving: Rc<Cell<bool>>,
    /// Steps (kind, continuous) asked for while one was running, in order.
    queued: Rc<RefCell<std::collections::VecDeque<(StepKind, bool)>>>,
    /// The autosave asked for while one was being written.
    autosave_queued: Rc<RefCell<Option<(SavePurpose, String)>>>,
    pending: Vec<(Request, HandlerId)>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The bytes at `url` (same origin), fetched from the worker.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url} could not be fetched: {e:?}"))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| format!("{url}: {e:?}"))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| format!("{url}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

impl TrainerWorker {
    fn respond(scope: &WorkerScope<Self>, id: HandlerId, response: Response) {
        scope.respond(id, response);
    }

    /// Runs one step (kind) and reports it; `Ok(Some(alarm))` when the run is falling apart,
    /// `Err` on a device failure.
    async fn step_once(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        last_samples: &Rc<Cell<f64>>,
        kind: StepKind,
        force_samples: bool,
        scope: &WorkerScope<Self>,
        id: HandlerId,
    ) -> Result<Option<Response>, Failure> {
        let started = now();
        let (stats, model) = {
            let mut t = trainer.borrow_mut();
            let t = t.as_mut().ok_or("the device is not ready")?;
            (t.step(kind), t.weights_version().0)
        };
        let values = stats.read().await.map_err(Failure::device)?;
        let (step, epoch, alarm) = {
            let mut t = trainer.borrow_mut();
            let t = t.as_mut().ok_or("the device is not ready")?;
            // Another model was installed meanwhile (a project, a checkpoint, a new
            // configuration): this step's numbers are not its.
            if t.weights_version().0 != model {
                return Ok(None);
            }
            // D-only and G-only steps are the user's experiments, not the run's course.
            let alarm = (kind == StepKind::Full && values.is_finite())
                .then(|| t.observe_step(&values))
                .flatten()
                .map(|alarm| Self::alarm(t, alarm));
            (t.step_count(), t.epoch(), alarm)
        };
        let ms = now() - started;
        Self::respond(
            scope,
            id,
            Response::Step(StepReport {
                step,
                epoch,
                values,
                ms,
            }),
        );
        if !values.is_finite() {
            // Nothing after a NaN is worth keeping: go back to the last good state at once.
            let report = {
                let mut t = trainer.borrow_mut();
                let t = t.as_mut().ok_or("the device is not ready")?;
                t.diverged();
                let back_to = t.fallback_step(true);
                let restored = back_to.is_some() && t.go_back(true).is_ok();
                AlarmReport {
                    alarm: model::health::Alarm::NonFinite { step },
                    back_to,
                    restored,
                }
            };
            if report.restored {
                Self::send_samples(trainer, false, Judged::Refresh, scope, id).await?;
            }
            return Ok(Some(Response::Alarm(report)));
        }
        let quality = step > 0 && step % QUALITY_EVERY == 0 && kind != StepKind::Discriminator;
        if force_samples
            || quality
            || alarm.is_some()
            || now() - last_samples.get() > SAMPLE_INTERVAL_MS
        {
            last_samples.set(now());
            let judged = match kind {
                StepKind::Discriminator if force_samples => Judged::AfterStepD,
                StepKind::Generator if force_samples => Judged::AfterStepG,
                _ => Judged::Refresh,
            };
            let quality_alarm = Self::send_samples(trainer, quality, judged, scope, id).await?;
            return Ok(alarm.or(quality_alarm));
        }
        Ok(alarm)
    }

    /// The page's message for `alarm`, with the state going back would restore.
    fn alarm(t: &Trainer, alarm: model::health::Alarm) -> Response {
        Response::Alarm(AlarmReport {
            alarm,
            back_to: t.fallback_step(false),
            restored: false,
        })
    }

    /// Sends the sample grid and D's verdict on it (`judged`: what came just before), and with
    /// `quality` the grid's quality measure; `Ok(Some(alarm))` when that measure says the run
    /// is falling apart.
    async fn send_samples(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        quality: bool,
        judged: Judged,
        scope: &WorkerScope<Self>,
        id: HandlerId,
    ) -> Result<Option<Response>, Failure> {
        let (samples, step, judgement) = {
            let mut t = trainer.borrow_mut();
            let t = t.as_mut().ok_or("the device is not ready")?;
            let (shown, raw) = t.samples_and_raw();
            let judgement = t.judge(raw.clone()).map(|j| (j, raw));
            (shown, t.step_count(), judgement)
        };
        let pixels = read_floats(samples).await?;
        let verdict = match judgement {
            Some(((real_logits, fake_logits, real), fake)) => {
                // Only the row's images of the raw batch are shown.
                let shown = protocol::verdict::ROW.min(fake.dims()[0]);
                let fake = fake.narrow(0, 0, shown);
                Some((
                    read_floats(real_logits).await?,
                    read_floats(fake_logits).await?,
                    read_floats(real).await?,
                    read_floats(fake).await?,
                ))
            }
            None => None,
        };
        let mut t = trainer.borrow_mut();
        let t = t.as_mut().ok_or("the device is not ready")?;
        if let Some((real_logits, fake_logits, real, fake)) = verdict {
            let report = t.verdict_report((&real_logits, &fake_logits), (&real, &fake), judged);
            Self::respond(scope, id, Response::Verdict(report));
        }
        let (width, height, rgba) = t.grid_rgba(&pixels);
        Self::respond(
            scope,
            id,
            Response::Samples(SampleGrid {
                step,
                width,
                height,
                rgba,
            }),
        );
        if !quality {
            return Ok(None);
        }
        let (swd, diversity) = t.quality(&pixels);
        let memorisation = t.memorisation(&pixels);
        Self::respond(
            scope,
            id,
            Response::Quality {
                step,
                swd,
                diversity,
                memorisation,
            },
        );
        Ok(t.observe_quality(swd).map(|alarm| Self::alarm(t, alarm)))
    }

    /// Sends the sample grid of the model as it is now (after a load or going back).
    fn refresh_samples(&self, scope: &WorkerScope<Self>, id: HandlerId) {
        let (trainer, scope) = (self.trainer.clone(), scope.clone());
        spawn_local(async move {
            if let Err(e) = Self::send_samples(&trainer, false, Judged::Refresh, &scope, id).await {
                Self::respond(&scope, id, Response::Error(e.to_string()));
            }
        });
    }

    fn run(&self, kind: StepKind, repeat: bool, scope: &WorkerScope<Self>, id: HandlerId) {
        if self.busy.get() {
            // A click while a step is in flight runs after it, not never.
            let mut queued = self.queued.borrow_mut();
            if queued.len() < MAX_QUEUED_STEPS {
                queued.push_back((kind, repeat));
            }
            return;
        }
        self.busy.set(true);
        let queued = self.queued.clone();
        let (trainer, running, busy, last) = (
            self.trainer.clone(),
            self.running.clone(),
            self.busy.clone(),
            self.last_samples.clone(),
        );
        let (gpu, last_snapshot) = (self.gpu.get(), self.last_snapshot.clone());
        let scope = scope.clone();
        spawn_local(async move {
            let (mut kind, mut repeat) = (kind, repeat);
            'runs: loop {
                loop {
                    let result = Self::step_once(&trainer, &last, kind, !repeat, &scope, id).await;
                    let stop_with = match result {
                        Ok(None) => None,
                        // A warning (the players take turns winning): say it and go on.
                        Ok(Some(Response::Alarm(report))) if !report.alarm.pauses() => {
                            Self::respond(&scope, id, Response::Alarm(report));
                            None
                        }
                        // The run is falling apart: pause, so the class sees it and can go back.
                        Ok(Some(alarm)) => Some(alarm),
                        Err(e @ Failure::Device(_)) if gpu => {
                            Some(Response::DeviceLost(e.to_string()))
                        }
                        Err(e) => Some(Response::Error(e.to_string())),
                    };
                    if let Some(reply) = stop_with {
                        running.set(false);
                        Self::respond(&scope, id, Response::Running(false));
                        Self::respond(&scope, id, reply);
                        queued.borrow_mut().clear();
                        break 'runs;
                    }
                    let stopping = !repeat || !running.get();
                    if gpu && (stopping || now() - last_snapshot.get() > SNAPSHOT_INTERVAL_MS) {
                        last_snapshot.set(now());
                        Self::snapshot(&trainer, &scope, id);
                    }
                    if stopping {
                        break;
                    }
                    // Let queued messages (Pause, a slider) in between steps.
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    if !running.get() {
                        break;
                    }
                }
                // The next click that came meanwhile (Train only while still asked for).
                let next = std::iter::from_fn(|| queued.borrow_mut().pop_front())
                    .find(|&(_, repeat)| !repeat || running.get());
                match next {
                    Some(next) => (kind, repeat) = next,
                    None => break,
                }
            }
            busy.set(false);
        });
    }

    /// Sends the page a checkpoint of the current model (read asynchronously, without Adam's
    /// state), to restore it on a new device if this one is lost.
    fn snapshot(trainer: &Rc<RefCell<Option<Trainer>>>, scope: &WorkerScope<Self>, id: HandlerId) {
        let Some((gan, position)) = trainer
            .borrow()
            .as_ref()
            .map(|t| (t.gan(), t.data_position()))
        else {
            return;
        };
        let scope = scope.clone();
        spawn_local(async move {
            if let Ok(bytes) = checkpoint::save_async(&gan, position.as_ref()).await {
                let step = gan.step;
                Self::respond(&scope, id, Response::Snapshot { step, bytes });
            }
        });
    }

    /// Stops training and forgets queued step clicks (a new model is coming: they were for
    /// the old one).
    fn stop_all(&self) {
        self.running.set(false);
        self.queued.borrow_mut().clear();
    }

    /// Replaces images, data and model with a project file's and tells the page everything
    /// that changed; on a bad file nothing changes and the page says why.
    fn open_project(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        bytes: &[u8],
        scope: &WorkerScope<Self>,
        id: HandlerId,
    ) {
        let reply = |r: Response| Self::respond(scope, id, r);
        {
            let mut guard = trainer.borrow_mut();
            let Some(t) = guard.as_mut() else {
                reply(Response::Error("the device is not ready".into()));
                return;
            };
            let opened = Project::from_bytes(bytes)
                .map_err(|e| e.to_string())
                .and_then(|project| {
                    let page = project.page.to_string();
                    t.open_project(project).map(|thumbnails| (thumbnails, page))
                });
            let (thumbnails, page) = match opened {
                Ok(opened) => opened,
                Err(e) => {
                    reply(Response::Error(format!("project not opened: {e}")));
                    return;
                }
            };
            reply(Response::Running(false));
            reply(Response::ImageCount(0));
            if !thumbnails.is_empty() {
                reply(Response::ImagesAdded(thumbnails));
            }
            reply(Response::Config(t.config().clone()));
            reply(Response::Architecture(t.architecture()));
            reply(Self::describe_data(t));
            reply(Response::ProjectOpened {
                page,
                step: t.step_count(),
                epoch: t.data_position().map_or(0, |p| p.epoch as usize),
            });
        }
        let (trainer, scope) = (trainer.clone(), scope.clone());
        spawn_local(async move {
            if let Err(e) = Self::send_samples(&trainer, false, Judged::Refresh, &scope, id).await {
                Self::respond(&scope, id, Response::Error(e.to_string()));
            }
        });
    }

    /// A project file of the run as it is now, downloaded or autosaved (`None`: an autosave of
    /// a diverged model, skipped).
    async fn save_project(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        purpose: SavePurpose,
        page: String,
    ) -> Option<Response> {
        let (gan, position, (data, images)) = {
            let t = trainer.borrow();
            let t = t.as_ref()?;
            if matches!(purpose, SavePurpose::Autosave { .. }) && !t.healthy() {
                return None;
            }
            (t.gan(), t.data_position(), t.project_data())
        };
        // A step's weights are only checked when its losses are read back: never autosave
        // weights that hold a NaN over a good save.
        if matches!(purpose, SavePurpose::Autosave { .. })
            && !model::snapshot::all_finite(&gan).await.unwrap_or(false)
        {
            return None;
        }
        let checkpoint = match checkpoint::save_async(&gan, position.as_ref()).await {
            Ok(checkpoint) => checkpoint,
            Err(e) => {
                return Some(Response::Error(format!(
                    "the project could not be saved: {e}"
                )));
            }
        };
        let count = images.len();
        let bytes = Project {
            data,
            images,
            checkpoint,
            page: serde_json::from_str(&page).unwrap_or_default(),
        }
        .to_bytes();
        Some(match purpose {
            SavePurpose::Download => Response::File {
                name: format!("gan-step{}.ganproj", gan.step),
                mime: "application/octet-stream".into(),
                bytes,
            },
            SavePurpose::Autosave { run_id } => {
                let run = SavedRun {
                    run_id,
                    step: gan.step,
                    images: count,
                    saved_at_ms: js_sys::Date::now(),
                    bytes: bytes.len(),
                };
                let saved = browser_store::save(&run, &bytes).await;
                Response::Autosaved(saved.map(|()| run).map_err(|e| e.to_string()))
            }
        })
    }

    fn describe_data(t: &Trainer) -> Response {
        let (name, count) = t.dataset_summary();
        Response::Dataset {
            name,
            count,
            source: t.source(),
        }
    }

    /// Fetches a shipped generator (its URL is relative to the worker's script, which sits
    /// next to the page) and loads it on the training device, answering with
    /// [`Response::Pretrained`].
    fn load_pretrained(&self, scope: &WorkerScope<Self>, showcase: Showcase, id: HandlerId) {
        let (trainer, explorer, scope) =
            (self.trainer.clone(), self.explorer.clone(), scope.clone());
        spawn_local(async move {
            let loaded = match fetch_bytes(showcase.url()).await {
                Ok(bytes) => {
                    let device = trainer.borrow().as_ref().map(|t| t.device().clone());
                    match device {
                        Some(device) => explorer
                            .borrow_mut()
                            .load_pretrained(showcase, &bytes, &device),
                        None => Err("the device is not ready".into()),
                    }
                }
                Err(e) => Err(e),
            };
            Self::respond(&scope, id, Response::Pretrained(showcase, loaded));
        });
    }

    fn handle(&mut self, scope: &WorkerScope<Self>, request: Request, id: HandlerId) {
        let reply = |r: Response| Self::respond(scope, id, r);
        let mut guard = self.trainer.borrow_mut();
        let Some(t) = guard.as_mut() else {
            // Not ready yet: keep the request for when the device is.
            self.pending.push((request, id));
            return;
        };
        match request {
            Request::Init { .. } => {}
            Request::TimelapseGif {
                width,
                height,
                frames,
                frame_ms,
            } => {
                let images: Option<Vec<image::RgbaImage>> = frames
                    .into_iter()
                    .map(|rgba| image::RgbaImage::from_raw(width, height, rgba))
                    .collect();
                let gif = images
                    .ok_or_else(|| "the timelapse's frames have different sizes".to_string())
                    .and_then(|images| {
                        model::images::encode_gif(&images, frame_ms).map_err(|e| e.to_string())
                    });
                reply(match gif {
                    Ok(bytes) => Response::File {
                        name: "timelapse.gif".into(),
                        mime: "image/gif".into(),
                        bytes,
                    },
                    Err(e) => Response::Error(format!("the timelapse GIF failed: {e}")),
                });
            }
            Request::ShowRaw(raw) => {
                t.set_show_raw(raw);
                drop(guard);
                self.refresh_samples(scope, id);
            }
            Request::Nearest { real, index } => reply(Response::Nearest(t.nearest(real, index))),
            Request::Activations { layer } => {
                let maps = t.activations(layer, FEATURE_MAPS);
                let scope = scope.clone();
                spawn_local(async move {
                    let report = match maps {
                        None => FeatureMaps {
                            layer,
                            side: 0,
                            maps: Err(format!("layer {layer} has no feature maps")),
                        },
                        Some(maps) => {
                            let [_, k, side, _] = maps.dims();
                            match maps.into_data_async().await {
                                Ok(data) => {
                                    let values: Vec<f32> = data.iter::<f32>().collect();
                                    FeatureMaps {
                                        layer,
                                        side: side as u32,
                                        maps: Ok(model::images::feature_maps_rgba(
                                            &values, k, side,
                                        )),
                                    }
                                }
                                Err(e) => FeatureMaps {
                                    layer,
                                    side: side as u32,
                                    maps: Err(format!("{DEVICE_FAILED}: {e}")),
                                },
                            }
                        }
                    };
                    Self::respond(&scope, id, Response::Activations(report));
                });
            }
            Request::LoadPretrained(showcase) => self.load_pretrained(scope, showcase, id),
            Request::TakeSnapshot => {
                drop(guard);
                Self::snapshot(&self.trainer, scope, id);
            }
            Request::UseBuiltin(kind) => {
                t.use_builtin(kind);
                reply(Self::describe_data(t));
            }
            Request::AddFiles(files) => {
                let (added, rejected) = t.add_files(files);
                if !added.is_empty() {
                    reply(Response::ImagesAdded(added));
                }
                if !rejected.is_empty() {
                    reply(Response::ImagesRejected(rejected));
                }
                reply(Self::describe_data(t));
            }
            Request::RemoveImage(image) => {
                t.remove(image);
                reply(Response::ImageCount(t.user_count()));
                reply(Self::describe_data(t));
            }
            Request::ClearImages => {
                t.clear();
                reply(Response::ImageCount(0));
                reply(Self::describe_data(t));
            }
            Request::UseUserImages => match t.use_user() {
                Ok(()) => reply(Self::describe_data(t)),
                Err(e) => reply(Response::Error(e)),
            },
            Request::Configure(config) => {
                self.stop_all();
                match t.configure(config) {
                    Ok(()) => {
                        reply(Response::Running(false));
                        reply(Response::Config(t.config().clone()));
                        reply(Response::Architecture(t.architecture()));
                        drop(guard);
                        self.refresh_samples(scope, id);
                    }
                    Err(e) => reply(Response::Error(e)),
                }
            }
            Request::Train => {
                if t.source() == Source::User && t.user_count() == 0 {
                    reply(Response::Error("add some images first".into()));
                    return;
                }
                self.running.set(true);
                reply(Response::Running(true));
                drop(guard);
                self.run(StepKind::Full, true, scope, id);
            }
            Request::Pause => {
                self.running.set(false);
                reply(Response::Running(false));
            }
            Request::Step | Request::StepD | Request::StepG => {
                let kind = match request {
                    Request::Step => StepKind::Full,
                    Request::StepD => StepKind::Discriminator,
                    _ => StepKind::Generator,
                };
                drop(guard);
                self.run(kind, false, scope, id);
            }
            Request::SaveCheckpoint => {
                let (gan, t_position) = (t.gan(), t.data_position());
                let scope = scope.clone();
                spawn_local(async move {
                    let reply = match checkpoint::save_async(&gan, t_position.as_ref()).await {
                        Ok(bytes) => Response::Checkpoint(bytes),
                        Err(e) => Response::Error(e.to_string()),
                    };
                    Self::respond(&scope, id, reply);
                });
            }
            Request::SaveProject { purpose, page } => {
                let autosave = matches!(purpose, SavePurpose::Autosave { .. });
                if autosave && !t.healthy() {
                    return;
                }
                if autosave && self.autosaving.get() {
                    // Written when the one in flight is done: the latest state wins.
                    *self.autosave_queued.borrow_mut() = Some((purpose, page));
                    return;
                }
                if autosave {
                    self.autosaving.set(true);
                }
                let (trainer, scope) = (self.trainer.clone(), scope.clone());
                let (autosaving, queued) = (self.autosaving.clone(), self.autosave_queued.clone());
                drop(guard);
                spawn_local(async move {
                    let mut next = Some((purpose, page));
                    while let Some((purpose, page)) = next.take() {
                        let reply = Self::save_project(&trainer, purpose, page).await;
                        if let Some(reply) = reply {
                            Self::respond(&scope, id, reply);
                        }
                        if autosave {
                            next = queued.borrow_mut().take();
                        }
                    }
                    if autosave {
                        autosaving.set(false);
                    }
                });
            }
            Request::OpenProject(bytes) => {
                self.stop_all();
                reply(Response::Running(false));
                drop(guard);
                Self::open_project(&self.trainer, &bytes, scope, id);
            }
            Request::OpenSaved(run_id) => {
                self.stop_all();
                reply(Response::Running(false));
                drop(guard);
                let (scope2, trainer) = (scope.clone(), self.trainer.clone());
                spawn_local(async move {
                    match browser_store::load(&run_id).await {
                        Ok(Some(bytes)) => Self::open_project(&trainer, &bytes, &scope2, id),
                        Ok(None) => Self::respond(
                            &scope2,
                            id,
                            Response::Error(
                                "that saved run is gone (deleted in another tab?)".into(),
                            ),
                        ),
                        Err(e) => Self::respond(&scope2, id, Response::Error(e.to_string())),
                    }
                });
            }
            Request::LoadCheckpoint(bytes) => {
                self.stop_all();
                match t.load(&bytes) {
                    Ok(()) => {
                        reply(Response::Running(false));
                        reply(Response::Config(t.config().clone()));
                        reply(Response::Architecture(t.architecture()));
                        reply(Self::describe_data(t));
                        drop(guard);
                        self.refresh_samples(scope, id);
                    }
                    Err(e) => reply(Response::Error(format!("checkpoint not loaded: {e}"))),
                }
            }
            Request::Render {
                id: render,
                source,
                purpose,
                zs,
            } => {
                let started = now();
                let drawing = self.explorer.borrow_mut().draw(source, t, &zs);
                let scope = scope.clone();
                spawn_local(async move {
                    let (frames, size) = match drawing {
                        Ok(drawing) => (read_frames(&drawing).await, drawing.size as u32),
                        Err(e) => (Err(e), 0),
                    };
                    let frames =
                        frames.map(|f| f.into_iter().map(image::RgbaImage::into_raw).collect());
                    let rendered = Rendered {
                        id: render,
                        purpose,
                        frames,
                        size,
                        ms: now() - started,
                    };
                    Self::respond(&scope, id, Response::Rendered(rendered));
                });
            }
            Request::Export { source, zs, format } => {
                let drawing = self.explorer.borrow_mut().draw(source, t, &zs);
                let scope = scope.clone();
                spawn_local(async move {
                    let file = match drawing {
                        Ok(drawing) => read_frames(&drawing)
                            .await
                            .and_then(|frames| export(&frames, format)),
                        Err(e) => Err(e),
                    };
                    let reply = match file {
                        Ok((name, mime, bytes)) => Response::File { name, mime, bytes },
                        Err(e) => Response::Error(format!("export failed: {e}")),
                    };
                    Self::respond(&scope, id, reply);
                });
            }
            Request::RestoreImages(images) => {
                let (added, rejected) = t.restore(images);
                reply(Response::ImagesAdded(added));
                if !rejected.is_empty() {
                    reply(Response::ImagesRejected(rejected));
                }
                reply(Self::describe_data(t));
            }
            Request::GoBack => {
                self.running.set(false);
                reply(Response::Running(false));
                match t.go_back(false) {
                    Ok(step) => {
                        reply(Response::WentBack(step));
                        drop(guard);
                        self.refresh_samples(scope, id);
                    }
                    Err(e) => reply(Response::Error(e)),
                }
            }
            Request::SimulateNonFinite => t.poison_weights(),
            Request::SimulateDeviceLoss => {
                self.running.set(false);
                reply(Response::Running(false));
                reply(Response::DeviceLost(format!(
                    "{DEVICE_FAILED}: the device was lost (simulated)"
                )));
            }
            Request::ComputeDirections(source) => {
                let job = self.explorer.borrow_mut().directions(source, t);
                let scope = scope.clone();
                spawn_local(async move {
                    let reply = match job {
                        Ok(job) => match job.await {
                            Ok(found) => Response::Directions {
                                source,
                                directions: found.directions,
                                variances: found.variances,
                            },
                            Err(e) => Response::Error(e),
                        },
                        Err(e) => Response::Error(e),
                    };
                    Self::respond(&scope, id, reply);
                });
            }
        }
    }
}

/// A tensor's values, read back asynchronously (a failure is the device's).
async fn read_floats<const D: usize>(tensor: burn::tensor::Tensor<D>) -> Result<Vec<f32>, Failure> {
    let data = tensor.into_data_async().await.map_err(Failure::device)?;
    Ok(data.iter::<f32>().collect())
}

/// Reads a drawing back from the device as RGBA images.
async fn read_frames(drawing: &crate::explorer::Drawing) -> Result<Vec<image::RgbaImage>, String> {
    let data = drawing
        .images
        .clone()
        .into_data_async()
        .await
        .map_err(|e| format!("{DEVICE_FAILED}: {e}"))?;
    let pixels: Vec<f32> = data.iter::<f32>().collect();
    Ok(drawing.frames(&pixels))
}

/// Internal messages: the device came up.
pub enum Message {
    /// The device and a fresh trainer, for the client that asked.
    Ready(Trainer, DeviceInfo, HandlerId),
}

impl Worker for TrainerWorker {
    type Message = Message;
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        console_error_panic_hook::set_once();
        let _ = console_log::init_with_level(log::Level::Warn);
        Self {
            trainer: Rc::new(RefCell::new(None)),
            explorer: Rc::new(RefCell::new(Explorer::default())),
            running: Rc::new(Cell::new(false)),
            gpu: Rc::new(Cell::new(false)),
            last_snapshot: Rc::new(Cell::new(0.0)),
            busy: Rc::new(Cell::new(false)),
            last_samples: Rc::new(Cell::new(0.0)),
            autosaving: Rc::new(Cell::new(false)),
            autosave_queued: Rc::new(RefCell::new(None)),
            queued: Rc::new(RefCell::new(std::collections::VecDeque::new())),
            pending: Vec::new(),
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        let Message::Ready(trainer, info, id) = msg;
        self.gpu.set(matches!(info, DeviceInfo::WebGpu { .. }));
        let config = trainer.config().clone();
        let architecture = trainer.architecture();
        let data = Self::describe_data(&trainer);
        *self.trainer.borrow_mut() = Some(trainer);
        Self::respond(scope, id, Response::Device(info));
        Self::respond(scope, id, Response::Config(config));
        Self::respond(scope, id, Response::Architecture(architecture));
        Self::respond(scope, id, data);
        let (trainer, scope2) = (self.trainer.clone(), scope.clone());
        spawn_local(async move {
            if let Err(e) = Self::send_samples(&trainer, false, Judged::Refresh, &scope2, id).await
            {
                Self::respond(&scope2, id, Response::Error(e.to_string()));
            }
        });
        self.load_pretrained(scope, Showcase::Digits, id);
        for (request, id) in std::mem::take(&mut self.pending) {
            self.handle(scope, request, id);
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        if let Request::Init { device, remembered } = msg {
            let scope2 = scope.clone();
            scope.send_future(async move {
                let measuring = || Self::respond(&scope2, id, Response::Measuring);
                let (device, info) = start_device(device, remembered, measuring).await;
                let trainer = Trainer::new(device, default_config())
                    .expect("the default configuration is valid");
                Message::Ready(trainer, info, id)
            });
            return;
        }
        self.handle(scope, msg, id);
    }
}
