//! The latent explorer: a large preview of G(z) ([`preview`]), sliders over z and over its
//! principal directions ([`sliders`]), interpolation between two z ([`interpolation`]), the
//! generator to draw with, exports, and the link that carries the view ([`state`]). The
//! panels depend on the state and the notes, never on each other.

mod interpolation;
mod note;
mod preview;
mod sliders;
mod state;

use leptos::prelude::*;

pub use state::{Directions, ExplorerState, TrainingSignals};

use crate::view_state::{PageView, Panel};
use interpolation::InterpolationPanel;
use preview::Preview;
use protocol::messages::{GeneratorSource, Showcase};
use sliders::{DirectionSliders, LatentSliders};

/// The explorer panel.
#[component]
pub fn ExplorerPanel() -> impl IntoView {
    let state = expect_context::<ExplorerState>();

    // Memos: each render follows only what it draws (a slider move leaves the strip alone).
    let drawn = Memo::new(move |_| state.view.with(|v| (v.source, v.z.clone())));
    let stripped = Memo::new(move |_| {
        state
            .view
            .with(|v| (v.source, v.a.clone(), v.b.clone(), v.mode, v.frames))
    });
    // What draws changes (z, the generator, or its weights while training): ask for a preview.
    Effect::new(move |_| {
        let source = drawn.with(|d| d.0);
        let ready = state.ready(source);
        if source == GeneratorSource::Training {
            state.training.grid_step.track(); // new weights arrive with each new grid
        }
        if ready {
            state.request_preview();
        }
    });
    Effect::new(move |_| {
        let source = stripped.with(|s| s.0);
        if source == GeneratorSource::Training {
            state.training.grid_step.track();
        }
        if state.ready(source) {
            state.request_strip();
        }
    });
    // The link follows the view, except while an animation runs (browsers throttle history
    // updates); it catches up when the animation stops.
    Effect::new(move |_| {
        let hash = state.view.with(PageView::to_hash);
        if state.animation.get().is_none()
            && let Ok(history) = window().history()
        {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{hash}")),
            );
        }
    });

    // A link opened in this page (a teacher's slide jumping to `#lesson=5`) changes only the
    // hash: the view follows it as it would on a fresh load.
    let hash_changed = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = window().location().hash().unwrap_or_default();
        let now = state.view.with_untracked(PageView::to_hash);
        if hash.trim_start_matches('#') != now {
            let latent = state.view.with_untracked(|v| v.z.len());
            state.restore_view(&hash, latent);
        }
    });
    on_cleanup(move || hash_changed.remove());

    let source = move || state.view.with(|v| v.source);
    let pretrained_label = move |showcase: Showcase| {
        let name = showcase.trained_on();
        match state.pretrained.with(|p| p.get(&showcase).cloned()) {
            Some(Ok(info)) => format!("Pretrained on {name} ({} steps)", info.step),
            Some(Err(_)) => format!("Pretrained on {name} (unavailable)"),
            None if state.requested.with_value(|r| r.contains(&showcase)) => {
                format!("Pretrained on {name} (loading…)")
            }
            None => format!("Pretrained on {name}"),
        }
    };
    let shown_error = move || match source() {
        GeneratorSource::Pretrained(showcase) => {
            match state.pretrained.with(|p| p.get(&showcase).cloned()) {
                Some(Err(e)) => Some(format!(
                    "The generator pretrained on {} could not be loaded ({e}). Choose another one, or “Your model” to explore the one you train.",
                    showcase.trained_on()
                )),
                _ => None,
            }
        }
        GeneratorSource::Training => None,
    };
    let own_label = move || {
        let step = state.training.last_step.get().unwrap_or(0);
        format!("Your model (step {step}, latest weights)")
    };
    let hides = move |panel: Panel| state.view.with(|v| v.hides(panel));
    let toggle_panel = move |panel: Panel| {
        state.view.update(|v| {
            if v.hidden.contains(&panel) {
                v.hidden.retain(|p| *p != panel);
            } else {
                v.hidden.push(panel);
                v.hidden.sort();
            }
        })
    };

    view! {
        <section class="panel explorer" data-testid="explorer" data-lesson="explorer">
            <h2>"4 · Explore what it learned"</h2>
            <Show when=move || state.link_problems.with(|p| !p.is_empty())>
                <div class="notice" role="status" data-testid="link-message">
                    <span>{move || format!(
                        "Part of this link could not be read, so defaults are shown for it: {}.",
                        state.link_problems.get().join("; ")
                    )}</span>
                    <button on:click=move |_| state.link_problems.set(Vec::new())>"Dismiss"</button>
                </div>
            </Show>
            <div class="source" role="radiogroup" aria-label="Generator">
                {Showcase::ALL.map(|showcase| {
                    let shipped = GeneratorSource::Pretrained(showcase);
                    let testid = format!("source-{}", showcase.link_name());
                    view! {
                        <label>
                            <input type="radio" name="source" data-testid=testid
                                prop:checked=move || source() == shipped
                                on:change=move |_| state.use_source(shipped)/>
                            {move || pretrained_label(showcase)}
                        </label>
                    }
                })}
                <label>
                    <input type="radio" name="source" data-testid="source-training"
                        prop:checked=move || source() == GeneratorSource::Training
                        on:change=move |_| state.use_source(GeneratorSource::Training)/>
                    {own_label}
                </label>
            </div>
            <Show when=move || state.followed.get().is_some() && source() == GeneratorSource::Training>
                <p class="explain" data-testid="explorer-follows">
                    "The explorer now shows your model, trained on your images. Choose the pretrained generator above to go back to it."
                </p>
            </Show>
            <Show when=move || shown_error().is_some()>
                <p class="warning" data-testid="pretrained-error">{move || shown_error().unwrap_or_default()}</p>
            </Show>
            <div class="explorer-grid">
                <Preview/>
                <div class="explorer-controls">
                    <LatentSliders/>
                    <DirectionSliders/>
                </div>
            </div>
            <InterpolationPanel/>
            <fieldset class="panels">
                <legend>"Show on this page (kept in the link, for a projector)"</legend>
                {Panel::ALL.into_iter().map(|panel| view! {
                    <label>
                        <input type="checkbox" data-testid=format!("show-{}", panel.key())
                            prop:checked=move || !hides(panel)
                            on:change=move |_| toggle_panel(panel)/>
                        {match panel {
                            Panel::Lab => "The game in 2-D",
                            Panel::Data => "Images",
                            Panel::Train => "Training controls",
                            Panel::Live => "Live samples and charts",
                            Panel::Game => "The game: D's verdict, the losses, the networks",
                            Panel::Notes => "Explanations",
                        }}
                    </label>
                }).collect_view()}
            </fieldset>
        </section>
    }
}
