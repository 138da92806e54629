//! The large preview of G(z), with its buttons and the latency of the last move.

use leptos::prelude::*;
use protocol::messages::ExportFormat;

use super::note::Note;
use super::state::{ExplorerState, LATENCIES_KEPT};
use crate::components::browser::{draw_rgba, now_ms};

/// The large preview of G(z), with Randomize, Zero, the PNG export and the latency.
#[component]
pub fn Preview() -> impl IntoView {
    let state = expect_context::<ExplorerState>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // Images drawn so far (tests wait on it).
    let drawn = RwSignal::new(0u64);
    Effect::new(move |_| {
        state.preview.with(|p| {
            if let (Some(image), Some(c)) = (p, canvas.get()) {
                draw_rgba(&c, image.size, image.size, &image.rgba);
                drawn.update(|n| *n += 1);
                if let Some(at) = image.input_at {
                    let ms = now_ms() - at;
                    state.latencies.update(|l| {
                        l.push(ms);
                        let extra = l.len().saturating_sub(LATENCIES_KEPT);
                        l.drain(..extra);
                    });
                }
            }
        })
    });
    let latency = move || {
        state.latencies.with(|l| {
            l.last().map(|ms| {
                format!(
                    "Drawn {ms:.0} ms after the last move (the worker's part: {:.0} ms).",
                    state.worker_ms.get()
                )
            })
        })
    };
    let zero = move |_| {
        state.touch();
        let latent = state.view.with_untracked(|v| v.z.len());
        state.set_z(vec![0.0; latent], false);
    };
    view! {
        <div class="preview">
            <canvas class="preview-image" data-testid="preview" node_ref=canvas width="32" height="32"
                data-drawn=move || drawn.get().to_string()
                data-pending=move || state.preview_pending.get().to_string()></canvas>
            <div class="buttons">
                <button data-testid="randomize" on:click=move |_| { state.touch(); state.randomize(); }>"Randomize"</button>
                <button data-testid="zero" on:click=zero>"Zero"</button>
                <button data-testid="export-png" on:click=move |_| state.export(ExportFormat::Png)>"PNG"</button>
            </div>
            <p class="hint" data-testid="latency"
                data-latencies=move || state.latencies.with(|l| l.iter().map(|ms| format!("{ms:.1}")).collect::<Vec<_>>().join(","))>
                {latency}
            </p>
            <p class="warning" data-testid="render-error">{move || state.render_error.get()}</p>
            <Note>
                "z is the generator's input: 64 numbers of random noise, each drawn from a standard normal. "
                "The generator turns every z into an image; nearby z give similar images. "
                "Click a tile of the live grid to see its z here."
            </Note>
        </div>
    }
}
