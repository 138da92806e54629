//! The page: components over the signals in [`PageState`], fed by the worker's responses.

mod browser;
mod charts;
mod controls;
mod data;
mod explorer;
mod game;
mod lab;
mod lesson;
mod link;
mod live;
mod offline;
mod saved;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use gloo_storage::{SessionStorage, Storage};
use gloo_worker::{Spawnable, WorkerBridge};
use leptos::prelude::*;
use model::GanConfig;

use crate::tickets::Tickets;
use crate::timelapse::Timelapse;
use crate::view_state::Panel;
use crate::worker_build::{self, WorkerBuild};
use explorer::{Directions, ExplorerPanel, ExplorerState, TrainingSignals};
use link::TrainerLink;
use protocol::data::Source;
use protocol::history::History;
use protocol::messages::{
    AlarmReport, Concern, DeviceChoice, DeviceInfo, FeatureMaps, Memorisation, NamedFile,
    NearestReport, Request, Response, SampleGrid, StepReport, Thumbnail, Ticketed,
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
    /// The step of the snapshot a new worker is restoring (a hand-over or a lost device): the
    /// same run goes on, so its configuration does not start a new history.
    moving: StoredValue<Option<u64>>,
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
    tickets: StoredValue<Tickets>,
}

impl PageState {
    fn new() -> Self {
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
            moving: StoredValue::new(None),
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

    /// Applies one message from the worker.
    fn apply(self, response: Response) {
        match response {
            Response::Measuring => self.measuring.set(true),
            Response::Architecture(architecture) => {
                self.inspected.set(None);
                self.activations.set(None);
                self.architecture.set(Some(architecture));
            }
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
            Response::Dataset {
                name,
                count,
                source,
            } => {
                self.dataset.set((name, count));
                self.source.set(Some(source));
            }
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
            Response::ProjectOpened { page, step, epoch } => {
                self.history.set(page.history);
                self.quality.set(page.quality);
                self.swd_range.set(None);
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
                if let Some(latent) = self
                    .config
                    .with_untracked(|c| c.as_ref().map(|c| c.latent_size))
                    && !page.view.is_empty()
                {
                    self.explorer.restore_view(&page.view, latent);
                }
                self.saved.on_opened();
                // Kept under this tab's run at once: what was opened is safe from a reload.
                self.saved.opened.set(self.saved.opened.get_untracked() + 1);
            }
            Response::WentBack(step) => {
                self.alarm.set(None);
                self.last_step
                    .update(|s| s.iter_mut().for_each(|s| s.step = step));
            }
            Response::Config(config) => {
                let moved = self.moving.try_update_value(Option::take).flatten();
                if let Some(step) =
                    moved.filter(|_| self.config.get_untracked() == Some(config.clone()))
                {
                    // The run moved to another worker: its history goes on from the snapshot.
                    self.history.update(|h| h.keep_up_to(step));
                    self.last_step
                        .update(|s| s.iter_mut().for_each(|s| s.step = step));
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
                self.config.set(Some(config));
            }
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
                let issued = self.tickets.with_value(|t| t.issued(ticket));
                if issued.is_some_and(|i| i.concern == Concern::Explorer) {
                    self.explorer.computing.set(false);
                }
                if issued.is_some_and(|i| i.opens_a_run) {
                    self.saved.on_open_failed();
                }
                self.error.set(Some(error.to_string()));
            }
        }
    }
}

/// Sends requests to the worker (a bridge is not `Send`, so it lives in local storage), and
/// holds the WebGPU worker while it loads in the background.
#[derive(Clone, Copy)]
pub struct Worker {
    bridge: StoredValue<Rc<WorkerBridge<TrainerLink>>, LocalStorage>,
    next: StoredValue<Option<NextWorker>, LocalStorage>,
    /// The page's book of tickets ([`PageState`]'s).
    tickets: StoredValue<Tickets>,
}

/// The WebGPU worker, loading (and choosing its device) while the CPU worker trains.
struct NextWorker {
    bridge: Rc<WorkerBridge<TrainerLink>>,
    /// Set once it takes the run over: from then on its messages are the page's.
    adopted: Rc<Cell<bool>>,
    /// Its device, once it chose WebGPU.
    ready: Option<DeviceInfo>,
    /// The run was training when the hand-over began: it goes on training after.
    resume: bool,
}

impl Worker {
    /// Sends one request, with a new ticket.
    pub fn send(&self, request: Request) {
        let ticketed = self.ticketed(request);
        self.bridge.with_value(|bridge| bridge.send(ticketed));
    }

    /// `request` with a new ticket, remembered in the page's book.
    fn ticketed(&self, request: Request) -> Ticketed {
        let ticket = self
            .tickets
            .try_update_value(|t| t.issue(&request))
            .expect("the page's tickets live as long as the page");
        Ticketed { ticket, request }
    }

    /// Talks to a new worker from now on; the old one ends when its bridge is dropped.
    fn replace(&self, bridge: Rc<WorkerBridge<TrainerLink>>) {
        self.bridge.set_value(bridge);
    }

    /// Loads the WebGPU worker in the background, started on `choice`; while it loads, the CPU
    /// worker goes on. If it trains on WebGPU it takes the run over (through the snapshot
    /// path, as a switch of device does); if the CPU wins, it is dropped and the page says why.
    fn load_webgpu(self, state: PageState, choice: DeviceChoice) {
        if self.next.with_value(Option::is_some) {
            return;
        }
        let adopted = Rc::new(Cell::new(false));
        let forward = adopted.clone();
        let bridge = spawn_worker(WorkerBuild::WebGpu, move |response| {
            if forward.get() {
                state.apply(response);
            } else {
                self.on_next_worker(state, response);
            }
        });
        self.next.set_value(Some(NextWorker {
            bridge: Rc::new(bridge),
            adopted,
            ready: None,
            resume: false,
        }));
        let init = self.ticketed(init(choice));
        self.next
            .with_value(|next| next.as_ref().map(|n| n.bridge.send(init)));
    }

    /// A message of the WebGPU worker before it takes over: only its device counts (its own
    /// first model and samples are not the page's).
    fn on_next_worker(self, state: PageState, response: Response) {
        match response {
            Response::Measuring => state.measuring.set(true),
            Response::Device(info @ DeviceInfo::WebGpu { .. }) => {
                let resume = state.running.get_untracked();
                self.next.update_value(|next| {
                    if let Some(next) = next {
                        next.ready = Some(info);
                        next.resume = resume;
                    }
                });
                if resume {
                    self.send(Request::Pause);
                }
                // The model's snapshot comes back as `Response::Snapshot`; then `recover`
                // hands the run over (see `DeviceBadge`).
                state.switching.set(Some(DeviceChoice::Gpu));
                self.send(Request::TakeSnapshot);
            }
            Response::Device(info) => {
                // The CPU won (or WebGPU failed): the page says why and keeps the CPU worker,
                // whose build (relaxed SIMD or not) is the one that goes on training.
                self.next.set_value(None);
                let info = match (info, state.device.get_untracked()) {
                    (
                        DeviceInfo::Cpu {
                            reason,
                            measured,
                            webgpu_next,
                            ..
                        },
                        Some(DeviceInfo::Cpu { relaxed_simd, .. }),
                    ) => DeviceInfo::Cpu {
                        reason,
                        measured,
                        webgpu_next,
                        relaxed_simd,
                    },
                    (info, _) => info,
                };
                state.apply(Response::Device(info));
            }
            _ => {}
        }
    }

    /// The WebGPU worker, if it is loaded and chose WebGPU: taken out, marked as the page's.
    fn take_ready_webgpu(&self) -> Option<(Rc<WorkerBridge<TrainerLink>>, DeviceInfo, bool)> {
        let mut taken = None;
        self.next.update_value(|next| {
            if next.as_ref().is_some_and(|n| n.ready.is_some())
                && let Some(n) = next.take()
            {
                n.adopted.set(true);
                taken = n.ready.map(|info| (n.bridge, info, n.resume));
            }
        });
        taken
    }
}

/// Starts a training worker of `build`; `on_response` gets its answers.
fn spawn_worker(
    build: WorkerBuild,
    on_response: impl Fn(Response) + 'static,
) -> WorkerBridge<TrainerLink> {
    TrainerLink::spawner()
        .callback(on_response)
        .with_loader(true)
        .as_module(false)
        .spawn(build.loader())
}

/// Goes on after a lost GPU device, or moves to another device: a new worker (on `choice`) gets
/// the user's images back and the model from its last snapshot. A move the user asked for is
/// kept in the address, so a reload stays on that device; the WebGPU worker loaded in the
/// background, once it chose WebGPU, is the new worker (and the address stays as it was).
fn recover(state: PageState, worker: Worker, choice: DeviceChoice) {
    let images: Vec<NamedFile> = state
        .thumbnails
        .get_untracked()
        .into_iter()
        .map(|t| NamedFile {
            name: t.name.clone(),
            bytes: t.rgba.clone(),
        })
        .collect();
    let snapshot = state.snapshot.get_untracked();
    let source = state.source.get_untracked();
    let ready = (choice == DeviceChoice::Gpu)
        .then(|| worker.take_ready_webgpu())
        .flatten();
    // Anything else still loading in the background is not needed now.
    worker.next.set_value(None);
    let (resume, adopted) = match ready {
        Some((bridge, info, resume)) => {
            worker.replace(bridge);
            state.apply(Response::Device(info));
            (resume, true)
        }
        None => {
            browser::set_query(&worker_build::query_with_choice(choice, &query()));
            // Until its `Device` (its last message of its start), the new worker speaks of its
            // own default model: that `Config` would wipe the run's history and step line
            // before the run's checkpoint, sent below, arrives.
            let started = Cell::new(false);
            let bridge = spawn_worker(
                worker_build::worker_for(choice, browser::has_relaxed_simd()),
                move |response| {
                    match response {
                        Response::Device(_) => started.set(true),
                        Response::Measuring => {}
                        _ if !started.get() => return,
                        _ => {}
                    }
                    state.apply(response);
                },
            );
            worker.replace(Rc::new(bridge));
            state.device.set(None);
            worker.send(init(choice));
            (false, false)
        }
    };
    state.lost.set(None);
    state.running.set(false);
    state.thumbnails.set(Vec::new());
    state.explorer.restart();
    if adopted {
        // It loaded the shipped generator before it was the page's: ask again for the answer
        // the page did not take.
        state.explorer.reload_shown();
    }
    if !images.is_empty() {
        worker.send(Request::RestoreImages(images));
    }
    match source {
        Some(Source::User) => worker.send(Request::UseUserImages),
        Some(Source::Builtin(kind)) => worker.send(Request::UseBuiltin(kind)),
        None => {}
    }
    if let Some((step, bytes)) = snapshot {
        state.moving.set_value(Some(step));
        worker.send(Request::LoadCheckpoint(bytes));
    }
    if resume {
        worker.send(Request::Train);
    }
}

/// Where the session keeps the devices' timing.
const MEASUREMENT_KEY: &str = "gan-playground.device-measurement";

/// The worker's first message: start `choice`, with the timing measured earlier this session.
fn init(choice: DeviceChoice) -> Request {
    Request::Init {
        device: choice,
        remembered: SessionStorage::get(MEASUREMENT_KEY).ok(),
    }
}

/// The page address's query (`?cpu&test-hooks`), or "".
fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

fn has_test_hooks() -> bool {
    query().contains("test-hooks")
}

/// The test hook `?test-hooks&handover`: the WebGPU worker takes over even on a software
/// adapter (the only one here), so that tests see the hand-over.
fn forced_handover() -> bool {
    has_test_hooks() && query().split(['?', '&']).any(|w| w == "handover")
}

/// What the first worker is asked to start.
fn first_choice(choice: DeviceChoice) -> DeviceChoice {
    if forced_handover() {
        DeviceChoice::Measure
    } else {
        choice
    }
}

/// How the CPU worker computes, as the device line says it.
fn cpu_kind(relaxed_simd: bool) -> &'static str {
    if relaxed_simd {
        "WebAssembly, relaxed SIMD"
    } else {
        "WebAssembly"
    }
}

/// What the WebGPU worker, loaded in the background, is asked to start.
fn webgpu_choice(choice: DeviceChoice) -> DeviceChoice {
    if forced_handover() {
        DeviceChoice::Gpu
    } else {
        choice
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = PageState::new();
    // `?cpu` / `?gpu` / `?measure` in the address choose the device; by default a hardware GPU,
    // else the CPU. Only `?gpu` starts on the WebGPU worker: otherwise the small CPU worker
    // trains at once, and says whether the WebGPU one is worth loading.
    let choice = worker_build::choice_from_query(&query());
    let bridge = spawn_worker(
        worker_build::worker_for(choice, browser::has_relaxed_simd()),
        move |response| state.apply(response),
    );
    let worker = Worker {
        bridge: StoredValue::new_local(Rc::new(bridge)),
        next: StoredValue::new_local(None),
        tickets: state.tickets,
    };
    worker.send(init(first_choice(choice)));
    Effect::new(move |_| {
        if state.device.with(|d| {
            matches!(
                d,
                Some(DeviceInfo::Cpu {
                    webgpu_next: true,
                    ..
                })
            )
        }) {
            worker.load_webgpu(state, webgpu_choice(choice));
        }
    });
    state.explorer.connect(move |request| worker.send(request));
    saved::schedule_autosaves(state, worker);
    provide_context(state);
    provide_context(state.explorer);
    provide_context(lab::LabState::new());
    provide_context(worker);
    let hidden = move |panel: Panel| state.explorer.view.with(|v| v.hides(panel));

    view! {
        <header>
            <h1>"GAN Playground"</h1>
            <p class="tagline">
                "Drop in a handful of images and watch a DCGAN learn to imitate them, on your own machine. "
                <strong>"Your images never leave this browser: "</strong>
                "the page sends nothing to any server."
            </p>
            <DeviceBadge/>
            <lesson::ClassroomControls/>
        </header>
        <saved::ResumeBanner/>
        <ErrorBanner/>
        <DeviceLostBanner/>
        <main>
            <div class="slot wide" class:hidden=move || hidden(Panel::Lab)><lab::LabPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Data)><data::DataPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Train)><controls::ControlPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Live)><live::LivePanel/></div>
            <div class="slot wide" class:hidden=move || hidden(Panel::Game)><game::GamePanel/></div>
            <ExplorerPanel/>
        </main>
        <lesson::LessonCard/>
        <footer><offline::OfflineStatus/></footer>
    }
}

/// Which device trains, why not WebGPU when it is the CPU, and a switch to the other one that
/// keeps the model and the images.
#[component]
fn DeviceBadge() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    // The model's snapshot for the move arrived: move.
    Effect::new(move |_| {
        if let Some(choice) = state.switch_ready.get() {
            state.switch_ready.set(None);
            recover(state, worker, choice);
        }
    });
    let other = move || match state.device.get() {
        Some(DeviceInfo::WebGpu { .. }) => Some((DeviceChoice::Cpu, "Use the CPU instead")),
        Some(DeviceInfo::Cpu { .. }) => Some((DeviceChoice::Gpu, "Try WebGPU instead")),
        None => None,
    };
    view! {
        <p class="device">
            <span data-testid="device">
                {move || match state.device.get() {
                    None if state.measuring.get() => "Measuring which is faster here, the CPU or WebGPU (a few seconds, once a session)…".to_string(),
                    None => "Starting the compute device…".to_string(),
                    Some(DeviceInfo::WebGpu { adapter, .. }) => format!("Training on your GPU (WebGPU: {adapter})"),
                    Some(DeviceInfo::Cpu { webgpu_next: true, relaxed_simd, .. }) if state.measuring.get() => format!("Training on the CPU ({}) while WebGPU is timed against it (a few seconds, once a session)…", cpu_kind(relaxed_simd)),
                    Some(DeviceInfo::Cpu { reason, relaxed_simd, .. }) => format!("Training on the CPU ({}): {reason}", cpu_kind(relaxed_simd)),
                }}
            </span>
            {move || state.device.get().and_then(|d| d.measured().map(|m| m.summary())).map(|text| view! {
                <span class="measured" data-testid="device-measured">{text}</span>
            })}
            {move || other().map(|(choice, label)| view! {
                <button class="small" data-testid="switch-device"
                    title="Moves the model and your images to the other device"
                    disabled=move || state.running.get() || state.switching.with(Option::is_some)
                    on:click=move |_| {
                        state.switching.set(Some(choice));
                        worker.send(Request::TakeSnapshot);
                    }>{label}</button>
            })}
        </p>
    }
}

/// A lost GPU device: what happened and the two ways on.
#[component]
fn DeviceLostBanner() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let restored = move || match state.snapshot.with(|s| s.as_ref().map(|(step, _)| *step)) {
        Some(step) => format!(
            "The model goes on from its last snapshot in memory (step {step}); your images are kept."
        ),
        None => "No snapshot was taken yet, so the model starts afresh; your images are kept."
            .to_string(),
    };
    view! {
        <Show when=move || state.lost.with(Option::is_some)>
            <div class="error" role="alert" data-testid="device-lost">
                <span>
                    {move || format!("The GPU device was lost ({}). ", state.lost.get().unwrap_or_default())}
                    {restored}
                </span>
                <span>
                    <button data-testid="recover-gpu" on:click=move |_| recover(state, worker, DeviceChoice::Gpu)>"Continue on a new GPU device"</button>
                    <button data-testid="recover-cpu" on:click=move |_| recover(state, worker, DeviceChoice::Cpu)>"Continue on the CPU"</button>
                </span>
            </div>
        </Show>
        <Show when=has_test_hooks>
            <button data-testid="simulate-non-finite" on:click=move |_| worker.send(Request::SimulateNonFinite)>
                "Make the weights NaN (test hook)"</button>
            <button data-testid="simulate-loss" on:click=move |_| worker.send(Request::SimulateDeviceLoss)>
                "Simulate a lost GPU device (test hook)"
            </button>
        </Show>
    }
}

/// The latest error, with a dismiss button.
#[component]
fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<PageState>();
    view! {
        <Show when=move || state.error.with(Option::is_some)>
            <div class="error" role="alert" data-testid="error">
                <span>{move || state.error.get()}</span>
                <button on:click=move |_| state.error.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
