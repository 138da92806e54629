//! The lab's two small charts: who is ahead step by step (the lead passing back and forth is a
//! failure of its own), and G's two possible losses against D(G(z)).

use leptos::prelude::*;
use model::lab::Turns;
use model::lab::turns::LEAD_MARGIN;

/// Steps over which the chart counts the turns (the latest ones).
const TURNS_WINDOW: usize = 500;

/// D(x) − D(G(z)) over the last steps: above the band D is ahead, below it G is; the number of
/// times the lead changed hands in the last [`TURNS_WINDOW`] steps is counted.
#[component]
pub fn LeadChart(
    /// D(x) − D(G(z)) of each recent step, oldest first.
    history: RwSignal<Vec<f32>>,
) -> impl IntoView {
    const W: f64 = 240.0;
    const H: f64 = 80.0;
    // A lead of +1 at the top, −1 at the bottom.
    let y = |lead: f64| H / 2.0 - lead.clamp(-1.0, 1.0) * (H / 2.0 - 2.0);
    // Counted once per new history, read by the caption, the label and the test attribute.
    let turns =
        Memo::new(move |_| history.with(|h| Turns::of(&h[h.len().saturating_sub(TURNS_WINDOW)..])));
    let turns = move || turns.get();
    let line = move || {
        history.with(|h| {
            let n = h.len().max(2) as f64 - 1.0;
            h.iter()
                .enumerate()
                .map(|(i, lead)| format!("{:.1},{:.1}", i as f64 / n * W, y(*lead as f64)))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let band = (y(LEAD_MARGIN as f64), y(-LEAD_MARGIN as f64));
    view! {
        <figure class="lab-lead" data-testid="lab-lead" data-turns=move || turns().changes.to_string()
            data-steps=move || history.with(|h| h.len().to_string())>
            <figcaption>"Who is ahead: D(x) − D(G(z)) per step "
                <span class="hint">{move || {
                    let t = turns();
                    format!(
                        "— the lead changed hands {} times in the last {} steps (D ahead at {}, G at {})",
                        t.changes, TURNS_WINDOW, t.d_ahead, t.g_ahead
                    )
                }}</span></figcaption>
            <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img"
                aria-label=move || {
                    let t = turns();
                    format!(
                        "Above the band D tells the data from G's points; below it, D rates G's points above the data. The lead changed hands {} times in the last {TURNS_WINDOW} steps.",
                        t.changes
                    )
                }>
                <rect x="0" y=band.0 width=W height=band.1 - band.0 fill="rgba(128,128,128,0.15)"/>
                <line x1="0" y1=y(0.0) x2=W y2=y(0.0) stroke="#bbb"/>
                <polyline points=line fill="none" stroke="#3d7ea6" stroke-width="1"/>
            </svg>
            <p class="hint">"At the equilibrium D says ½ to both and the line stays in the grey band (a lead under 0.15). Players that take turns swing across it."</p>
        </figure>
    }
}

/// G's two possible losses against D(G(z)), with the current mean D(G(z)) marked on both:
/// the game's log(1 − D) is flat where D rejects G's points, −log D is steep there.
#[component]
pub fn GeneratorLosses(
    /// The latest mean D(G(z)), if a step computed it.
    d_fake: Signal<Option<f32>>,
    /// D's output is a probability (the BCE losses): only then is the mark meaningful.
    probability: Signal<bool>,
) -> impl IntoView {
    const W: f64 = 240.0;
    const H: f64 = 120.0;
    // Loss values from −5 (bottom) to 5 (top), D(G(z)) from 0 to 1.
    let y = |loss: f64| H / 2.0 - loss / 5.0 * (H / 2.0);
    let curve = |f: &dyn Fn(f64) -> f64| {
        (1..100)
            .map(|i| {
                let d = i as f64 / 100.0;
                format!("{:.1},{:.1}", d * W, y(f(d)).clamp(0.0, H))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let saturating = curve(&|d| (1.0 - d).ln());
    let non_saturating = curve(&|d| -d.ln());
    let mark = move || {
        d_fake
            .get()
            .filter(|d| d.is_finite() && probability.get())
            .map(|d| d as f64)
    };
    view! {
        <figure class="lab-g-losses" data-testid="lab-g-losses">
            <figcaption>"G's loss against D(G(z)): "
                <span class="legend" style="color:#e4572e">"■ log(1 − D) (the game's)"</span>
                <span class="legend" style="color:#29bf12">"■ −log D (non-saturating)"</span></figcaption>
            <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img"
                aria-label=move || match mark() {
                    Some(d) => format!(
                        "At the current D(G(z)) = {d:.3}, the game's loss log(1 − D) has slope {:.3} and −log D has slope {:.3}: G learns {} from the non-saturating loss.",
                        -1.0 / (1.0 - d), -1.0 / d, if d < 0.5 { "more" } else { "less" }
                    ),
                    None => "G's two losses against D(G(z)); the mark appears after a step with a BCE loss.".to_string(),
                }>
                <line x1="0" y1=y(0.0) x2=W y2=y(0.0) stroke="#bbb"/>
                <polyline points=saturating fill="none" stroke="#e4572e" stroke-width="1.5"/>
                <polyline points=non_saturating fill="none" stroke="#29bf12" stroke-width="1.5"/>
                {move || mark().map(|d| view! {
                    <line x1=d * W y1="0" x2=d * W y2=H stroke="#555" stroke-dasharray="3 3" data-testid="lab-g-mark"/>
                })}
            </svg>
            <p class="hint">"Where D rejects G's points (D(G(z)) near 0, on the left), the game's loss is flat: its slope is about −1, against −1/D for −log D. That is why G is trained on −log D(G(z)) (Goodfellow et al. 2014)."</p>
        </figure>
    }
}
