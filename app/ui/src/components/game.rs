//! The game, made visible: what D says of real and generated images (before → after a single
//! D or G step), the loss formulas with those numbers in them, and both networks layer by layer
//! with the generator's feature maps at each depth. Every number comes from the worker's model.

use leptos::prelude::*;

use super::browser::draw_rgba;
use super::{PageState, Worker};
use crate::architecture::{grouped, shape, total};
use model::anatomy::LayerSummary;
use protocol::messages::{FeatureMaps, NearestReport, Request};
use protocol::verdict::{Judged, Scored, VerdictReport};

/// One small image drawn from RGBA8 pixels.
#[component]
fn Pixels(
    /// RGBA8, `size × size`.
    rgba: Vec<u8>,
    /// Side in pixels.
    size: u32,
    /// What a screen reader says.
    label: String,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            draw_rgba(&c, size, size, &rgba);
        }
    });
    view! { <canvas node_ref=canvas role="img" aria-label=label></canvas> }
}

/// The game panel.
#[component]
pub fn GamePanel() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let idle = move || state.idle();
    view! {
        <section class="panel game" data-testid="game">
            <h2>"The game: G against D"</h2>
            <p class="explain">
                "The generator G turns noise z into images; the discriminator D looks at an image and says how real it finds it. "
                "D learns from both kinds of images to tell them apart; G learns only through D, to make D say “real”. "
                "Use " <strong>"Step D only"</strong> " and " <strong>"Step G only"</strong>
                " and watch the numbers under the images move."
            </p>
            <div class="buttons">
                <button data-testid="game-step-d" disabled=move || !idle()
                    title="One discriminator update on a real and a generated batch"
                    on:click=move |_| worker.send(Request::StepD)>"Step D only"</button>
                <button data-testid="game-step-g" disabled=move || !idle()
                    title="One generator update against the current discriminator"
                    on:click=move |_| worker.send(Request::StepG)>"Step G only"</button>
            </div>
            <div class="game-grid">
                <Verdict verdict=state.verdict previous=state.previous_verdict nearest=state.nearest/>
                <Losses verdict=state.verdict/>
            </div>
            <Architecture architecture=state.architecture verdict=state.verdict
                inspected=state.inspected activations=state.activations/>
        </section>
    }
}

/// The formatted output under an image: "0.73", or "0.52 → 0.61" after a manual step.
fn score_text(now: f32, before: Option<f32>) -> String {
    match before {
        Some(b) => format!("{b:.2} → {now:.2}"),
        None => format!("{now:.2}"),
    }
}

/// One row of judged images.
#[component]
fn VerdictRow(
    /// The images and D's outputs.
    row: Vec<Scored>,
    /// Each image's output one manual step ago, where comparable.
    before: Option<Vec<f32>>,
    /// Side of each image.
    size: u32,
    /// `real` or `fake`, for tests and styles.
    kind: &'static str,
) -> impl IntoView {
    row.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let before = before.as_ref().and_then(|b| b.get(i).copied());
            let trend = match before {
                Some(b) if s.shown > b => "up",
                Some(b) if s.shown < b => "down",
                _ => "",
            };
            let label = format!("{kind} image {}: D says {:.2}", i + 1, s.shown);
            let worker = expect_context::<Worker>();
            let ask = move |_| {
                worker.send(Request::Nearest {
                    real: kind == "real",
                    index: i,
                })
            };
            view! {
                <figure class="judged">
                    <button class="image-button" data-testid=format!("judged-{kind}") on:click=ask
                        title="Show the nearest training images">
                        <Pixels rgba=s.rgba size=size label=label/>
                    </button>
                    <figcaption class=format!("score {trend}") data-testid=format!("score-{kind}")
                        data-value=s.shown.to_string()
                        data-before=before.map(|b| b.to_string())>
                        {score_text(s.shown, before)}
                    </figcaption>
                </figure>
            }
        })
        .collect_view()
}

/// D's verdict on a row of real and a row of generated images.
#[component]
fn Verdict(
    /// D's latest verdict.
    verdict: RwSignal<Option<VerdictReport>>,
    /// The one before, to show what a manual step changed.
    previous: RwSignal<Option<VerdictReport>>,
    /// The nearest training images of the image last clicked, shown under the rows.
    nearest: RwSignal<Option<Result<NearestReport, String>>>,
) -> impl IntoView {
    let body = move || {
        let report = verdict.get()?;
        let changes = previous.with(|p| p.as_ref().and_then(|p| report.changes(p)));
        let (real_before, fake_before) = match changes {
            Some((r, f)) => (
                Some(r.into_iter().map(|(b, _)| b).collect::<Vec<_>>()),
                Some(f.into_iter().map(|(b, _)| b).collect::<Vec<_>>()),
            ),
            None => (None, None),
        };
        let (real, fake) = report.means();
        let after = match report.judged {
            Judged::AfterStepD => Some(
                "After one D step. D trained on a fresh batch: real images drawn from your set (on a small set, some of these may have been among them) and G's images of fresh z (not these). So the rows show how that step carries over to images D did not train on: real ones should score higher, generated ones lower.",
            ),
            Judged::AfterStepG => Some(
                "After one G step: D is unchanged, G drew the same z again to fool it. The generated images should score higher.",
            ),
            Judged::Refresh => None,
        };
        let VerdictReport {
            real: real_row,
            fake: fake_row,
            size,
            version,
            mixed,
            ..
        } = report.clone();
        Some(view! {
            <div data-testid="verdict" data-version=version.to_string() data-mixed=mixed.to_string()
                data-judged=format!("{:?}", report.judged)>
                <p class="explain">{report.reading()}</p>
                <p class="explain" data-testid="batch-note">{report.batch_note()}</p>
                <h3>"Real training images " <small>{format!("mean {real:.2}")}</small></h3>
                <div class="judged-row" data-testid="verdict-real">
                    <VerdictRow row=real_row before=real_before size=size kind="real"/>
                </div>
                <h3>"Generated G(z) " <small>{format!("mean {fake:.2}")}</small></h3>
                <div class="judged-row" data-testid="verdict-fake">
                    <VerdictRow row=fake_row before=fake_before size=size kind="fake"/>
                </div>
                {after.map(|text| view! { <p class="explain" data-testid="verdict-after">{text}</p> })}
                <Nearest nearest=nearest/>
            </div>
        }.into_any())
    };
    let worker = expect_context::<Worker>();
    // The worker's setting, as the latest verdict reports it (a new worker starts unmixed).
    let mixed = move || verdict.with(|v| v.as_ref().is_some_and(|v| v.mixed));
    view! {
        <div class="verdict" data-lesson="verdict">
            <h3>"What D says"</h3>
            <label class="hint">
                <input type="checkbox" data-testid="mixed-verdict" prop:checked=mixed
                    on:change=move |ev| worker.send(Request::MixedVerdict(event_target_checked(&ev)))/>
                " Score real and generated images as one mixed batch"
            </label>
            {move || body().unwrap_or_else(|| view! {
                <div data-testid="verdict" data-version="0"><p class="explain">"D's verdict appears with the first samples."</p></div>
            }.into_any())}
        </div>
    }
}

/// The training images nearest to the verdict image last clicked: a copy shows as a distance
/// near 0.
#[component]
fn Nearest(
    /// The training images nearest to the image last clicked, or why there are none.
    nearest: RwSignal<Option<Result<NearestReport, String>>>,
) -> impl IntoView {
    move || {
        nearest.get().map(|report| match report {
            Ok(r) => {
                let what = if r.real { "this training image" } else { "this generated image" };
                let size = r.size;
                view! {
                    <div class="nearest" data-testid="nearest">
                        <h3>{format!("Nearest training images to {what}")}</h3>
                        <div class="judged-row">
                            <figure class="judged query">
                                <Pixels rgba=r.query size=size label="the image asked about".to_string()/>
                                <figcaption>"asked"</figcaption>
                            </figure>
                            {r.neighbours.into_iter().map(|n| view! {
                                <figure class="judged">
                                    <Pixels rgba=n.rgba size=size label=format!("training image {}", n.index)/>
                                    <figcaption data-testid="neighbour" data-distance=n.distance.to_string()
                                        data-index=n.index.to_string() data-mirrored=n.mirrored.to_string()>
                                        {if n.mirrored { format!("{:.2} (mirrored)", n.distance) } else { format!("{:.2}", n.distance) }}
                                    </figcaption>
                                </figure>
                            }).collect_view()}
                        </div>
                        <p class="explain">"Pixel distance at training resolution (0: the same image), to each training image and to its mirror: training flips images left–right, so G may copy either. A generated image much nearer a training image than training images are to each other (see the quality line) is a copy. Pixel distance is a weak measure, though (Theis et al. 2016): a copy shifted by one pixel is far, and a large distance does not prove an image is new."</p>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <p class="warning" data-testid="nearest-error">{e}</p> }.into_any(),
        })
    }
}

/// The loss formulas with the verdict's numbers in them.
#[component]
fn Losses(
    /// D's latest verdict, whose numbers the formulas show.
    verdict: RwSignal<Option<VerdictReport>>,
) -> impl IntoView {
    move || {
        verdict.get().map(|report| {
            let e = report.explain();
            let terms =
                |t: Vec<String>| t.into_iter().map(|t| view! { <li>{t}</li> }).collect_view();
            view! {
                <div class="losses" data-testid="loss-formulas">
                    <h3>{format!("The losses ({}) on these 16 images", report.loss.label())}</h3>
                    <p class="formula" data-testid="loss-d">{e.discriminator.text}</p>
                    <ul>{terms(e.discriminator.terms)}</ul>
                    <p class="formula" data-testid="loss-g">{e.generator.text}</p>
                    <ul>{terms(e.generator.terms)}</ul>
                    <p class="explain" data-testid="loss-note">{e.note}</p>
                </div>
            }
        })
    }
}

/// The generator layer whose feature maps are shown, and those maps once read.
type Inspection = (RwSignal<Option<usize>>, RwSignal<Option<FeatureMaps>>);

/// One network as a stack of layers; the generator's layers open their feature maps.
#[component]
fn Network(
    /// "Generator G" or "Discriminator D".
    title: &'static str,
    /// `generator` or `discriminator`, for tests.
    key: &'static str,
    /// Its layers.
    layers: Vec<LayerSummary>,
    /// Where a click on a layer asks for its feature maps (the layer inspected, its maps);
    /// `None`: the layers are not clickable.
    inspect: Option<Inspection>,
) -> impl IntoView {
    let worker = expect_context::<Worker>();
    let sum = total(&layers);
    let rows = layers
        .into_iter()
        .enumerate()
        .map(|(i, layer)| {
            let [b, c, h, w] = layer.output;
            let clickable = inspect.filter(|_| i > 0);
            let open = move |_| {
                if let Some((inspected, activations)) = clickable {
                    activations.set(None);
                    inspected.set(Some(i));
                    worker.send(Request::Activations { layer: i });
                }
            };
            let selected =
                move || clickable.is_some_and(|(inspected, _)| inspected.get() == Some(i));
            view! {
                <li class="layer" class:selected=selected data-testid=format!("{key}-layer")
                    data-shape=format!("{b},{c},{h},{w}") data-parameters=layer.parameters.to_string()>
                    {if clickable.is_some() {
                        view! {
                            <button class="layer-op" on:click=open
                                title="Show this layer's feature maps for the grid's first image">
                                {layer.operation.clone()}
                            </button>
                        }.into_any()
                    } else {
                        view! { <span class="layer-op">{layer.operation.clone()}</span> }.into_any()
                    }}
                    <span class="shape">{shape(layer.output)}</span>
                    <span class="params">{if i == 0 && layer.parameters == 0 { String::new() } else { format!("{} parameters", grouped(layer.parameters)) }}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="network" data-lesson=key>
            <h3>{title}</h3>
            <ol class="layers">{rows}</ol>
            <p class="total" data-testid=format!("{key}-total") data-parameters=sum.to_string()>
                {format!("{} trainable parameters in all", grouped(sum))}
            </p>
        </div>
    }
}

/// Both networks as built now, and the feature maps of the chosen generator layer.
#[component]
fn Architecture(
    /// Both networks layer by layer, as built now.
    architecture: RwSignal<Option<model::anatomy::Architecture>>,
    /// D's latest verdict: the feature maps shown are read again with each.
    verdict: RwSignal<Option<VerdictReport>>,
    /// The generator layer whose feature maps are shown (a click on a layer sets it).
    inspected: RwSignal<Option<usize>>,
    /// Its feature maps, once read.
    activations: RwSignal<Option<FeatureMaps>>,
) -> impl IntoView {
    let worker = expect_context::<Worker>();
    // The shown feature maps follow the model as it trains: read them again with each verdict.
    Effect::new(move |_| {
        let fresh = verdict.with(|v| v.as_ref().map(|v| v.version));
        if let (Some(_), Some(layer)) = (fresh, inspected.get_untracked()) {
            worker.send(Request::Activations { layer });
        }
    });
    let maps = move || {
        let report = activations.get()?;
        Some(match report.maps {
            Ok(maps) => {
                let side = report.side;
                let layer = report.layer;
                view! {
                    <div class="feature-maps" data-testid="activations" data-layer=layer.to_string()>
                        <p class="explain">{format!(
                            "Layer {layer}: {} of its feature maps ({side}×{side}) for the grid's first image, each scaled from its own minimum (black) to maximum (white). Early layers hold coarse layouts; later ones, edges and colour.",
                            maps.len()
                        )}</p>
                        {maps.into_iter().enumerate().map(|(i, rgba)| view! {
                            <Pixels rgba=rgba.into_vec() size=side label=format!("feature map {}", i + 1)/>
                        }).collect_view()}
                    </div>
                }
                .into_any()
            }
            Err(e) => {
                view! { <p class="warning" data-testid="activations-error">{e}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="architecture" data-testid="architecture">
            <h3>"Inside the two networks (DCGAN, Radford et al. 2016)"</h3>
            <p class="explain">
                "Shapes are [batch, channels, height, width]. G's first transposed convolution makes a 4×4 block from z (1×1): in effect a fully connected layer, as in Radford et al. (2016); each further one doubles the side. "
                "D halves the image with each strided convolution, and a last 4×4 convolution leaves one number. Neither has pooling or fully connected hidden layers. "
                "Click a layer of G to see what it draws."
            </p>
            {move || architecture.get().map(|a| view! {
                <div class="networks">
                    <Network title="Generator G" key="generator" layers=a.generator inspect=Some((inspected, activations))/>
                    <Network title="Discriminator D" key="discriminator" layers=a.discriminator inspect=None/>
                </div>
            })}
            {maps}
        </div>
    }
}
