//! SVG line charts of the training history.

use leptos::prelude::*;

use crate::chart_geometry;
use crate::chart_geometry::Series;
use protocol::history::History;

const WIDTH: f32 = 320.0;
const HEIGHT: f32 = 120.0;

/// One chart: the given series of `history`, each in its colour, with the value range shown.
#[component]
pub fn Chart(
    /// The training history.
    history: RwSignal<History>,
    /// Title above the chart.
    title: &'static str,
    /// (series, CSS colour, legend label).
    series: Vec<(Series, &'static str, &'static str)>,
) -> impl IntoView {
    let kinds: Vec<Series> = series.iter().map(|s| s.0).collect();
    let range = Memo::new(move |_| history.with(|h| chart_geometry::range(h, &kinds)));
    let lines = series.clone();
    let labelled: Vec<(Series, &'static str)> = series.iter().map(|(s, _, l)| (*s, *l)).collect();
    let text = Memo::new(move |_| {
        history
            .with(|h| chart_geometry::describe(h, &labelled))
            .unwrap_or_else(|| "No steps yet.".into())
    });
    view! {
        <figure class="chart">
            <figcaption>
                {title} " "
                {series.iter().map(|(_, colour, label)| view! {
                    <span class="legend" style=format!("color:{colour}")>"■ " {*label}</span>
                }).collect_view()}
            </figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img"
                aria-label=move || format!("{title}. {}", text.get())>
                {move || {
                    let Some(range) = range.get() else { return Vec::new() };
                    lines.iter().map(|(s, colour, _)| {
                        let points = history.with(|h| chart_geometry::polyline(h, *s, range, WIDTH, HEIGHT));
                        view! { <polyline points=points fill="none" stroke=*colour stroke-width="1.5"/> }
                    }).collect::<Vec<_>>()
                }}
            </svg>
            <div class="range">{move || range.get().map(|(lo, hi)| format!("{lo:.3} … {hi:.3}"))}</div>
            <p class="sr-only" data-testid="chart-text">{move || text.get()}</p>
        </figure>
    }
}
