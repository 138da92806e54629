//! Interpolation between two latent vectors A and B: t, lerp or slerp, the strip of frames,
//! the animation and the random walk, and their exports.

use std::time::Duration;

use leptos::prelude::*;
use model::latent::{Interpolation, great_circle_step};

use super::note::Note;
use super::state::{Animation, ExplorerState};
use crate::components::browser::draw_rgba;
use crate::view_state::{FRAMES, random_latent};
use protocol::messages::ExportFormat;

/// Animation tick.
const TICK: Duration = Duration::from_millis(50);
/// Change of t per tick while playing (A to B in 2.5 s).
const PLAY_STEP: f32 = 0.02;
/// Turn per tick of the random walk, in radians.
const WALK_ANGLE: f32 = 0.04;
/// Ticks before the walk picks a new great circle.
const WALK_TURN: u64 = 40;
/// Frame time of the exported animation.
const GIF_FRAME_MS: u32 = 120;

/// The interpolation panel.
#[component]
pub fn InterpolationPanel() -> impl IntoView {
    let state = expect_context::<ExplorerState>();
    let show_t = move |t: f32| {
        let (a, b, mode) = state
            .view
            .with_untracked(|v| (v.a.clone(), v.b.clone(), v.mode));
        state.view.update(|v| v.t = t);
        state.set_z(mode.at(&a, &b, t), false);
    };
    let set_end = move |which: char, z: Vec<f32>| {
        state.view.update(|v| match which {
            'a' => v.a = z,
            _ => v.b = z,
        })
    };
    let random_end = move |which: char| {
        let mut z = Vec::new();
        state.view.update(|v| z = v.next_random());
        set_end(which, z);
    };
    let animate = move |kind: Animation| {
        state
            .animation
            .update(|a| *a = if *a == Some(kind) { None } else { Some(kind) });
    };
    let looping = RwSignal::new(true);

    // One interval while an animation runs; stopping or switching clears it.
    let interval = StoredValue::new_local(None::<IntervalHandle>);
    let direction = StoredValue::new(1.0f32);
    let ticks = StoredValue::new(0u64);
    Effect::new(move |_| {
        let animation = state.animation.get();
        interval.update_value(|h| {
            if let Some(h) = h.take() {
                h.clear();
            }
        });
        let Some(kind) = animation else { return };
        let tick = move || match kind {
            Animation::Play => {
                let t = state.view.with_untracked(|v| v.t);
                let mut next = t + PLAY_STEP * direction.get_value();
                if !(0.0..=1.0).contains(&next) {
                    if looping.get_untracked() {
                        direction.update_value(|d| *d = -*d);
                        next = next.clamp(0.0, 1.0);
                    } else {
                        state.animation.set(None);
                        next = next.clamp(0.0, 1.0);
                    }
                }
                show_t(next);
            }
            Animation::Walk => {
                ticks.update_value(|n| *n += 1);
                let (z, seed) = state.view.with_untracked(|v| (v.z.clone(), v.seed));
                // A fixed heading for a while traces an arc of one great circle, then turns.
                let heading = random_latent(
                    seed.wrapping_add(1000 + ticks.get_value() / WALK_TURN),
                    z.len(),
                );
                state.set_z(great_circle_step(&z, &heading, WALK_ANGLE), false);
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, TICK) {
            interval.set_value(Some(handle));
        }
    });

    let strip_canvases = move || {
        state.strip.with(|strip| {
            let Some(strip) = strip else { return Vec::new() };
            let (size, count) = (strip.size, strip.frames.len());
            strip
                .frames
                .iter()
                .zip(&strip.norms)
                .enumerate()
                .map(|(i, (rgba, &norm))| {
                    let canvas = NodeRef::<leptos::html::Canvas>::new();
                    let rgba = rgba.clone();
                    canvas.on_load(move |c| draw_rgba(&c, size, size, &rgba));
                    let t = i as f32 / (count.max(2) - 1) as f32;
                    view! {
                        <figure class="frame" on:click=move |_| { state.touch(); show_t(t); }>
                            <canvas node_ref=canvas width=size height=size data-testid="strip-frame"
                                data-norm=format!("{norm:.4}") title=format!("t = {t:.2}, |z| = {norm:.2}")></canvas>
                            <figcaption>{format!("|z| {norm:.1}")}</figcaption>
                        </figure>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="interpolation">
            <h3>"Interpolation from A to B"</h3>
            <div class="buttons">
                <button data-testid="set-a" on:click=move |_| set_end('a', state.view.get_untracked().z)>"A ← this z"</button>
                <button data-testid="set-b" on:click=move |_| set_end('b', state.view.get_untracked().z)>"B ← this z"</button>
                <button on:click=move |_| random_end('a')>"Random A"</button>
                <button on:click=move |_| random_end('b')>"Random B"</button>
                <button on:click=move |_| state.view.update(|v| std::mem::swap(&mut v.a, &mut v.b))>"Swap"</button>
            </div>
            <label class="t">
                {move || format!("t = {:.2}", state.view.with(|v| v.t))}
                <input type="range" min="0" max="1" step="0.01" data-testid="t"
                    prop:value=move || state.view.with(|v| v.t).to_string()
                    on:input=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse::<f32>() {
                            state.touch();
                            show_t(t);
                        }
                    }/>
            </label>
            <div class="mode" role="radiogroup" aria-label="Interpolation">
                {[(Interpolation::Slerp, "slerp"), (Interpolation::Lerp, "lerp")].into_iter().map(|(mode, name)| view! {
                    <label>
                        <input type="radio" name="mode" data-testid=format!("mode-{name}")
                            prop:checked=move || state.view.with(|v| v.mode == mode)
                            on:change=move |_| state.view.update(|v| v.mode = mode)/>
                        {name}
                    </label>
                }).collect_view()}
                <label>
                    " frames "
                    <input type="number" min=*FRAMES.start() max=*FRAMES.end() data-testid="frames"
                        prop:value=move || state.view.with(|v| v.frames).to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                state.view.update(|v| v.frames = n.clamp(*FRAMES.start(), *FRAMES.end()));
                            }
                        }/>
                </label>
            </div>
            <Note>
                "Slerp (the default) follows the great circle between A and B. Random z of d dimensions "
                "almost all lie near a sphere of radius about √d (8 for the default 64); a straight line (lerp) cuts inside it, "
                "where the generator rarely saw a z, and the middle frames go dull. Slerp keeps |z| on the way (White 2016)."
            </Note>
            <div class="strip" data-testid="strip"
                data-frames=move || state.strip.with(|s| s.as_ref().map_or(0, |s| s.frames.len()))>
                {strip_canvases}
            </div>
            <div class="buttons">
                <button data-testid="play" on:click=move |_| animate(Animation::Play)>
                    {move || if state.animation.get() == Some(Animation::Play) { "Stop" } else { "Play" }}
                </button>
                <label><input type="checkbox" prop:checked=looping on:change=move |_| looping.update(|l| *l = !*l)/>" loop"</label>
                <button data-testid="walk" on:click=move |_| animate(Animation::Walk)>
                    {move || if state.animation.get() == Some(Animation::Walk) { "Stop walking" } else { "Random walk" }}
                </button>
                <button data-testid="export-strip" on:click=move |_| state.export(ExportFormat::StripPng)>"Strip PNG"</button>
                <button data-testid="export-gif" on:click=move |_| state.export(ExportFormat::Gif { frame_ms: GIF_FRAME_MS })>"Animated GIF"</button>
            </div>
            <Note>
                "The random walk turns z a little at a time along great circles of its sphere, "
                "so |z| stays the same and the images morph without leaving the typical set."
            </Note>
        </div>
    }
}
