//! Adaptive augmentation, live: the probability p of DiffAugment's changes, the overfitting
//! measure r_t that moves it, and what the two say about the run.

use leptos::prelude::*;

use super::charts::Chart;
use crate::augmentation_view::AdaReading;
use crate::chart_geometry::Series;
use model::GanConfig;
use protocol::history::{History, StepReport};

/// The adaptive augmentation panel (only for a run that has it on): a line with p and r_t, a
/// sentence once p rises, their chart, and a link to the lesson's step on what goes wrong.
#[component]
pub fn AdaptiveAugmentation(
    /// The run's configuration: the panel shows only where its `ada_target` is above 0.
    #[prop(into)]
    config: Signal<Option<GanConfig>>,
    /// The last step's report, with p and r_t in its values.
    #[prop(into)]
    last_step: Signal<Option<StepReport>>,
    /// The run's history, which the chart of p and r_t draws.
    history: RwSignal<History>,
    /// Called by the sentence's "Why?": opens the lesson's step on what goes wrong.
    on_why: Callback<()>,
) -> impl IntoView {
    let settings = move || {
        config.with(|c| {
            c.as_ref()
                .filter(|c| c.ada_target > 0.0)
                .map(|c| (c.ada_target, c.ada_max))
        })
    };
    let reading = move || {
        last_step.with(|s| {
            let v = s.as_ref()?.values;
            Some(AdaReading {
                p: v.ada_probability?,
                overfitting: v.ada_overfitting?,
            })
        })
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
                        <button class="link" data-testid="ada-why" on:click=move |_| on_why.run(())>"Why?"</button>
                    </p>
                })}
                <Chart history=history title="Adaptive augmentation"
                    series=vec![(Series::AdaProbability, "#9b5de5", "p"), (Series::AdaOverfitting, "#00a6a6", "r_t")]/>
                <p class="explain">
                    "r_t is the share of real images D calls real minus the share it calls fake, over its last few updates: 0 when it is as unsure of them as of G's, 1 when it has learnt them by heart. "
                    "Every 4 D updates (4 steps, with one D step per G step) p rises while r_t is above the target and falls while it is below (Karras et al. 2020, ADA)."
                </p>
            </div>
        })}
    }
}
