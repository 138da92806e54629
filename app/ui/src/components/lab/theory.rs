//! The theory card beside the lab: the game's value, the best D, the value at the best D, why G
//! plays the non-saturating loss, and WGAN's critic — each formula with its live value from the
//! running game, and its reference.

use crate::lab_view::signed;
use leptos::prelude::*;
use model::lab::{LabConfig, LabFrame, LabLoss};
use protocol::lab::LabStep;

/// A number to three places, or a dash when it is unknown.
fn number(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or("–".to_string(), |v| signed(v, 3))
}

/// One statement of the theory: its formula, what it says, and its value now.
#[component]
fn Fact(
    /// The formula.
    formula: &'static str,
    /// What it means, in a sentence or two, with its reference.
    meaning: &'static str,
    /// The live value, as the card shows it.
    now: Signal<String>,
    /// Its test id.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <li data-testid=testid>
            <p class="formula">{formula}</p>
            <p>{meaning}</p>
            <p class="hint now">{move || now.get()}</p>
        </li>
    }
}

/// The theory card, every value from the game that runs.
#[component]
pub fn TheoryCard(
    /// The latest frame.
    frame: RwSignal<Option<LabFrame>>,
    /// The latest steps' numbers.
    step: RwSignal<Option<LabStep>>,
    /// The game's settings.
    config: RwSignal<LabConfig>,
    /// D's output is a probability (the BCE losses): V, D* and the slopes are the BCE game's.
    probability: Signal<bool>,
) -> impl IntoView {
    let loss = move || config.with(|c| c.loss);
    let bce = move || probability.get();
    let values = move || step.with(|s| s.as_ref().map(|s| s.values).unwrap_or_default());
    let value = Signal::derive(move || {
        if !bce() {
            return "Now: V is the BCE game's value; this game plays another loss.".to_string();
        }
        // D's BCE loss is −V: the sum of −mean log D(x) and −mean log(1 − D(G(z))).
        let v = values().d_loss.map(|l| -(l as f64));
        format!(
            "Now: V(D, G) ≈ {} on the last batch (−D's loss); 2 ln 2 would make it −1.386.",
            number(v)
        )
    });
    let best = Signal::derive(move || {
        match frame.with(|f| f.as_ref().map(LabFrame::gap_to_optimum)) {
        Some(gap) if bce() => format!(
            "Now: D is {gap:.3} from D* on average at the points (the small plane shows D*)."
        ),
        _ => "Now: D* is defined for the BCE game; choose the minimax or non-saturating loss to compare.".to_string(),
    }
    });
    let at_best = Signal::derive(
        move || match frame.with(|f| f.as_ref().map(|f| f.divergences)) {
            Some(d) => format!(
                "Now: JS ≈ {:.3} (histograms of the shown points), so C(G) ≈ {}; −log 4 ≈ −1.386 at the equilibrium.",
                d.js,
                signed(d.value_at_optimum(), 3)
            ),
            None => "Now: –".to_string(),
        },
    );
    let slopes = Signal::derive(move || match values().d_fake.filter(|_| bce()) {
        Some(d) => {
            let d = (d as f64).clamp(1e-6, 1.0 - 1e-6);
            format!(
                "Now: D(G(z)) ≈ {d:.3}: the slope of log(1 − D) is {}, of −log D {}.",
                signed(-1.0 / (1.0 - d), 2),
                signed(-1.0 / d, 2)
            )
        }
        None => "Now: –".to_string(),
    });
    let critic = Signal::derive(move || {
        let v = values();
        match (loss(), v.d_real, v.d_fake) {
            (LabLoss::Wgan, Some(real), Some(fake)) => format!(
                "Now: E f(x) − E f(G(z)) ≈ {} with clip c = {}: an estimate of K·W1 only while the critic is near its optimum.",
                number(Some((real - fake) as f64)),
                config.with(|c| c.wgan_clip)
            ),
            _ => "Now: choose the WGAN loss in the settings (or apply a failure's remedy) to see the critic's estimate.".to_string(),
        }
    });
    view! {
        <details class="lab-theory" data-testid="lab-theory" open>
            <summary><h3>"The theory, with the game's numbers"</h3></summary>
            <ol>
                <Fact testid="theory-value"
                    formula="V(D, G) = E_x∼p_data[log D(x)] + E_z[log(1 − D(G(z)))]"
                    meaning="The game: D maximises V, G minimises it (Goodfellow et al. 2014, eq. 1)."
                    now=value/>
                <Fact testid="theory-best-d"
                    formula="D*(x) = p_data(x) / (p_data(x) + p_g(x))"
                    meaning="For a fixed G, the D that maximises V (Goodfellow et al. 2014, Proposition 1): the share of the data at each place."
                    now=best/>
                <Fact testid="theory-at-best"
                    formula="C(G) = max_D V(D, G) = −log 4 + 2·JS(p_data‖p_g)"
                    meaning="Against the best D, G minimises the Jensen–Shannon divergence; the minimum, −log 4, is reached exactly when p_g = p_data, where D* = ½ (Goodfellow et al. 2014, Theorem 1)."
                    now=at_best/>
                <Fact testid="theory-non-saturating"
                    formula="G minimises −log D(G(z)) instead of log(1 − D(G(z)))"
                    meaning="Both push D(G(z)) up, but where D rejects G's points (D(G(z)) → 0) log(1 − D) is flat and −log D is steep: early in training, G learns from the second (Goodfellow et al. 2014, §3). When the two distributions barely overlap a near-perfect D exists, JS is stuck near log 2, and G's gradient through it vanishes or turns unstable (Arjovsky & Bottou 2017)."
                    now=slopes/>
                <Fact testid="theory-wgan"
                    formula="W1(p_data, p_g) = sup over 1-Lipschitz f of E_p_data[f(x)] − E_p_g[f(x)]"
                    meaning="WGAN trains a critic f (a score, no sigmoid) to maximise E f(x) − E f(G(z)) and G to raise E f(G(z)). Clipping the critic's weights to [−c, c] keeps it K-Lipschitz for some K, so the critic's best value is K times the Wasserstein-1 distance, which shrinks smoothly as p_g nears p_data even where they do not overlap (Arjovsky et al. 2017; the paper's recipe: RMSProp at 5·10⁻⁵, five critic steps, c = 0.01)."
                    now=critic/>
            </ol>
        </details>
    }
}
