//! Adaptive augmentation, live: the probability p of DiffAugment's changes, the overfitting
//! measure r_t that moves it, and what the two say about the run.

use leptos::prelude::*;

use super::PageState;
use super::charts::Chart;
use crate::augmentation_view::AdaReading;
use crate::chart_geometry::Series;

/// The adaptive augmentation panel (only for a run that has it on): a line with p and r_t, a
/// sentence once p rises, their chart, and a link to the lesson's step on what goes wrong.
#[component]
pub fn AdaptiveAugmentation() -> impl IntoView {
    let state = expect_context::<PageState>();
    let settings = move || {
        state.config.with(|c| {
            c.as_ref()
                .filter(|c| c.ada_target > 0.0)
                .map(|c| (c.ada_target, c.ada_max))
        })
    };
    let reading = move || {
        state.last_step.with(|s| {
            let v = s.as_ref()?.values;
            Some(AdaReading {
                p: v.ada_probability?,
                overfitting: v.ada_overfitting?,
            })
        })
    };
    let open_lesson = move |_| {
        state
            .explorer
            .view
            .update(|v| v.lesson = crate::lesson::step_titled("What goes wrong"));
    };
    view! {
        {move || settings().map(|(target, max)| view! {
            <div class="ada" data-testid="ada"
                data-p=move || reading().map(|r| r.p.to_string())
                data-rt=move || reading().map(|r| r.overfitting.to_string())>
                <p class="stats" data-testid="ada-line">{move || match reading() {
                    Some(AdaReading { p, overfitting }) => format!(
                        "Adaptive augmentation: p {p:.3} (at most {max}) · r_t {overfitting:.2} (target {target})"),
                    None => format!("Adaptive augmentation: on (target r_t {target}); no step yet"),
                }}</p>
                {move || reading().and_then(|r| r.sentence(target)).map(|text| view! {
                    <p class="notice" data-testid="ada-sentence">{text} " "
                        <button class="link" data-testid="ada-why" on:click=open_lesson>"Why?"</button>
                    </p>
                })}
                <Chart history=state.history title="Adaptive augmentation"
                    series=vec![(Series::AdaProbability, "#9b5de5", "p"), (Series::AdaOverfitting, "#00a6a6", "r_t")]/>
                <p class="explain">
                    "r_t is the share of real images D calls real minus the share it calls fake, over its last few updates: 0 when it is as unsure of them as of G's, 1 when it has learnt them by heart. "
                    "Every 4 D updates (4 steps, with one D step per G step) p rises while r_t is above the target and falls while it is below (Karras et al. 2020, ADA)."
                </p>
            </div>
        })}
    }
}
