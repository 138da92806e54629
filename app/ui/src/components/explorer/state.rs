//! The explorer's state: the view the link carries, the renders on their way, the generators
//! and the principal directions; what the panels read and change.

use std::collections::HashMap;

use leptos::prelude::*;
use model::principal::PrincipalDirections;
use protocol::data::{GRID_SAMPLES, grid_latents};
use protocol::messages::{
    ByteBuf, ExportFormat, GeneratorSource, PretrainedInfo, RenderPurpose, Rendered, Request,
    Showcase,
};

use crate::coalesce::Coalescer;
use crate::components::browser::now_ms;
use crate::view_state::{PageView, quantize};

/// What the explorer reads of the training run; the page's state owns these signals.
#[derive(Clone, Copy)]
pub struct TrainingSignals {
    /// The training model's latent size, once its configuration is known.
    pub latent: Signal<Option<usize>>,
    /// The step of the newest sample grid; changes with each grid (new weights to draw with).
    pub grid_step: Signal<Option<u64>>,
    /// The newest step reported.
    pub last_step: Signal<Option<u64>>,
}

/// Where the explorer's requests go: the page's current worker.
type SendRequest = std::rc::Rc<dyn Fn(Request)>;

/// Preview latencies kept for the display and the tests.
pub(super) const LATENCIES_KEPT: usize = 50;

/// A preview or strip render on its way: what was asked and, for a slider move, when.
#[derive(Debug, Clone)]
struct Job {
    id: u64,
    source: GeneratorSource,
    zs: Vec<Vec<f32>>,
    input_at: Option<f64>,
}

/// The preview image.
#[derive(Debug, Clone)]
pub(super) struct PreviewImage {
    /// Side in pixels.
    pub(super) size: u32,
    /// RGBA8.
    pub(super) rgba: Vec<u8>,
    /// When the slider move it answers happened, if it answers one.
    pub(super) input_at: Option<f64>,
}

/// Principal directions as the worker found them.
#[derive(Debug, Clone, PartialEq)]
pub struct Directions {
    /// Whose.
    pub source: GeneratorSource,
    /// The training step they were computed at (0 for the pretrained generator).
    pub step: u64,
    /// The directions and their variances.
    pub found: PrincipalDirections,
}

/// The interpolation strip as drawn.
#[derive(Debug, Clone)]
pub struct Strip {
    /// Side of each frame.
    pub size: u32,
    /// RGBA8 per frame.
    pub frames: Vec<Vec<u8>>,
    /// |z| of each frame's vector.
    pub norms: Vec<f32>,
}

/// What moves the preview on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Animation {
    /// t runs from A to B (and back, when looping).
    Play,
    /// z wanders along great circles.
    Walk,
}

/// The explorer's signals (Copy, shared through context).
#[derive(Clone, Copy)]
pub struct ExplorerState {
    /// What is shown; mirrored in the address's hash.
    pub view: RwSignal<PageView>,
    /// The shipped generators the worker has loaded (or why it could not); one not listed is
    /// loading or not asked for yet.
    pub pretrained: RwSignal<HashMap<Showcase, Result<PretrainedInfo, String>>>,
    /// Shipped generators asked of this worker (the digits load with it).
    pub(super) requested: StoredValue<Vec<Showcase>>,
    /// The preview and the slider move it answers.
    pub(super) preview: RwSignal<Option<PreviewImage>>,
    /// The strip.
    pub strip: RwSignal<Option<Strip>>,
    /// Why the last render failed, if it did.
    pub render_error: RwSignal<Option<String>>,
    /// Milliseconds from slider move to drawn preview, newest last.
    pub latencies: RwSignal<Vec<f64>>,
    /// The worker's share of the last preview.
    pub worker_ms: RwSignal<f64>,
    /// Principal directions, once computed.
    pub directions: RwSignal<Option<Directions>>,
    /// Amount along each principal direction (σ).
    pub amounts: RwSignal<Vec<f32>>,
    /// Whether the worker is computing directions.
    pub computing: RwSignal<bool>,
    /// The running animation.
    pub animation: RwSignal<Option<Animation>>,
    /// Problems with the link the page was opened with.
    pub link_problems: RwSignal<Vec<String>>,
    /// The step at which the explorer turned to the user's model by itself (once per model).
    pub followed: RwSignal<Option<u64>>,
    /// z when every principal amount was 0.
    pub(super) base: StoredValue<Vec<f32>>,
    /// When the last slider move happened (taken by the next preview request).
    pub(super) input_at: StoredValue<Option<f64>>,
    previews: StoredValue<Coalescer<Job>>,
    /// A preview render is running or waiting (what [`previews`](Self::previews) holds), as a
    /// signal: the preview says when it has caught up with the sliders.
    pub preview_pending: RwSignal<bool>,
    strips: StoredValue<Coalescer<Job>>,
    /// The slider move the running preview answers.
    pub(super) preview_input: StoredValue<Option<f64>>,
    /// |z| of the frames of the running strip render.
    pub(super) strip_norms: StoredValue<Vec<f32>>,
    pub(super) next_id: StoredValue<u64>,
    worker: StoredValue<Option<SendRequest>, LocalStorage>,
    /// The training run, as the explorer needs it.
    pub training: TrainingSignals,
}

fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
}

impl ExplorerState {
    /// The state for a page opened at the current address, following `training`.
    pub fn new(training: TrainingSignals) -> Self {
        // Both the shipped generator and a fresh page model take 64 numbers; another size is
        // fitted when the generator is known.
        let (view, problems) = PageView::from_hash(&location_hash(), 64);
        let base = view.z.clone();
        Self {
            view: RwSignal::new(view),
            pretrained: RwSignal::new(HashMap::new()),
            requested: StoredValue::new(vec![Showcase::OPENING]),
            preview: RwSignal::new(None),
            strip: RwSignal::new(None),
            render_error: RwSignal::new(None),
            latencies: RwSignal::new(Vec::new()),
            worker_ms: RwSignal::new(0.0),
            directions: RwSignal::new(None),
            amounts: RwSignal::new(Vec::new()),
            computing: RwSignal::new(false),
            animation: RwSignal::new(None),
            link_problems: RwSignal::new(problems),
            followed: RwSignal::new(None),
            base: StoredValue::new(base),
            input_at: StoredValue::new(None),
            previews: StoredValue::new(Coalescer::default()),
            preview_pending: RwSignal::new(false),
            strips: StoredValue::new(Coalescer::default()),
            preview_input: StoredValue::new(None),
            strip_norms: StoredValue::new(Vec::new()),
            next_id: StoredValue::new(0),
            worker: StoredValue::new_local(None),
            training,
        }
    }

    /// Shows a saved view (a project's link), fitted to a generator of `latent` numbers.
    pub fn restore_view(self, hash: &str, latent: usize) {
        let (view, problems) = PageView::from_hash(hash, latent);
        self.base.set_value(view.z.clone());
        self.link_problems.set(problems);
        self.view.set(view);
        self.load_shown();
    }

    /// Forgets what the previous worker had in hand (its renders will never answer).
    pub fn restart(self) {
        self.previews.set_value(Coalescer::default());
        self.preview_pending.set(false);
        self.strips.set_value(Coalescer::default());
        self.pretrained.set(HashMap::new());
        self.requested.set_value(vec![Showcase::OPENING]);
        self.computing.set(false);
    }

    /// Asks again for the shipped generator shown (a worker adopted after it loaded one).
    pub fn reload_shown(self) {
        self.requested.set_value(Vec::new());
        self.load_shown();
    }

    /// Gives the state where to send its requests (the page's worker).
    pub fn connect(self, send: impl Fn(Request) + 'static) {
        self.worker.set_value(Some(std::rc::Rc::new(send)));
        self.load_shown();
    }

    /// Asks the worker for the shipped generator the view shows, the first time it is shown.
    fn load_shown(self) {
        let GeneratorSource::Pretrained(showcase) = self.view.with_untracked(|v| v.source) else {
            return;
        };
        if self.worker.with_value(Option::is_none)
            || self.requested.with_value(|r| r.contains(&showcase))
        {
            return;
        }
        self.requested.update_value(|r| r.push(showcase));
        self.send(Request::LoadPretrained(showcase));
    }

    fn send(self, request: Request) {
        self.worker.with_value(|w| {
            if let Some(send) = w {
                send(request);
            }
        });
    }

    /// Latent size of `source`'s generator, when known.
    pub fn latent_of(self, source: GeneratorSource) -> Option<usize> {
        match source {
            GeneratorSource::Pretrained(showcase) => {
                self.pretrained.with(|p| match p.get(&showcase) {
                    Some(Ok(info)) => Some(info.config.latent_size),
                    _ => None,
                })
            }
            GeneratorSource::Training => self.training.latent.get(),
        }
    }

    /// Whether `source` can draw now.
    pub fn ready(self, source: GeneratorSource) -> bool {
        self.latent_of(source).is_some()
    }

    /// Marks the start of a user's move: the next preview measures its latency from here.
    pub fn touch(self) {
        self.input_at.set_value(Some(now_ms()));
    }

    /// Shows `z` (rounded for the link). Moves that are not along the principal directions
    /// make `z` their new origin.
    pub fn set_z(self, z: Vec<f32>, along_directions: bool) {
        let z = quantize(&z);
        if !along_directions {
            self.base.set_value(z.clone());
            self.amounts.update(|a| a.iter_mut().for_each(|x| *x = 0.0));
        }
        self.view.update(|v| v.z = z);
    }

    /// Moves along principal direction `index` to `amount` σ from the origin.
    pub fn set_amount(self, index: usize, amount: f32) {
        self.amounts.update(|a| {
            if let Some(x) = a.get_mut(index) {
                *x = amount;
            }
        });
        let z = self.directions.with_untracked(|d| {
            d.as_ref().map(|d| {
                let base = self.base.get_value();
                self.amounts.with_untracked(|a| d.found.apply(&base, a))
            })
        });
        if let Some(z) = z {
            self.set_z(z, true);
        }
    }

    /// Once the user trains on their own images, shows their model instead of the pretrained
    /// one (once per model: a user who goes back to the pretrained one stays there).
    pub fn follow_training(self, step: u64) {
        if self.followed.get_untracked().is_some()
            || !matches!(
                self.view.with_untracked(|v| v.source),
                GeneratorSource::Pretrained(_)
            )
            || !self.ready(GeneratorSource::Training)
        {
            return;
        }
        self.followed.set(Some(step));
        self.use_source(GeneratorSource::Training);
    }

    /// Switches the generator, fitting the vectors to its latent size.
    pub fn use_source(self, source: GeneratorSource) {
        self.view.update(|v| {
            v.source = source;
            if let Some(latent) = self.latent_of(source) {
                v.fit(latent);
            }
        });
        self.load_shown();
        self.set_z(self.view.get_untracked().z, false);
    }

    /// A new random z (the seed counts on).
    pub fn randomize(self) {
        let mut z = Vec::new();
        self.view.update(|v| z = v.next_random());
        self.set_z(z, false);
    }

    /// Shows the training model's grid tile `index` (row by row).
    pub fn take_tile(self, index: usize) {
        let Some(latent) = self.latent_of(GeneratorSource::Training) else {
            return;
        };
        if index >= GRID_SAMPLES {
            return;
        }
        self.touch();
        self.use_source(GeneratorSource::Training);
        let z = grid_latents(latent).swap_remove(index);
        self.set_z(z, false);
    }

    fn next_id(self) -> u64 {
        self.next_id.update_value(|n| *n += 1);
        self.next_id.get_value()
    }

    /// Asks for the preview of the current z (coalesced with any render in flight).
    pub(super) fn request_preview(self) {
        let (source, z) = self.view.with_untracked(|v| (v.source, v.z.clone()));
        if !self.ready(source) {
            self.input_at.set_value(None);
            return;
        }
        let job = Job {
            id: self.next_id(),
            source,
            zs: vec![z],
            input_at: self.input_at.try_update_value(Option::take).flatten(),
        };
        let start = self.previews.try_update_value(|c| c.submit(job)).flatten();
        self.preview_pending.set(true);
        if let Some(job) = start {
            self.start(job, RenderPurpose::Preview);
        }
    }

    /// Asks for the strip from A to B (coalesced likewise).
    pub(super) fn request_strip(self) {
        let (source, zs) = self
            .view
            .with_untracked(|v| (v.source, model::latent::path(&v.a, &v.b, v.frames, v.mode)));
        if !self.ready(source) {
            return;
        }
        let job = Job {
            id: self.next_id(),
            source,
            zs,
            input_at: None,
        };
        if let Some(job) = self.strips.try_update_value(|c| c.submit(job)).flatten() {
            self.start(job, RenderPurpose::Strip);
        }
    }

    fn start(self, job: Job, purpose: RenderPurpose) {
        match purpose {
            RenderPurpose::Preview => self.preview_input.set_value(job.input_at),
            RenderPurpose::Strip => self
                .strip_norms
                .set_value(job.zs.iter().map(|z| model::latent::norm(z)).collect()),
        }
        self.send(Request::Render {
            id: job.id,
            source: job.source,
            purpose,
            zs: job.zs,
        });
    }

    /// Takes the worker's images; starts the newest waiting render of the same kind.
    pub fn on_rendered(self, rendered: Rendered) {
        let Rendered {
            purpose,
            frames,
            size,
            ms,
            ..
        } = rendered;
        match frames {
            Ok(frames) => {
                let mut frames: Vec<Vec<u8>> = frames.into_iter().map(ByteBuf::into_vec).collect();
                self.render_error.set(None);
                match purpose {
                    RenderPurpose::Preview => {
                        self.worker_ms.set(ms);
                        let input_at = self.preview_input.get_value();
                        if let Some(frame) = frames.pop() {
                            self.preview.set(Some(PreviewImage {
                                size,
                                rgba: frame,
                                input_at,
                            }));
                        }
                    }
                    RenderPurpose::Strip => self.strip.set(Some(Strip {
                        size,
                        frames,
                        norms: self.strip_norms.get_value(),
                    })),
                }
            }
            Err(e) => self.render_error.set(Some(e)),
        }
        let store = match purpose {
            RenderPurpose::Preview => self.previews,
            RenderPurpose::Strip => self.strips,
        };
        let next = store.try_update_value(Coalescer::finish).flatten();
        if purpose == RenderPurpose::Preview {
            self.preview_pending.set(next.is_some());
        }
        if let Some(next) = next {
            self.start(next, purpose);
        }
    }

    /// Takes newly found principal directions; the current z becomes their origin.
    pub fn on_directions(self, directions: Directions) {
        self.computing.set(false);
        self.amounts
            .set(vec![0.0; directions.found.directions.len()]);
        self.base.set_value(self.view.get_untracked().z);
        self.directions.set(Some(directions));
    }

    /// Takes a shipped generator's status; fits the view when it is the one shown.
    pub fn on_pretrained(self, showcase: Showcase, loaded: Result<PretrainedInfo, String>) {
        let shown = GeneratorSource::Pretrained(showcase);
        if let Ok(info) = &loaded
            && self.view.with_untracked(|v| v.source == shown)
        {
            let latent = info.config.latent_size;
            self.view.update(|v| v.fit(latent));
        }
        // The preview's effect reads this map: a view waiting for it draws now.
        self.pretrained.update(|p| {
            p.insert(showcase, loaded);
        });
    }

    /// Asks for a file of the current z, or of the interpolation.
    pub fn export(self, format: ExportFormat) {
        let (source, zs) = self.view.with_untracked(|v| {
            let zs = match format {
                ExportFormat::Png => vec![v.z.clone()],
                _ => model::latent::path(&v.a, &v.b, v.frames, v.mode),
            };
            (v.source, zs)
        });
        self.send(Request::Export { source, zs, format });
    }

    /// Asks for the principal directions of the shown generator.
    pub fn compute_directions(self) {
        self.computing.set(true);
        let source = self.view.with_untracked(|v| v.source);
        self.send(Request::ComputeDirections(source));
    }
}
