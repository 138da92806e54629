//! The 2-D lab: the game on points in the plane, where the theory is visible — the data's
//! distribution and G's, D's decision surface, G's manifold and where G's loss pushes each
//! point, with the theory's numbers live. Its own section, its own state (nothing of the image
//! page's), and its own worker (`lab_worker`), loaded when the section is first opened.

mod charts;
mod plane;
mod theory;

use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use leptos::prelude::*;

use super::controls::{ChoiceField, Field, NumberField};
use super::link::LabLink;
use crate::lab_view::signed;
use crate::lesson::LabCue;
use charts::{GeneratorLosses, LeadChart};
use model::OptimizerKind;
use model::lab::data::{Point, modes_covered};
use model::lab::theory::{D_EQUILIBRIUM, D_LOSS_EQUILIBRIUM, G_LOSS_EQUILIBRIUM};
use model::lab::{Activation, Failure, LabConfig, LabFrame, LabLoss, Noise, Remedy, Shape};
use plane::{Layers, OptimumPlane, Plane};
use protocol::lab::{LabRequest, LabResponse, LabStep};
use theory::TheoryCard;

/// The lab's worker script (Trunk's loader for `lab_worker`).
const LOADER: &str = "./lab_worker_loader.js";

/// The choice in the data menu that stands for the user's drawing (after the presets).
const DRAWING: usize = Shape::PRESETS.len();

/// Steps of who-is-ahead history kept for the chart.
const HISTORY: usize = 1000;

/// Everything the lab section shows and edits. Made by the page (the lesson drives it too) and
/// given to the section by context.
#[derive(Clone, Copy)]
pub struct LabState {
    /// The latest frame.
    frame: RwSignal<Option<LabFrame>>,
    /// Frames received so far (a test waits on it after a step by hand).
    frames: RwSignal<u64>,
    /// The latest step's numbers.
    step: RwSignal<Option<LabStep>>,
    /// D(x) − D(G(z)) of the last [`HISTORY`] steps that updated D, oldest first.
    history: RwSignal<Vec<f32>>,
    /// The worker's time to compute the latest frame (ms).
    compute_ms: RwSignal<f64>,
    /// The section is open (by the user, or by the lesson).
    opened: RwSignal<bool>,
    /// Training continuously.
    running: RwSignal<bool>,
    /// Why the last request was refused, or a drawing that cannot be data.
    problem: RwSignal<Option<String>>,
    /// The settings the networks were (or will be) started with.
    config: RwSignal<LabConfig>,
    /// The data menu's choice: a preset's index, or [`DRAWING`].
    data: RwSignal<usize>,
    /// The user's drawing, in plane coordinates.
    drawing: RwSignal<Vec<Point>>,
    /// The drawing the networks train on now (kept while a new one is drawn).
    drawn: RwSignal<Option<Shape>>,
    /// Pointers paint points.
    drawing_mode: RwSignal<bool>,
    /// The layers shown.
    layers: RwSignal<Layers>,
    /// The failure shown on cue, if one is.
    failure: RwSignal<Option<Failure>>,
    /// The worker, once the section was opened.
    bridge: StoredValue<Option<Rc<WorkerBridge<LabLink>>>, LocalStorage>,
}

impl LabState {
    /// A lab not yet opened: no worker until it is.
    pub fn new() -> Self {
        Self {
            frame: RwSignal::new(None),
            frames: RwSignal::new(0),
            step: RwSignal::new(None),
            history: RwSignal::new(Vec::new()),
            compute_ms: RwSignal::new(0.0),
            opened: RwSignal::new(false),
            running: RwSignal::new(false),
            problem: RwSignal::new(None),
            config: RwSignal::new(LabConfig::new()),
            data: RwSignal::new(0),
            drawing: RwSignal::new(Vec::new()),
            drawn: RwSignal::new(None),
            drawing_mode: RwSignal::new(false),
            layers: RwSignal::new(Layers {
                mesh: true,
                arrows: true,
            }),
            failure: RwSignal::new(None),
            bridge: StoredValue::new_local(None),
        }
    }

    /// A new game with `config` on `shape` (a drawn shape becomes the drawing's data).
    fn start(&self, config: LabConfig, shape: Shape) {
        match Shape::PRESETS.iter().position(|p| *p == shape) {
            Some(i) => self.data.set(i),
            None => {
                self.drawn.set(Some(shape));
                self.data.set(DRAWING);
            }
        }
        self.config.set(config);
        self.restart();
    }

    /// Sets up `failure`'s game, paused at step 0.
    fn show_failure(&self, failure: Failure) {
        self.failure.set(Some(failure));
        self.start(failure.config(), failure.shape());
    }

    /// Applies the shown failure's remedy.
    fn mend(&self) {
        let Some(failure) = self.failure.get_untracked() else {
            return;
        };
        match failure.remedy() {
            Remedy::Live(config) => {
                self.config.set(config.clone());
                self.problem.set(None);
                self.send(LabRequest::Tune(config));
            }
            Remedy::Restart(config) => self.start(config, failure.shape()),
        }
    }

    fn send(&self, request: LabRequest) {
        self.bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(request)
            }
        });
    }

    /// The data the menu names now (`None`: the drawing was never used).
    fn shape(&self) -> Option<Shape> {
        let choice = self.data.get_untracked();
        match Shape::PRESETS.get(choice) {
            Some(shape) => Some(shape.clone()),
            None => self.drawn.get_untracked(),
        }
    }

    /// New networks of the current settings on the current data.
    fn restart(&self) {
        if let Some(shape) = self.shape() {
            self.problem.set(None);
            self.step.set(None);
            self.history.set(Vec::new());
            self.send(LabRequest::Start(self.config.get_untracked(), shape));
        }
    }

    /// Opens the section; the first time, loads the worker and starts the networks.
    pub fn open(self) {
        if !self.opened.get_untracked() {
            self.opened.set(true);
        }
        if self.bridge.with_value(Option::is_some) {
            return;
        }
        let bridge = LabLink::spawner()
            .callback(move |response| self.apply(response))
            .with_loader(true)
            .as_module(false)
            .spawn(LOADER);
        self.bridge.set_value(Some(Rc::new(bridge)));
        self.restart();
    }

    fn apply(&self, response: LabResponse) {
        match response {
            LabResponse::Frame {
                frame,
                step,
                compute_ms,
            } => {
                if let Some(step) = step {
                    self.history.update(|h| {
                        h.extend_from_slice(&step.leads);
                        let over = h.len().saturating_sub(HISTORY);
                        h.drain(..over);
                    });
                    self.step.set(Some(step));
                }
                self.compute_ms.set(compute_ms);
                self.frame.set(Some(*frame));
                self.frames.update(|n| *n += 1);
            }
            LabResponse::Running(running) => self.running.set(running),
            LabResponse::Refused(why) => self.problem.set(Some(why)),
        }
    }

    /// Trains on the drawing if it can be data; else says why and keeps the data as it is.
    fn use_drawing(&self) {
        match Shape::drawn(self.drawing.get_untracked()) {
            Ok(shape) => {
                self.drawn.set(Some(shape));
                self.data.set(DRAWING);
                self.drawing_mode.set(false);
                self.restart();
            }
            Err(why) => self
                .problem
                .set(Some(format!("{why}. The data stays as it was."))),
        }
    }

    /// Does what a lesson step asks: the lab opens, and a running game pauses first.
    pub fn cue(self, cue: LabCue) {
        self.open();
        self.send(LabRequest::Pause);
        match cue {
            LabCue::Fresh => {
                self.failure.set(None);
                self.start(LabConfig::new(), Shape::Ring);
            }
            LabCue::StepD(n) => (0..n).for_each(|_| self.send(LabRequest::StepD)),
            LabCue::StepG(n) => (0..n).for_each(|_| self.send(LabRequest::StepG)),
            LabCue::Train => self.send(LabRequest::Train),
            LabCue::Fail(failure) => {
                self.show_failure(failure);
                self.send(LabRequest::Train);
            }
        }
    }

    /// One setting, as a signal that follows the settings.
    fn setting<T: Send + Sync + 'static>(self, get: fn(&LabConfig) -> T) -> Signal<T> {
        Signal::derive(move || self.config.with(get))
    }

    /// Changes one setting and starts the game again with it.
    fn set(&self, change: impl FnOnce(&mut LabConfig)) {
        let mut config = self.config.get_untracked();
        change(&mut config);
        if let Err(e) = config.validate() {
            self.problem.set(Some(e.to_string()));
            return;
        }
        self.config.set(config);
        self.failure.set(None);
        self.restart();
    }
}

impl Default for LabState {
    fn default() -> Self {
        Self::new()
    }
}

/// The lab section: collapsed until opened (its worker loads then). Its state comes from the
/// page's context ([`LabState`]), which the lesson shares.
#[component]
pub fn LabPanel() -> impl IntoView {
    let lab = expect_context::<LabState>();
    let toggled = move |ev: web_sys::Event| {
        let open = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(t).ok())
            .is_some_and(|d| d.open());
        if open {
            lab.open();
        } else {
            lab.opened.set(false);
        }
    };
    let idle = move || lab.frame.with(Option::is_some) && !lab.running.get();
    let probability = Signal::derive(move || {
        lab.config
            .with(|c| matches!(c.loss, LabLoss::Saturating | LabLoss::NonSaturating))
    });
    view! {
        <section class="panel lab" data-testid="lab" data-lesson="lab" data-frames=move || lab.frames.get().to_string()
            data-compute-ms=move || lab.compute_ms.get().to_string()>
            <details on:toggle=toggled prop:open=move || lab.opened.get()>
                <summary data-testid="lab-open"><h2>"The game in 2-D: two distributions, D's surface, G's pull"</h2></summary>
                <p class="explain">
                    "Before images, points. The data is a cloud of points in the plane (green); G turns noise z into points (purple) "
                    "and D colours the plane by how real it finds each place (green: real, purple: generated, white: can't tell). "
                    "The grey mesh is where G sends a regular grid of z: folds and knots in it are mode collapse. "
                    "The arrows show where G's loss pushes each generated point: −∂L_G/∂x, by autodiff through D."
                </p>
                <div class="buttons">
                    <Show when=move || lab.running.get() fallback=move || view! {
                        <button class="primary" data-testid="lab-train" disabled=move || !idle()
                            on:click=move |_| lab.send(LabRequest::Train)>"Train"</button>
                    }>
                        <button class="primary" data-testid="lab-pause" on:click=move |_| lab.send(LabRequest::Pause)>"Pause"</button>
                    </Show>
                    <button data-testid="lab-step" disabled=move || !idle() on:click=move |_| lab.send(LabRequest::Step)>"Step"</button>
                    <button data-testid="lab-step-d" disabled=move || !idle() on:click=move |_| lab.send(LabRequest::StepD)>"Step D only"</button>
                    <button data-testid="lab-step-g" disabled=move || !idle() on:click=move |_| lab.send(LabRequest::StepG)>"Step G only"</button>
                    <button data-testid="lab-reset" disabled=move || lab.running.get() on:click=move |_| lab.restart()>"Reset"</button>
                </div>
                {move || lab.problem.get().map(|p| view! { <p class="warning" role="alert" data-testid="lab-problem">{p}</p> })}
                <div class="lab-grid">
                    <div class="lab-view">
                        <Plane frame=lab.frame probability=probability
                            layers=Signal::derive(move || lab.layers.get())
                            drawing=lab.drawing drawing_mode=Signal::derive(move || lab.drawing_mode.get())/>
                        <Drawing lab=lab/>
                        <p class="hint">
                            <label><input type="checkbox" prop:checked=move || lab.layers.with(|l| l.mesh)
                                on:change=move |ev| lab.layers.update(|l| l.mesh = event_target_checked(&ev))/>" G's manifold"</label>
                            " "
                            <label><input type="checkbox" prop:checked=move || lab.layers.with(|l| l.arrows)
                                on:change=move |ev| lab.layers.update(|l| l.arrows = event_target_checked(&ev))/>" G's gradient arrows"</label>
                        </p>
                    </div>
                    <div class="lab-side">
                        <Numbers lab=lab/>
                        <OptimumPlane frame=lab.frame probability=probability/>
                        <LeadChart history=lab.history/>
                        <GeneratorLosses d_fake=Signal::derive(move || {
                            lab.step.with(|s| s.as_ref().and_then(|s| s.values.d_fake))
                        }) probability=probability/>
                    </div>
                </div>
                <TheoryCard frame=lab.frame step=lab.step config=lab.config probability=probability/>
                <Failures lab=lab/>
                <Settings lab=lab/>
            </details>
        </section>
    }
}

/// Drawing your own data: a mode in which the pointer paints points, then train on them.
#[component]
fn Drawing(
    /// The lab's state.
    lab: LabState,
) -> impl IntoView {
    view! {
        <p class="buttons lab-drawing">
            <button data-testid="lab-draw" aria-pressed=move || lab.drawing_mode.get().to_string()
                on:click=move |_| {
                    let on = !lab.drawing_mode.get_untracked();
                    if on {
                        lab.drawing.set(Vec::new());
                    }
                    lab.drawing_mode.set(on);
                }>
                {move || if lab.drawing_mode.get() { "Stop drawing" } else { "Draw your own data" }}
            </button>
            <button data-testid="lab-use-drawing" on:click=move |_| lab.use_drawing()>"Train on my drawing"</button>
            <span class="hint" data-testid="lab-drawn" data-count=move || lab.drawing.with(|d| d.len().to_string())>
                {move || lab.drawing.with(|d| format!("{} points drawn", d.len()))}
            </span>
        </p>
    }
}

/// The theory's numbers, live, each beside its value at the game's equilibrium.
#[component]
fn Numbers(
    /// The lab's state.
    lab: LabState,
) -> impl IntoView {
    let row = |name: &'static str,
               value: String,
               equilibrium: &'static str,
               testid: &'static str| {
        view! { <tr data-testid=testid><th>{name}</th><td>{value}</td><td class="hint">{equilibrium}</td></tr> }
    };
    let f = |v: Option<f32>| v.map_or("–".to_string(), |v| signed(v as f64, 3));
    move || {
        let frame = lab.frame.get()?;
        let step = lab.step.get().unwrap_or_default();
        let values = step.values;
        let d = frame.divergences;
        let shape = lab.shape();
        let modes = shape.as_ref().and_then(Shape::modes).map(|modes| {
            let sigma = shape.as_ref().and_then(Shape::mixture).map_or(0.1, |m| m.1);
            (
                modes_covered(&frame.fake, &modes, 3.0 * sigma, 0.25 / modes.len() as f32),
                modes.len(),
            )
        });
        Some(view! {
            <table class="lab-numbers" data-testid="lab-numbers" data-js=d.js.to_string()
                data-modes=modes.map(|m| m.0.to_string())>
                <tr><th>"Step"</th><td data-testid="lab-step-count">{frame.step}</td>
                    <td class="hint">{format!("{:.2} ms per step", step.ms_per_step)}</td></tr>
                {row("D's loss", f(values.d_loss), "2 ln 2 ≈ 1.386 (BCE)", "lab-d-loss")}
                {row("G's loss", f(values.g_loss), "ln 2 ≈ 0.693 (non-saturating)", "lab-g-loss")}
                {row("D(x), D(G(z))", format!("{}, {}", f(values.d_real), f(values.d_fake)), "½ and ½", "lab-d-outputs")}
                {row("JS(p_data‖p_g)", format!("{:.3}", d.js), "0 (at most ln 2 ≈ 0.693)", "lab-js")}
                {row("KL(p_data‖p_g)", format!("{:.2}", d.kl_data_g), "0; large when G misses modes", "lab-kl-data-g")}
                {row("KL(p_g‖p_data)", format!("{:.2}", d.kl_g_data), "0; large when G puts points off the data", "lab-kl-g-data")}
                {row("V(D*, G) = −log 4 + 2·JS", signed(d.value_at_optimum(), 3), "−log 4 ≈ −1.386", "lab-value")}
                {modes.map(|(covered, all)| row("Modes covered", format!("{covered} of {all}"), "all", "lab-modes"))}
            </table>
            <p class="hint">
                {format!(
                    "At the equilibrium p_g = p_data, the best D says ½ everywhere: D* = p_data / (p_data + p_g) (Goodfellow et al. 2014). \
                     JS and KL are estimated from the {} shown points of each set on a 32×32 grid (plug-in histograms: two equal sets still read a little above 0). \
                     Equilibrium losses: D {D_LOSS_EQUILIBRIUM:.3}, G {G_LOSS_EQUILIBRIUM:.3}, D's output {D_EQUILIBRIUM}.",
                    frame.real.len()
                )}
            </p>
        })
    }
}

/// Failures on cue: each sets up a game that goes wrong from a fixed seed, says what to watch,
/// and offers the change that mends it.
#[component]
fn Failures(
    /// The lab's state.
    lab: LabState,
) -> impl IntoView {
    view! {
        <div class="lab-failures" data-testid="lab-failures">
            <h3>"Failures on cue"</h3>
            <p class="buttons">
                {Failure::ALL.iter().enumerate().map(|(i, f)| {
                    let f = *f;
                    view! {
                        <button data-testid=format!("lab-failure-{i}") disabled=move || lab.running.get()
                            on:click=move |_| lab.show_failure(f)>{format!("Show: {}", f.label())}</button>
                    }
                }).collect_view()}
            </p>
            {move || lab.failure.get().map(|f| view! {
                <p class="explain" data-testid="lab-failure-text">{f.explanation()}</p>
                <p class="buttons">
                    <button data-testid="lab-remedy" on:click=move |_| lab.mend()>{f.remedy_label()}</button>
                </p>
            })}
        </div>
    }
}

/// The lab's settings; each change starts the game again.
#[component]
fn Settings(
    /// The lab's state.
    lab: LabState,
) -> impl IntoView {
    view! {
        <details class="lab-settings">
            <summary data-testid="lab-settings">"Data and settings (a change starts the game again)"</summary>
            <form class="hyper" on:submit=|ev| ev.prevent_default()>
                <Field label="Data" explain="The real points. Draw your own with the button under the plane.">
                    <select data-testid="lab-data" prop:value=move || lab.data.get().to_string()
                        on:change=move |ev| {
                            let choice: usize = event_target_value(&ev).parse().unwrap_or(0);
                            if choice == DRAWING && lab.drawn.get_untracked().is_none() {
                                lab.problem.set(Some("Draw your data first, then “Train on my drawing”.".into()));
                                return;
                            }
                            lab.data.set(choice);
                            lab.restart();
                        }>
                        {Shape::PRESETS.iter().enumerate().map(|(i, s)| view! { <option value=i.to_string()>{s.label()}</option> }).collect_view()}
                        <option value=DRAWING.to_string()>"Your drawing"</option>
                    </select>
                </Field>
                <ChoiceField label="Loss" testid="lab-loss"
                    explain="The game's own minimax loss (saturating: G's gradient vanishes when D wins), the non-saturating one DCGAN uses, hinge, or WGAN with a clipped critic."
                    choices=LabLoss::ALL.iter().map(|l| (*l, l.label())).collect()
                    value=lab.setting(|c| c.loss) set=move |loss| lab.set(|c| c.loss = loss)/>
                <ChoiceField label="Optimiser" testid="lab-optimizer" explain="Adam (β1 0.5) or RMSProp (WGAN's)."
                    choices=OptimizerKind::ALL.iter().map(|k| (*k, k.label())).collect()
                    value=lab.setting(|c| c.optimizer) set=move |k| lab.set(|c| c.optimizer = k)/>
                <NumberField label="Learning rate G" testid="lab-lr-g" explain="G's step size."
                    value=lab.setting(|c| c.learning_rate_g) step="0.0001" set=move |v| lab.set(|c| c.learning_rate_g = v)/>
                <NumberField label="Learning rate D" testid="lab-lr-d" explain="D's step size: lower it to hold back a D that wins."
                    value=lab.setting(|c| c.learning_rate_d) step="0.0001" set=move |v| lab.set(|c| c.learning_rate_d = v)/>
                <NumberField label="Adam's β1" testid="lab-beta1" explain="Adam's momentum: DCGAN's 0.5; the usual 0.9 makes the players overshoot each other."
                    value=lab.setting(|c| c.beta1 as f64) step="0.05" set=move |v| lab.set(|c| c.beta1 = v as f32)/>
                <NumberField label="D steps per G step" testid="lab-d-steps" explain="More lets D get near its optimum D* before G moves."
                    value=lab.setting(|c| c.d_steps as f64) step="1" set=move |v| lab.set(|c| c.d_steps = v as usize)/>
                <NumberField label="Hidden units" testid="lab-width" explain="Width of each hidden layer, both networks."
                    value=lab.setting(|c| c.width as f64) step="1" set=move |v| lab.set(|c| c.width = v as usize)/>
                <NumberField label="Hidden layers" testid="lab-depth" explain="Depth of both networks."
                    value=lab.setting(|c| c.depth as f64) step="1" set=move |v| lab.set(|c| c.depth = v as usize)/>
                <ChoiceField label="Activation" testid="lab-activation" explain="Between hidden layers."
                    choices=Activation::ALL.iter().map(|a| (*a, a.label())).collect()
                    value=lab.setting(|c| c.activation) set=move |a| lab.set(|c| c.activation = a)/>
                <ChoiceField label="Noise z" testid="lab-noise" explain="What G's input is drawn from."
                    choices=Noise::ALL.iter().map(|n| (*n, n.label())).collect()
                    value=lab.setting(|c| c.noise) set=move |n| lab.set(|c| c.noise = n)/>
                <NumberField label="Dimensions of z" testid="lab-noise-size" explain="1 to 8; with 2, the mesh is G's whole manifold."
                    value=lab.setting(|c| c.noise_size as f64) step="1" set=move |v| lab.set(|c| c.noise_size = v as usize)/>
                <NumberField label="Batch size" testid="lab-batch" explain="Points per step, real and generated each."
                    value=lab.setting(|c| c.batch_size as f64) step="1" set=move |v| lab.set(|c| c.batch_size = v as usize)/>
                <NumberField label="Seed" testid="lab-seed" explain="Weights, noise and data: the same seed replays the same game."
                    value=lab.setting(|c| c.seed as f64) step="1" set=move |v| lab.set(|c| c.seed = v as u64)/>
            </form>
        </details>
    }
}
