//! Training controls and hyper-parameters.

use leptos::prelude::*;
use model::{GanConfig, LossKind, OptimizerKind};

use super::{PageState, Worker};
use protocol::messages::Request;

fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Asks before a change that throws the trained model away.
fn discard_ok(state: PageState) -> bool {
    let trained = state.last_step.get_untracked().is_some_and(|s| s.step > 0);
    !trained || confirm("This starts a new model and discards the trained one. Continue?")
}

/// Buttons and the hyper-parameter form.
#[component]
pub fn ControlPanel() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let ready = move || state.device.with(Option::is_some);
    let idle = move || state.idle();
    // The form edits a draft; it follows the worker's configuration whenever that changes.
    let draft = RwSignal::new(GanConfig::new());
    Effect::new(move |_| {
        if let Some(config) = state.config.get() {
            draft.set(config);
        }
    });
    let apply = move |_| {
        if state.config.get_untracked().as_ref() == Some(&draft.get_untracked())
            || discard_ok(state)
        {
            worker.send(Request::Configure(draft.get_untracked()));
        }
    };
    let reset = move |_| {
        if let Some(config) = state.config.get_untracked()
            && discard_ok(state)
        {
            worker.send(Request::Configure(config));
        }
    };

    view! {
        <section class="panel controls" data-testid="train-panel"
            data-runs-ended=move || state.runs_ended.get().to_string()
            data-snapshot-step=move || state.snapshot.with(|s| s.as_ref().map(|(step, _)| step.to_string()))>
            <h2>"2 · Train"</h2>
            <div class="buttons">
                <Show when=move || state.running.get() fallback=move || view! {
                    <button class="primary" data-testid="train" disabled=move || !ready()
                        on:click=move |_| worker.send(Request::Train)>"Train"</button>
                }>
                    <button class="primary" data-testid="pause" on:click=move |_| worker.send(Request::Pause)>"Pause"</button>
                </Show>
                <button data-testid="step" disabled=move || !idle() title="One discriminator update, then one generator update"
                    on:click=move |_| worker.send(Request::Step)>"Step"</button>
                <button data-testid="step-d" disabled=move || !idle() title="Only the discriminator learns"
                    on:click=move |_| worker.send(Request::StepD)>"Step D only"</button>
                <button data-testid="step-g" disabled=move || !idle() title="Only the generator learns"
                    on:click=move |_| worker.send(Request::StepG)>"Step G only"</button>
                <button data-testid="reset" disabled=move || !idle() title="A fresh, untrained model" on:click=reset>"Reset"</button>
            </div>
            <details>
                <summary data-testid="hyper-parameters">"Hyper-parameters"</summary>
                <form class="hyper" on:submit=|ev| ev.prevent_default()>
                    <Field label="Image size" explain="Side of the generated images. 64 adds a layer to each network and is about four times slower.">
                        <select data-testid="image-size" on:change=move |ev| draft.update(|c| c.image_size = event_target_value(&ev).parse().unwrap_or(32))
                            prop:value=move || draft.with(|c| c.image_size.to_string())>
                            <option value="32">"32 × 32"</option>
                            <option value="64">"64 × 64"</option>
                        </select>
                    </Field>
                    <Field label="Colour" explain="Grey images train faster and need less data.">
                        <select data-testid="colour" on:change=move |ev| draft.update(|c| c.channels = event_target_value(&ev).parse().unwrap_or(3))
                            prop:value=move || draft.with(|c| c.channels.to_string())>
                            <option value="3">"RGB"</option>
                            <option value="1">"Grey"</option>
                        </select>
                    </Field>
                    <NumberField label="Latent size" testid="latent-size" explain="Length of z, the generator's input noise: the number of knobs it can use."
                        value=Signal::derive(move || draft.with(|c| c.latent_size as f64)) step="1"
                        set=move |v| draft.update(|c| c.latent_size = v as usize)/>
                    <NumberField label="Network width" testid="width" explain="Feature maps of G's last hidden layer and D's first, its narrowest ones; the others are multiples (DCGAN: 64). Smaller is faster."
                        value=Signal::derive(move || draft.with(|c| c.generator_width as f64)) step="1"
                        set=move |v| draft.update(|c| { c.generator_width = v as usize; c.discriminator_width = v as usize; })/>
                    <NumberField label="Batch size" testid="batch-size" explain="Images per step. Larger batches give steadier gradients but slower steps."
                        value=Signal::derive(move || draft.with(|c| c.batch_size as f64)) step="1"
                        set=move |v| draft.update(|c| c.batch_size = v as usize)/>
                    <ChoiceField label="Optimiser" testid="optimizer"
                        explain="Adam is DCGAN's. WGAN's paper used RMSProp: momentum made its critic unstable (Arjovsky et al. 2017)."
                        choices=OptimizerKind::ALL.iter().map(|k| (*k, k.label())).collect()
                        value=Signal::derive(move || draft.with(|c| c.optimizer))
                        set=move |k| draft.update(|c| c.optimizer = k)/>
                    <NumberField label="Learning rate G" testid="lr-g" explain="Step size of the generator (DCGAN: 0.0002; WGAN: 0.00005)."
                        value=Signal::derive(move || draft.with(|c| c.learning_rate_g)) step="0.0001"
                        set=move |v| draft.update(|c| c.learning_rate_g = v)/>
                    <NumberField label="Learning rate D" testid="lr-d" explain="Step size of the discriminator (DCGAN: 0.0002; WGAN: 0.00005)."
                        value=Signal::derive(move || draft.with(|c| c.learning_rate_d)) step="0.0001"
                        set=move |v| draft.update(|c| c.learning_rate_d = v)/>
                    <NumberField label="Adam β1" testid="beta1" explain="Adam's momentum; DCGAN lowered it from 0.9 to 0.5 to steady training. RMSProp has none."
                        value=Signal::derive(move || draft.with(|c| shortest(c.beta1))) step="0.001"
                        set=move |v| draft.update(|c| c.beta1 = v as f32)/>
                    <ChoiceField label="Loss" testid="loss"
                        explain="BCE is DCGAN's. Hinge keeps G's gradient linear in D's score, but does not hold D back. WGAN's clipped critic is a Lipschitz constraint on D. Choosing a loss sets its paper's optimiser, learning rates and D steps; change any of them after."
                        choices=LossKind::ALL.iter().map(|k| (*k, k.label())).collect()
                        value=Signal::derive(move || draft.with(|c| c.loss))
                        set=move |loss| draft.update(|c| *c = c.clone().with_loss_recipe(loss))/>
                    <p class="explain" data-testid="loss-recipe">{move || draft.with(recipe_text)}</p>
                    <NumberField label="D steps per G step" testid="d-steps" explain="WGAN trains its critic several times per generator step (5 in the paper), so that it is near its optimum when G learns from it."
                        value=Signal::derive(move || draft.with(|c| c.d_steps as f64)) step="1"
                        set=move |v| draft.update(|c| c.d_steps = v as usize)/>
                    <Show when=move || draft.with(|c| c.loss == LossKind::WganClip)>
                        <NumberField label="WGAN weight clip" testid="wgan-clip" explain="After each critic update every weight is clamped to ±c (the paper: 0.01): a crude way to keep the critic K-Lipschitz, which the Wasserstein estimate needs."
                            value=Signal::derive(move || draft.with(|c| shortest(c.wgan_clip))) step="0.005"
                            set=move |v| draft.update(|c| c.wgan_clip = v as f32)/>
                    </Show>
                    <NumberField label="Averaged G (EMA decay)" testid="ema-beta" explain="The grid, the explorer and the quality measure use an exponential moving average of G's weights (as ProGAN and StyleGAN do), at no training cost. In this project's learning benchmark (50 emoji, three seeds) it measurably beat the raw G at 3 000 steps; at 1 000 its gain was within the seeds' noise. 0.999 keeps about the last thousand steps; 0 turns it off."
                        value=Signal::derive(move || draft.with(|c| c.ema_beta)) step="0.001"
                        set=move |v| draft.update(|c| c.ema_beta = v)/>
                    <NumberField label="DiffAugment" testid="augment" explain=AUGMENT_EXPLAINED
                        value=Signal::derive(move || draft.with(|c| c.augment)) step="0.1"
                        set=move |v| draft.update(|c| c.augment = v)/>
                    <NumberField label="Adaptive augmentation (target r_t)" testid="ada-target" explain=ADA_EXPLAINED
                        value=Signal::derive(move || draft.with(|c| c.ada_target)) step="0.05"
                        set=move |v| draft.update(|c| c.ada_target = v)/>
                    <p class="invalid">{move || draft.with(|c| c.validate().err().map(|e| e.to_string()))}</p>
                    <button data-testid="apply" disabled=move || !idle() || draft.with(|c| c.validate().is_err()) on:click=apply>"Apply (new model)"</button>
                </form>
            </details>
        </section>
    }
}

/// An f32 setting as the f64 a field shows, without the digits the widening adds
/// (0.01f32 as f64 is 0.009999999776482582).
fn shortest(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(value as f64)
}

/// How `config` trains its loss, against the recipe of the loss's paper.
fn recipe_text(config: &GanConfig) -> String {
    let source = match config.loss {
        LossKind::WganClip => {
            "WGAN as its paper trains it (Arjovsky et al. 2017, Algorithm 1): RMSProp at 0.00005 for both networks, 5 critic steps per G step, weights clipped to ±0.01."
        }
        LossKind::Bce | LossKind::Hinge => {
            "DCGAN's recipe (Radford et al. 2016): Adam at 0.0002 with β1 0.5, one D step per G step."
        }
    };
    if config.follows_loss_recipe() {
        source.to_string()
    } else {
        format!(
            "{source} Changed here: {} at G {} / D {}, {} D steps per G step.",
            config.optimizer.label(),
            config.learning_rate_g,
            config.learning_rate_d,
            config.d_steps
        )
    }
}

/// What DiffAugment does, and when it is worth it (from `tests/bench/learning/compare.sh`).
const AUGMENT_EXPLAINED: &str = "Before D sees an image, real or G's, it is randomly shifted, recoloured and has a square cut out (Zhao et al. 2020), so D cannot learn a few dozen images by heart; the changes are differentiable, so G still learns through them. The number is the chance of each change per image: 1 is the paper's recipe, 0 (the default) turns it off. Off by default because, on 131 emoji at the step counts a page run reaches (500–2 000), it did not beat plain training: it starts slower and catches up by about 1 500 steps (the README's learning benchmark). Try it when a long run on a few images ends with D winning.";

/// What adaptive augmentation does, and when it is worth it.
const ADA_EXPLAINED: &str = "DiffAugment's changes, but only as often as D needs them (Karras et al. 2020, ADA): the page measures how sure D is of your images, r_t (0: unsure, 1: learnt by heart), and raises the chance p of each change while r_t is above this target, lowering it when it falls below; the live view shows both. 0.6 is the paper's target; 0 turns it off. Not with WGAN, and not together with a fixed DiffAugment dose.";

/// A labelled form field with an explanation.
#[component]
pub(super) fn Field(
    /// The label.
    label: &'static str,
    /// What it does, in a sentence.
    explain: &'static str,
    /// The input.
    children: Children,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="name">{label}</span>
            {children()}
            <small>{explain}</small>
        </label>
    }
}

/// A numeric input bound to a value.
#[component]
pub(super) fn NumberField(
    /// The label.
    label: &'static str,
    /// What it does.
    explain: &'static str,
    /// Current value.
    value: Signal<f64>,
    /// Input step.
    step: &'static str,
    /// The input's `data-testid`.
    testid: &'static str,
    /// Called with each parsable new value.
    set: impl Fn(f64) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <Field label=label explain=explain>
            <input type="number" step=step data-testid=testid prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        set(v)
                    }
                }/>
        </Field>
    }
}

/// A labelled menu of `choices` (value, name) bound to a value: the menu shows the value as it
/// is (also when something else changes it), and a pick calls `set`.
#[component]
pub(super) fn ChoiceField<T>(
    /// The label.
    label: &'static str,
    /// What it does.
    explain: &'static str,
    /// The menu's `data-testid`.
    testid: &'static str,
    /// Each choice and its name, in menu order.
    choices: Vec<(T, &'static str)>,
    /// Current value.
    value: Signal<T>,
    /// Called with the value picked.
    set: impl Fn(T) + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let values: Vec<T> = choices.iter().map(|(v, _)| *v).collect();
    let shown = {
        let values = values.clone();
        move || {
            let now = value.get();
            values
                .iter()
                .position(|v| *v == now)
                .unwrap_or(0)
                .to_string()
        }
    };
    view! {
        <Field label=label explain=explain>
            <select data-testid=testid prop:value=shown
                on:change=move |ev| {
                    if let Some(v) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| values.get(i)) {
                        set(*v)
                    }
                }>
                {choices.iter().enumerate().map(|(i, (_, name))| view! { <option value=i.to_string()>{*name}</option> }).collect_view()}
            </select>
        </Field>
    }
}
