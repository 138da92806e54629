//! What the model does: the sample grid, step numbers, charts, quality and checkpoints.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::browser::{download_png, draw_rgba, files_of, read_bytes};
use super::charts::Chart;
use super::{PageState, Worker};
use crate::chart_geometry::Series;
use crate::timelapse::Timelapse;
use model::health::Alarm;
use model::health::Fallback;
use protocol::messages::{AlarmReport, ByteBuf, QUALITY_SEEDS, Request};
use protocol::saved_runs::SavedRun;

/// Below this ratio of the samples' nearest-image distance to the data's own spacing, the
/// samples look like copies of training images.
const COPY_RATIO: f32 = 0.5;

/// Below this sample diversity (relative to the data's) the samples look alike: mode collapse.
const COLLAPSE_DIVERSITY: f32 = 0.35;

/// Up to this many training images, copying them is what a perfect GAN would do.
const FEW_IMAGES: usize = 100;

/// The live panel.
#[component]
pub fn LivePanel() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // The grid shows the raw generator rather than its average.
    let show_raw = RwSignal::new(false);
    // The tile the keyboard points at (row by row).
    let cursor = RwSignal::new(0usize);
    // True while the keyboard points at a tile: its outline is drawn.
    let focused = RwSignal::new(false);
    Effect::new(move |_| {
        let (at, focused) = (cursor.get(), focused.get());
        state.samples.with(|s| {
            if let (Some(grid), Some(c)) = (s, canvas.get()) {
                draw_rgba(&c, grid.width, grid.height, &grid.rgba);
                if focused {
                    outline_tile(&c, at);
                }
            }
        })
    });
    let stats = move || {
        state.last_step.get().map(|s| {
            // No time for a step restored from a project trained elsewhere.
            let speed = if s.ms > 0.0 {
                format!(" · {:.0} ms per step · {:.2} steps/s", s.ms, 1000.0 / s.ms)
            } else {
                String::new()
            };
            format!("step {} · epoch {}{speed}", s.step, s.epoch)
        })
    };
    let export_grid = move |_| {
        let Some(grid) = state.samples.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let name = format!("samples-step{}.png", grid.step);
            if let Err(e) = download_png(&name, grid.width, grid.height, &grid.rgba).await {
                state.error.set(Some(format!("export failed: {e}")));
            }
        });
    };
    let load_checkpoint = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let files = files_of(input.files());
        input.set_value("");
        spawn_local(async move {
            for file in files {
                match read_bytes(&file).await {
                    Ok(bytes) => worker.send(Request::LoadCheckpoint(bytes)),
                    Err(e) => state.error.set(Some(format!("{}: {e}", file.name()))),
                }
            }
        });
    };

    view! {
        <section class="panel live" data-lesson="live">
            <h2>"3 · Watch it learn"</h2>
            <p class="explain">
                "Each tile is G(z) for one fixed noise vector z, so you watch the same 64 draws improve. Click a tile to explore its z below."
            </p>
            <canvas class="samples" data-testid="samples" node_ref=canvas width="274" height="274"
                title="Click a tile to explore its z" tabindex="0" role="img"
                aria-label=move || format!(
                    "The sample grid, 8 by 8. Arrow keys choose a tile (now row {}, column {}); Enter explores its z.",
                    cursor.get() / 8 + 1, cursor.get() % 8 + 1)
                data-cursor=move || cursor.get().to_string()
                on:blur=move |_| focused.set(false)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let at = cursor.get_untracked();
                    let moved = match ev.key().as_str() {
                        "ArrowLeft" => Some(at - at % 8 + (at % 8 + 7) % 8),
                        "ArrowRight" => Some(at - at % 8 + (at % 8 + 1) % 8),
                        "ArrowUp" => Some((at + 56) % 64),
                        "ArrowDown" => Some((at + 8) % 64),
                        "Enter" | " " => {
                            state.explorer.take_tile(at);
                            None
                        }
                        _ => return,
                    };
                    ev.prevent_default();
                    // Arrow keys move the tile cursor instead of walking the lesson.
                    ev.stop_propagation();
                    // The outline shows once the keyboard is used (a click draws none).
                    focused.set(true);
                    if let Some(to) = moved {
                        cursor.set(to);
                    }
                }
                on:click=move |ev: leptos::ev::MouseEvent| {
                    if let Some(c) = canvas.get()
                        && let Some(tile) = tile_at(&c, ev.offset_x(), ev.offset_y())
                    {
                        state.explorer.take_tile(tile);
                    }
                }
                data-step=move || state.samples.with(|s| s.as_ref().map(|s| s.step.to_string()))></canvas>
            {move || state.config.with(|c| c.as_ref().is_some_and(|c| c.ema_beta > 0.0)).then(|| view! {
                <label class="hint">
                    <input type="checkbox" data-testid="show-raw" prop:checked=move || show_raw.get()
                        on:change=move |ev| {
                            let raw = event_target_checked(&ev);
                            show_raw.set(raw);
                            worker.send(Request::ShowRaw(raw));
                        }/>
                    " Show the raw generator instead of its average (EMA): the average is smoother; the raw G is what D sees and what Step G only changes."
                </label>
            })}
            <p class="stats" data-testid="stats">{stats}</p>
            <Replay timelapse=state.timelapse/>
            // The exact values too, for a reader (or a test) checking that a resumed run is
            // the same run.
            <p class="losses" data-testid="losses"
                data-exact=move || state.last_step.get().map(|s| format!("{} {:?}", s.step, s.values.all()))>
                {move || state.last_step.get().map(|s| {
                    let f = |v: Option<f32>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
                    format!("D loss {} · G loss {} · D(x) {} · D(G(z)) {}",
                        f(s.values.d_loss), f(s.values.g_loss), f(s.values.d_real), f(s.values.d_fake))
                })}
            </p>
            <div class="charts">
                <Chart history=state.history title="Losses"
                    series=vec![(Series::DLoss, "#e4572e", "D"), (Series::GLoss, "#29bf12", "G")]/>
                <Chart history=state.history title="Mean D output"
                    series=vec![(Series::DReal, "#4e8cff", "D(x)"), (Series::DFake, "#ffb400", "D(G(z))")]/>
                <Chart history=state.history title="Gradient norms"
                    series=vec![(Series::DGradNorm, "#e4572e", "‖∇D‖"), (Series::GGradNorm, "#29bf12", "‖∇G‖")]/>
            </div>
            <super::augmentation::AdaptiveAugmentation config=state.config last_step=state.last_step
                history=state.history on_why=Callback::new(move |()| state.explorer.view
                    .update(|v| v.lesson = crate::lesson::step_titled("What goes wrong")))/>
            <p class="explain" data-testid="gradient-note">
                "Gradient norms: the length of each network's gradient in its last update (all its weights together). "
                "When D wins with the game's original loss log(1 − D(G(z))), ‖∇G‖ falls towards 0 and G stops learning: the gradient vanishes. "
                "The non-saturating loss keeps it up; watch it here."
            </p>
            <p class="quality" data-testid="quality">
                {move || state.quality.get().map(|(step, swd, diversity)| view! {
                    <span data-testid="swd" data-swd=swd.to_string()>{format!("Sliced Wasserstein distance to your images at step {step}: {swd:.1} (lower is better)")}</span>
                    {move || state.swd_range.get().map(|(low, high)| view! {
                        <span data-testid="swd-range" data-low=low.to_string() data-high=high.to_string()>{format!(
                            ", {low:.1}–{high:.1} over {} seeds of the measure. On 64 samples it is noisy: read a change smaller than that range as no change. It can also reward copying your images.",
                            QUALITY_SEEDS
                        )}</span>
                    })}
                    {move || state.memorisation.get().map(|m| {
                        let ratio = m.samples / m.training.max(1e-6);
                        view! {
                            <span data-testid="memorisation" data-ratio=ratio.to_string()>{format!(
                                " · Samples are {:.1} (median pixel distance) from their nearest training image or its mirror; training images are {:.1} from each other ({ratio:.2}×).",
                                m.samples, m.training
                            )}</span>
                            {(ratio < COPY_RATIO).then(|| view! {
                                <strong class="warning" data-testid="copying-warning">{format!(
                                    " The samples sit much nearer the training images than those are to each other: the generator may be copying its data rather than making new images. Click a generated image under “What D says” to see its nearest training images.{}",
                                    if m.images <= FEW_IMAGES {
                                        format!(" With only {} images, copying them is what a perfect GAN would do: the data's distribution is those images. More images, not another setting, is the remedy.", m.images)
                                    } else {
                                        String::new()
                                    }
                                )}</strong>
                            })}
                        }
                    })}
                    <Show when=move || diversity < COLLAPSE_DIVERSITY>
                        <strong class="warning" data-testid="collapse-warning" data-diversity=diversity.to_string()>{format!(
                            " Samples look alike (diversity {diversity:.2} of the data's): the generator may be collapsing to a few modes. It found a few images that fool D and sends most z there; D learns to reject them, G moves to others where D is weak, and the two can chase each other from mode to mode (Goodfellow 2016, NIPS tutorial §5.1.1; Metz et al. 2017). The chase may end with variety back, or not. Try going back or Reset, lower learning rates, or more D steps per G step."
                        )}</strong>
                    </Show>
                })}
            </p>
            <AlarmBanner alarm=state.alarm autosave=state.saved.last/>
            <div class="buttons">
                <button on:click=move |_| worker.send(Request::SaveCheckpoint)>"Download checkpoint"</button>
                <label class="button">"Load checkpoint…"
                    <input type="file" accept=".gan,application/octet-stream" data-testid="checkpoint-input" on:change=load_checkpoint/>
                </label>
                <button data-testid="export-grid" on:click=export_grid>"Export grid as PNG"</button>
            </div>
            <super::saved::ProjectControls/>
        </section>
    }
}

/// Milliseconds each timelapse frame shows in the GIF.
const TIMELAPSE_FRAME_MS: u32 = 250;

/// The timelapse: a scrubber over the kept sample grids, and their export as a GIF.
#[component]
fn Replay(
    /// The sample grids kept over the run.
    timelapse: RwSignal<Timelapse>,
) -> impl IntoView {
    let worker = expect_context::<Worker>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // The frame shown; `None` follows the latest.
    let chosen = RwSignal::new(None::<usize>);
    let count = move || timelapse.with(|t| t.frames().len());
    let index = move || {
        let n = count();
        chosen
            .get()
            .filter(|i| *i < n)
            .unwrap_or(n.saturating_sub(1))
    };
    Effect::new(move |_| {
        let i = index();
        timelapse.with(|t| {
            if let (Some(f), Some(c)) = (t.frames().get(i), canvas.get()) {
                draw_rgba(&c, f.width, f.height, &f.rgba);
            }
        })
    });
    let step = move || timelapse.with(|t| t.frames().get(index()).map(|f| f.step));
    let export = move |_| {
        let request = timelapse.with_untracked(|t| {
            let first = t.frames().first()?;
            Some(Request::TimelapseGif {
                width: first.width,
                height: first.height,
                frames: t
                    .frames()
                    .iter()
                    .map(|f| ByteBuf::from(f.rgba.clone()))
                    .collect(),
                frame_ms: TIMELAPSE_FRAME_MS,
            })
        });
        if let Some(request) = request {
            worker.send(request);
        }
    };
    view! {
        <details class="replay" data-testid="timelapse" data-frames=move || count().to_string()>
            <summary>{move || format!("Replay: watch it learn ({} frames)", count())}</summary>
            <p class="explain">{format!(
                "The grid as it was during training. Up to {} frames are kept: when full, every other one is dropped, so a long run stays spread over its whole length.",
                crate::timelapse::MAX_FRAMES
            )}</p>
            <canvas class="samples" node_ref=canvas data-testid="timelapse-frame"
                data-step=move || step().map(|s| s.to_string())></canvas>
            <label class="t">{move || step().map(|s| format!("step {s}"))}
                <input type="range" min="0" data-testid="timelapse-scrubber"
                    max=move || count().saturating_sub(1).to_string()
                    prop:value=move || index().to_string()
                    on:input=move |ev| chosen.set(event_target_value(&ev).parse().ok())/>
            </label>
            <p class="buttons">
                <button on:click=move |_| chosen.set(None)>"Latest"</button>
                <button data-testid="timelapse-gif" disabled=move || count() < 2 on:click=export>
                    "Export as animated GIF"</button>
            </p>
        </details>
    }
}

/// What a falling-apart run means and what to try, for each alarm.
fn explain(alarm: &Alarm) -> &'static str {
    match alarm {
        Alarm::DiscriminatorWins { .. } => {
            "D now tells your images from G's almost perfectly, and G's loss climbs. With the \
             game's original loss, log(1 − D(G(z))), G's gradient would vanish here; the \
             non-saturating −log D(G(z)) this page uses keeps it large, but against a near-perfect \
             D its direction is noisy and it favours dropping modes over covering them \
             (Arjovsky & Bottou 2017), so G's images drift, often into noise. On a small set \
             this is how a long run ends: D has learnt the few real images by heart. Another \
             loss alone does not stop it (hinge does not constrain D). What does is holding D \
             back: go back, then halve D's learning rate or use fewer D steps per G step; turn on \
             adaptive augmentation or DiffAugment (Hyper-parameters: D then sees every image \
             randomly shifted, recoloured and cut, so it cannot learn them by heart; Zhao et al. \
             2020, Karras et al. 2020; with adaptive augmentation on, this alarm waits until its \
             p has reached its highest); \
             WGAN, whose clipped critic is a Lipschitz constraint (Arjovsky et al. 2017); or add \
             more images. (A gradient penalty — Gulrajani et al. 2017, R1 of Mescheder et al. \
             2018 — or spectral normalisation, Miyato et al. 2018, are the modern constraints; \
             this page does not offer them.)"
        }
        Alarm::QualityFell { .. } => {
            "The samples are much further from your images than they were at their best (the \
             sliced Wasserstein distance compares their details at several scales). Try: go \
             back, then lower both learning rates, or turn on adaptive augmentation."
        }
        Alarm::Oscillating { .. } => {
            "Instead of settling, the game swings: G finds images that fool D, D learns to \
             reject them, G jumps elsewhere, and so on (often with samples that change all at \
             once rather than improving). Training goes on; if the samples do not improve, try \
             lower learning rates (both) or a lower Adam β1."
        }
        Alarm::NonFinite { .. } => {
            "A number overflowed, and NaN spreads to every weight it touches: nothing trained \
             from here on would mean anything, so training stopped at the last good state. The \
             usual cause is a learning rate too high for this model (sometimes an unlucky \
             batch). Before training on, lower the learning rates (halve both), or start fresh \
             with Reset."
        }
    }
}

/// The run is falling apart (or swings): what was seen, why it matters, and the way back.
#[component]
fn AlarmBanner(
    /// The run's alarm, until dismissed (Dismiss and Keep training clear it).
    alarm: RwSignal<Option<AlarmReport>>,
    /// The newest autosave, offered after non-finite losses where no good state is in memory.
    autosave: RwSignal<Option<SavedRun>>,
) -> impl IntoView {
    let worker = expect_context::<Worker>();
    let report = alarm;
    view! {
        {move || report.get().map(|AlarmReport { alarm, back_to, restored }| view! {
            <div class="alarm" role="alert" data-testid="alarm" data-pauses=alarm.pauses().to_string()>
                <p><strong>{if alarm.pauses() {
                    "Training paused: the run is falling apart. "
                } else {
                    "Watch out: "
                }}</strong>
                    {format!("{}.", alarm.describe())}
                    {back_to.filter(|_| restored).map(|Fallback { step, .. }| view! {
                        <strong data-testid="restored">{format!(" The model went back to step {step}, its last good state.")}</strong>
                    })}</p>
                <p class="explain">{explain(&alarm)}</p>
                <p class="buttons">
                    {back_to.filter(|_| alarm.pauses() && !restored).map(|Fallback { step, swd }| view! {
                        <button class="primary" data-testid="go-back"
                            on:click=move |_| worker.send(Request::GoBack)>
                            {match swd {
                                Some(swd) => format!("Go back to step {step} (best quality, SWD {swd:.1})"),
                                None => format!("Go back to step {step}"),
                            }}
                        </button>
                    })}
                    {(back_to.is_none() && matches!(alarm, Alarm::NonFinite { .. }))
                        .then(|| autosave.get())
                        .flatten()
                        .map(|run| view! {
                            <button class="primary" data-testid="go-back-autosave"
                                on:click=move |_| worker.send(Request::OpenSaved(run.run_id.clone()))>
                                {format!("Go back to the autosave at step {}", run.step)}
                            </button>
                        })}
                    {(!matches!(alarm, Alarm::NonFinite { .. }) && alarm.pauses()).then(|| view! {
                        <button data-testid="keep-training" on:click=move |_| {
                            report.set(None);
                            worker.send(Request::Train);
                        }>"Keep training"</button>
                    })}
                    <button on:click=move |_| report.set(None)>"Dismiss"</button>
                </p>
            </div>
        })}
    }
}

/// Outlines tile `at` (row by row) of the 8×8 grid on `canvas`: the keyboard's cursor.
fn outline_tile(canvas: &web_sys::HtmlCanvasElement, at: usize) {
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let pitch = (canvas.width() as f64 - 2.0) / 8.0;
    let (x, y) = ((at % 8) as f64 * pitch + 1.0, (at / 8) as f64 * pitch + 1.0);
    context.set_stroke_style_str("#4e8cff");
    context.set_line_width(2.0);
    context.stroke_rect(x, y, pitch, pitch);
}

/// The grid tile (row by row) under a click at CSS pixel (x, y) of the canvas, if any: the
/// grid is 8×8 tiles with a 2-pixel border (see `model::images::grid`).
fn tile_at(canvas: &web_sys::HtmlCanvasElement, x: f64, y: f64) -> Option<usize> {
    let (shown, drawn) = (canvas.client_width() as f64, canvas.width() as f64);
    if shown <= 0.0 {
        return None;
    }
    let scale = drawn / shown;
    let pitch = (drawn - 2.0) / 8.0;
    let cell = |v: f64| {
        let p = v * scale - 2.0;
        (p >= 0.0 && p < pitch * 8.0).then(|| (p / pitch) as usize)
    };
    Some(cell(y)? * 8 + cell(x)?)
}

fn event_target<T: JsCast>(ev: &leptos::ev::Event) -> T {
    ev.target().expect("an event target").unchecked_into()
}
