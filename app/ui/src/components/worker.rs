//! The page's side of the training worker: sending requests with their tickets, the WebGPU
//! worker loaded in the background and its hand-over, and going on after a lost device.

use std::cell::Cell;
use std::rc::Rc;

use gloo_storage::{SessionStorage, Storage};
use gloo_worker::{Spawnable, WorkerBridge};
use leptos::prelude::*;

use super::link::TrainerLink;
use super::{PageState, browser};
use crate::tickets::Tickets;
use crate::worker_build::{self, WorkerBuild};
use protocol::data::Source;
use protocol::messages::{DeviceChoice, DeviceInfo, NamedFile, Request, Response, Ticketed};

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
    /// Talks to the worker behind `bridge`, with the page's book of `tickets`.
    pub(super) fn new(bridge: WorkerBridge<TrainerLink>, tickets: StoredValue<Tickets>) -> Self {
        Self {
            bridge: StoredValue::new_local(Rc::new(bridge)),
            next: StoredValue::new_local(None),
            tickets,
        }
    }

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
    pub(super) fn load_webgpu(self, state: PageState, choice: DeviceChoice) {
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
pub(super) fn spawn_worker(
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
pub(super) fn recover(state: PageState, worker: Worker, choice: DeviceChoice) {
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
            // own default model (`Installed::Started`): that would wipe the run's history and
            // step line before the run's snapshot, sent below, arrives.
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
    if let Some((_, bytes)) = snapshot {
        worker.send(Request::ContinueRun(bytes));
    }
    if resume {
        worker.send(Request::Train);
    }
}

/// Where the session keeps the devices' timing.
pub(super) const MEASUREMENT_KEY: &str = "gan-playground.device-measurement";

/// The worker's first message: start `choice`, with the timing measured earlier this session.
pub(super) fn init(choice: DeviceChoice) -> Request {
    Request::Init {
        device: choice,
        remembered: SessionStorage::get(MEASUREMENT_KEY).ok(),
    }
}

/// The page address's query (`?cpu&test-hooks`), or "".
pub(super) fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

pub(super) fn has_test_hooks() -> bool {
    query().contains("test-hooks")
}

/// The test hook `?test-hooks&handover`: the WebGPU worker takes over even on a software
/// adapter (the only one here), so that tests see the hand-over.
fn forced_handover() -> bool {
    has_test_hooks() && query().split(['?', '&']).any(|w| w == "handover")
}

/// What the first worker is asked to start.
pub(super) fn first_choice(choice: DeviceChoice) -> DeviceChoice {
    if forced_handover() {
        DeviceChoice::Measure
    } else {
        choice
    }
}

/// What the WebGPU worker, loaded in the background, is asked to start.
pub(super) fn webgpu_choice(choice: DeviceChoice) -> DeviceChoice {
    if forced_handover() {
        DeviceChoice::Gpu
    } else {
        choice
    }
}
