//! The training worker: owns the device and the [`Trainer`], answers [`Request`]s, and runs
//! the training loop between messages so the page's thread never computes.
//!
//! - `startup`: choosing and starting the device;
//! - `dispatch`: the page's requests;
//! - `training`: the training loop and what it reports;
//! - `projects`: opening and saving project files.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};

mod dispatch;
mod projects;
mod startup;
mod training;

use crate::error::{WorkerError, with_trainer};
use crate::explorer::Explorer;
use crate::trainer::{StepKind, Trainer};
use model::emoji::EmojiSet;
use protocol::data::{Builtin, Source};
use protocol::messages::{
    DataSummary, DeviceInfo, Installed, NewModel, Request, Response, SavePurpose, Showcase, Ticket,
    Ticketed,
};
use protocol::saved_runs::PageSnapshot;
use startup::{default_config, start_device};

/// Whether this program's GEMM uses relaxed SIMD's kernels: set by
/// [`crate::start_with_relaxed_simd`] before the worker starts, reported in [`DeviceInfo`]. Not
/// read back from gemm-f32: comparing with its relaxed kernels would link them into every program.
pub(crate) static RELAXED_SIMD: AtomicBool = AtomicBool::new(false);

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
    /// When the sample grid is due next while training (ms, [`now`]'s clock).
    next_grid: Rc<Cell<f64>>,
    /// True while an autosave is being written: one asked meanwhile waits for it (two writes
    /// of the same run would race).
    autosaving: Rc<Cell<bool>>,
    /// Steps (kind, continuous) asked for while one was running, in order.
    queued: Rc<RefCell<std::collections::VecDeque<(StepKind, bool)>>>,
    /// The autosave asked for while one was being written.
    autosave_queued: Rc<RefCell<Option<(SavePurpose, PageSnapshot)>>>,
    pending: Vec<(Request, Caller)>,
    /// The client owed the default model's first sample grid (see
    /// [`TrainerWorker::send_owed_grid`]).
    grid_owed: Rc<Cell<Option<Caller>>>,
    /// True while an emoji set's sheet is being fetched: requests wait in `pending` for it, so
    /// that nothing trains on a set whose images are not here yet.
    fetching_sheet: Rc<Cell<bool>>,
}

/// The latest the default model's first grid waits for the explorer's first preview.
const FIRST_GRID_LATEST_MS: u32 = 1500;

fn now() -> f64 {
    js_sys::Date::now()
}

/// The longest a fetch may take, body included. A stalled connection would otherwise hold the
/// page's requests behind an emoji sheet forever; the largest file (1.9 MB) arrives well within
/// it on any link the page is usable on (16 kB/s). (`AbortSignal.timeout` is in every browser
/// that runs the workers' WebAssembly SIMD: Chrome 103, Firefox 100, Safari 16.)
const FETCH_LATEST_MS: u32 = 120_000;

/// The bytes at `url` (same origin), fetched from the worker.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, WorkerError> {
    let failed = |reason: String| WorkerError::Fetch {
        url: url.into(),
        reason,
    };
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
        FETCH_LATEST_MS,
    )));
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| failed(fetch_failure(&e)))?
        .unchecked_into();
    if !response.ok() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| failed(fetch_failure(&e)))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| failed(fetch_failure(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Why a fetch failed, in words: the timeout's own, else the browser's.
fn fetch_failure(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) if e.name() == "TimeoutError" => {
            format!("no complete answer within {} s", FETCH_LATEST_MS / 1000)
        }
        Some(e) => String::from(e.message()),
        None => format!("{error:?}"),
    }
}

/// Whom a response goes to: the page's bridge, and the ticket of the request it answers.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    handler: HandlerId,
    ticket: Ticket,
}

impl Caller {
    /// The request this answers failed: why.
    fn failed(self, error: impl Into<WorkerError>) -> Response {
        Response::Failed {
            ticket: self.ticket,
            error: error.into(),
        }
    }
}

impl TrainerWorker {
    fn respond(scope: &WorkerScope<Self>, to: Caller, response: Response) {
        scope.respond(to.handler, response);
    }

    /// What `t` trains on.
    pub(super) fn data_summary(t: &Trainer) -> DataSummary {
        let (name, count) = t.dataset_summary();
        DataSummary {
            name,
            count,
            source: t.source(),
        }
    }

    /// The page's message after the data changed.
    pub(super) fn describe_data(t: &Trainer) -> Response {
        Response::Dataset(Self::data_summary(t))
    }

    /// The page's one message for the model `t` now has, installed for `cause`.
    pub(super) fn installed(t: &Trainer, cause: Installed) -> Response {
        Response::ModelInstalled(Box::new(NewModel {
            config: t.config().clone(),
            architecture: t.architecture(),
            dataset: Self::data_summary(t),
            step: t.step_count(),
            cause,
        }))
    }

    /// Fetches a shipped generator (its URL is relative to the worker's script, which sits
    /// next to the page) and loads it on the training device, answering with
    /// [`Response::Pretrained`]; the first grid, if still owed, follows a failure at once.
    fn load_pretrained(&self, scope: &WorkerScope<Self>, showcase: Showcase, to: Caller) {
        let (trainer, explorer, scope) =
            (self.trainer.clone(), self.explorer.clone(), scope.clone());
        let grid_owed = self.grid_owed.clone();
        spawn_local(async move {
            let loaded = async {
                let bytes = fetch_bytes(showcase.url()).await?;
                let device = with_trainer(&trainer, |t| t.device().clone())?;
                let loaded = explorer
                    .borrow_mut()
                    .load_pretrained(showcase, &bytes, &device)?;
                Ok::<_, WorkerError>(loaded)
            }
            .await;
            let failed = loaded.is_err();
            let loaded = loaded.map_err(|e| e.to_string());
            Self::respond(&scope, to, Response::Pretrained(showcase, loaded));
            if failed {
                Self::send_owed_grid(&trainer, &grid_owed, &scope);
            }
        });
    }

    /// Fetches `set`'s sheet (next to the page, like the generators), holding the page's
    /// requests back meanwhile; [`Message::Sheet`] brings it to [`TrainerWorker::sheet_arrived`].
    pub(super) fn fetch_sheet(
        fetching: &Rc<Cell<bool>>,
        scope: &WorkerScope<Self>,
        set: EmojiSet,
        to: Caller,
        then: AfterSheet,
    ) {
        fetching.set(true);
        let scope = scope.clone();
        spawn_local(async move {
            let bytes = fetch_bytes(&format!("datasets/{}", set.file_name())).await;
            scope.send_message(Message::Sheet {
                set,
                bytes,
                to,
                then,
            });
        });
    }

    /// Keeps a fetched sheet and trains on its set, or says why not (a project opened on it
    /// then trains on the rings, so nothing waits for images that never come); then answers
    /// the requests held back meanwhile.
    fn sheet_arrived(
        &mut self,
        scope: &WorkerScope<Self>,
        set: EmojiSet,
        bytes: Result<Vec<u8>, WorkerError>,
        to: Caller,
        then: AfterSheet,
    ) {
        self.fetching_sheet.set(false);
        if let Some(t) = self.trainer.borrow_mut().as_mut() {
            let added = bytes
                .map_err(|e| e.to_string())
                .and_then(|png| t.add_sheet(set, &png))
                .and_then(|()| match then {
                    AfterSheet::Use => t.use_builtin(Builtin::Emoji(set)),
                    AfterSheet::Opened => Ok(()),
                });
            if let Err(e) = added {
                Self::respond(
                    scope,
                    to,
                    to.failed(format!(
                        "the built-in set “{}” could not be loaded ({e})",
                        set.label()
                    )),
                );
                if t.source() == Source::Builtin(Builtin::Emoji(set)) {
                    let rings = Builtin::Drawn(model::procedural::Procedural::Rings);
                    t.use_builtin(rings).expect("drawn in code");
                }
            }
            Self::respond(scope, to, Self::describe_data(t));
        }
        if then == AfterSheet::Opened {
            Self::spawn_refresh(&self.trainer, scope, to);
        }
        for (request, to) in std::mem::take(&mut self.pending) {
            self.handle(scope, request, to);
        }
    }

    /// Sends the default model's first sample grid if it is still owed. It waits for the
    /// explorer's first preview (or [`FIRST_GRID_LATEST_MS`]): both take the worker's one
    /// thread, and the preview of a trained generator is what a visitor looks at first.
    pub(super) fn send_owed_grid(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        grid_owed: &Cell<Option<Caller>>,
        scope: &WorkerScope<Self>,
    ) {
        let Some(to) = grid_owed.take() else {
            return;
        };
        Self::spawn_refresh(trainer, scope, to);
    }
}

/// Internal messages: the device came up, or an emoji sheet arrived.
pub enum Message {
    /// The device and a fresh trainer, for the client that asked.
    Ready(Box<Trainer>, DeviceInfo, Caller),
    /// An emoji set's sheet, fetched for the client that asked ([`TrainerWorker::fetch_sheet`]).
    Sheet {
        /// The set.
        set: EmojiSet,
        /// The sheet's bytes, or why it could not be fetched.
        bytes: Result<Vec<u8>, WorkerError>,
        /// Who asked.
        to: Caller,
        /// What to do with it.
        then: AfterSheet,
    },
}

/// Why an emoji sheet was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSheet {
    /// The page chose the set: train on it.
    Use,
    /// A project on the set was opened: it already trains on it.
    Opened,
}

impl Worker for TrainerWorker {
    type Message = Message;
    type Input = Ticketed;
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
            next_grid: Rc::new(Cell::new(0.0)),
            autosaving: Rc::new(Cell::new(false)),
            autosave_queued: Rc::new(RefCell::new(None)),
            queued: Rc::new(RefCell::new(std::collections::VecDeque::new())),
            pending: Vec::new(),
            grid_owed: Rc::new(Cell::new(None)),
            fetching_sheet: Rc::new(Cell::new(false)),
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        let (trainer, info, to) = match msg {
            Message::Ready(trainer, info, to) => (*trainer, info, to),
            Message::Sheet {
                set,
                bytes,
                to,
                then,
            } => {
                self.sheet_arrived(scope, set, bytes, to, then);
                return;
            }
        };
        self.gpu.set(matches!(info, DeviceInfo::WebGpu { .. }));
        let installed = Self::installed(&trainer, Installed::Started);
        *self.trainer.borrow_mut() = Some(trainer);
        // The device last: the page takes a worker over (a hand-over, a move of device) on its
        // `Device`, so this default model's messages must all be before it, where the page can
        // tell them from its run's (one worker's messages arrive in order).
        Self::respond(scope, to, installed);
        Self::respond(scope, to, Response::Device(info));
        // The explorer's preview first; the untrained model's grid after it.
        self.grid_owed.set(Some(to));
        let (trainer, grid_owed, scope2) =
            (self.trainer.clone(), self.grid_owed.clone(), scope.clone());
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(FIRST_GRID_LATEST_MS).await;
            Self::send_owed_grid(&trainer, &grid_owed, &scope2);
        });
        self.load_pretrained(scope, Showcase::OPENING, to);
        for (request, to) in std::mem::take(&mut self.pending) {
            self.handle(scope, request, to);
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, handler: HandlerId) {
        let to = Caller {
            handler,
            ticket: msg.ticket,
        };
        let msg = msg.request;
        if let Request::Init { device, remembered } = msg {
            let scope2 = scope.clone();
            scope.send_future(async move {
                let measuring = || Self::respond(&scope2, to, Response::Measuring);
                let (device, info) = start_device(device, remembered, measuring).await;
                let trainer = Trainer::new(device, default_config())
                    .expect("the default configuration is valid");
                Message::Ready(Box::new(trainer), info, to)
            });
            return;
        }
        self.handle(scope, msg, to);
    }
}
