//! A slider per latent dimension, and sliders along the principal directions.

use leptos::prelude::*;

use super::note::Note;
use super::state::ExplorerState;

/// Sliders per group: 64 dimensions make 8 rows of 8, which fit on one screen.
const GROUP: usize = 8;
/// Slider range, in standard deviations of z.
const RANGE: f32 = 3.0;

/// One slider per dimension of z, ±3σ.
#[component]
pub fn LatentSliders() -> impl IntoView {
    let state = expect_context::<ExplorerState>();
    // A memo: the sliders are rebuilt when the number of dimensions changes, not on every move.
    let latent = Memo::new(move |_| state.view.with(|v| v.z.len()));
    let latent = move || latent.get();
    let slider = move |i: usize| {
        view! {
            <input type="range" class="z" min=-RANGE max=RANGE step="0.01"
                title=move || format!("z{i} = {:.2}", state.view.with(|v| v.z.get(i).copied().unwrap_or(0.0)))
                aria-label=format!("z{i}") data-testid=format!("z{i}")
                prop:value=move || state.view.with(|v| v.z.get(i).copied().unwrap_or(0.0)).to_string()
                on:input=move |ev| {
                    if let Ok(value) = event_target_value(&ev).parse::<f32>() {
                        state.touch();
                        let mut z = state.view.get_untracked().z;
                        if let Some(x) = z.get_mut(i) {
                            *x = value;
                        }
                        state.set_z(z, false);
                    }
                }/>
        }
    };
    view! {
        <div class="latent">
            <h3>"z, one slider per dimension"</h3>
            <div class="zgrid" data-testid="z-sliders">
                {move || (0..latent().div_ceil(GROUP)).map(|g| view! {
                    <div class="zgroup">
                        <span class="zlabel">{format!("z{}–{}", g * GROUP, ((g + 1) * GROUP).min(latent()) - 1)}</span>
                        {(g * GROUP..((g + 1) * GROUP).min(latent())).map(slider).collect_view()}
                    </div>
                }).collect_view()}
            </div>
            <Note>
                "Each slider is one number of z, from −3 to +3 standard deviations. "
                "Single numbers rarely mean anything on their own: the generator mixes all of them."
            </Note>
        </div>
    }
}

/// The top principal directions as sliders, in σ of z.
#[component]
pub fn DirectionSliders() -> impl IntoView {
    let state = expect_context::<ExplorerState>();
    // A memo: the sliders are rebuilt when new directions arrive, not on every move of z.
    let source = Memo::new(move |_| state.view.with(|v| v.source));
    let current = Memo::new(move |_| state.directions.get().filter(|d| d.source == source.get()));
    let current = move || current.get();
    let stale = move || {
        current().is_some_and(|d| {
            d.source == protocol::messages::GeneratorSource::Training
                && state.training.last_step.get().is_some_and(|s| s != d.step)
        })
    };
    view! {
        <div class="directions">
            <h3>"Principal directions"</h3>
            <div class="buttons">
                <button data-testid="compute-directions"
                    disabled=move || state.computing.get() || !state.ready(state.view.with(|v| v.source))
                    on:click=move |_| state.compute_directions()>
                    {move || if state.computing.get() { "Computing…" } else if current().is_some() { "Recompute" } else { "Find principal directions" }}
                </button>
                <Show when=stale>
                    <small>" The model has trained since: recompute to follow it."</small>
                </Show>
            </div>
            <div class="pcs" data-testid="directions">
                {move || current().map(|d| {
                    let total: f32 = d.found.variances.iter().sum::<f32>().max(1e-12);
                    d.found.variances.iter().enumerate().map(|(i, var)| {
                        let share = 100.0 * var / total;
                        view! {
                            <label class="pc">
                                <span>{format!("PC{} · {share:.0}%", i + 1)}</span>
                                <input type="range" min=-RANGE max=RANGE step="0.05" data-testid=format!("pc{i}")
                                    prop:value=move || state.amounts.with(|a| a.get(i).copied().unwrap_or(0.0)).to_string()
                                    on:input=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f32>() {
                                            state.touch();
                                            state.set_amount(i, v);
                                        }
                                    }/>
                            </label>
                        }
                    }).collect_view()
                })}
            </div>
            <Note>
                "A principal direction is a way through z along which the generator's first layer "
                "changes most (PCA of its activations over 512 random z, carried back to z, as in GANSpace). "
                "The percentage is each direction's share of the variance of the top ten. "
                "Sliders move z from where it was, in standard deviations."
            </Note>
        </div>
    }
}
