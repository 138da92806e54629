//! The plane: D's surface under the data's points (green) and G's (purple), G's manifold as a
//! warped mesh, and the arrows of G's gradient; in drawing mode, a pointer (mouse, pen or touch)
//! paints the user's own data.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::components::browser::draw_rgba;
use crate::lab_view::{FAKE_RGB, REAL_RGB, arrow_scale, heat_rgba, mean_heat, to_canvas, to_plane};
use model::lab::LabFrame;
use model::lab::data::{Point, mean};

/// Side of the plane's canvas in pixels (CSS scales it to the page).
pub const SIDE: f64 = 480.0;
/// The longest arrow's length, in plane units.
const LONGEST_ARROW: f32 = 0.35;

/// Which layers are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers {
    /// G's manifold.
    pub mesh: bool,
    /// The arrows of G's gradient.
    pub arrows: bool,
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

fn rgb(c: [u8; 3]) -> String {
    format!("rgb({},{},{})", c[0], c[1], c[2])
}

/// Draws `frame` (and the drawing's points) on `canvas`; `surface` is a scratch canvas for D's
/// surface at its own resolution, scaled up smoothly.
fn draw(
    canvas: &HtmlCanvasElement,
    surface: &HtmlCanvasElement,
    frame: Option<&LabFrame>,
    probability: bool,
    layers: Layers,
    drawing: &[Point],
) {
    let Some(c) = context(canvas) else { return };
    c.set_fill_style_str("#fff");
    c.fill_rect(0.0, 0.0, SIDE, SIDE);
    if let Some(frame) = frame {
        paint_surface(&c, surface, &frame.heat, frame.heat_side, probability, SIDE);
        if layers.mesh {
            draw_mesh(&c, frame);
        }
        dots(&c, &frame.real, &rgb(REAL_RGB), 2.0, SIDE);
        dots(&c, &frame.fake, &rgb(FAKE_RGB), 2.0, SIDE);
        if layers.arrows {
            draw_arrows(&c, frame);
        }
    }
    dots(&c, drawing, "#111", 3.0, SIDE);
}

/// Draws a surface of `side × side` values over a `canvas_side`-pixel canvas, through the
/// scratch canvas `surface` at the values' own resolution, scaled up smoothly.
fn paint_surface(
    c: &CanvasRenderingContext2d,
    surface: &HtmlCanvasElement,
    values: &[f32],
    side: usize,
    probability: bool,
    canvas_side: f64,
) {
    let n = side as u32;
    draw_rgba(surface, n, n, &heat_rgba(values, side, probability));
    c.set_image_smoothing_enabled(true);
    let _ = c.draw_image_with_html_canvas_element_and_dw_and_dh(
        surface,
        0.0,
        0.0,
        canvas_side,
        canvas_side,
    );
}

fn dots(c: &CanvasRenderingContext2d, points: &[Point], colour: &str, radius: f64, side: f64) {
    c.set_fill_style_str(colour);
    for p in points {
        let (x, y) = to_canvas(*p, side);
        c.fill_rect(x - radius, y - radius, 2.0 * radius, 2.0 * radius);
    }
}

fn draw_mesh(c: &CanvasRenderingContext2d, frame: &LabFrame) {
    let n = frame.mesh_side;
    c.set_stroke_style_str("rgba(60,60,60,0.35)");
    c.set_line_width(1.0);
    c.begin_path();
    let at = |i: usize, j: usize| to_canvas(frame.mesh[j * n + i], SIDE);
    for j in 0..n {
        for i in 0..n {
            let (x, y) = at(i, j);
            if i + 1 < n {
                let (x2, y2) = at(i + 1, j);
                c.move_to(x, y);
                c.line_to(x2, y2);
            }
            if j + 1 < n {
                let (x2, y2) = at(i, j + 1);
                c.move_to(x, y);
                c.line_to(x2, y2);
            }
        }
    }
    c.stroke();
}

fn draw_arrows(c: &CanvasRenderingContext2d, frame: &LabFrame) {
    let scale = arrow_scale(&frame.arrows, LONGEST_ARROW);
    c.set_stroke_style_str("rgba(20,20,20,0.7)");
    c.set_line_width(1.0);
    c.begin_path();
    // Every other point's arrow: 256 of them, readable.
    for (p, a) in frame.fake.iter().zip(&frame.arrows).step_by(2) {
        let (x, y) = to_canvas(*p, SIDE);
        let (x2, y2) = to_canvas([p[0] + a[0] * scale, p[1] + a[1] * scale], SIDE);
        c.move_to(x, y);
        c.line_to(x2, y2);
    }
    c.stroke();
}

/// A monotonic clock (ms).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Side of D*'s canvas in pixels.
const OPTIMUM_SIDE: f64 = 240.0;

/// D* beside the trained D: the optimal discriminator for the G of this frame, from kernel
/// densities of the shown points, with the points on it and how far D is from it.
#[component]
pub fn OptimumPlane(
    /// The latest frame from the worker.
    frame: RwSignal<Option<LabFrame>>,
    /// D's output is a probability (BCE losses): D* is the BCE game's optimum.
    probability: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let surface = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let (Some(canvas), Some(surface)) = (canvas.get(), surface.get()) else {
            return;
        };
        let Some(c) = context(&canvas) else { return };
        frame.with(|f| {
            let Some(f) = f else { return };
            paint_surface(&c, &surface, &f.optimal, f.optimal_side, true, OPTIMUM_SIDE);
            dots(&c, &f.real, &rgb(REAL_RGB), 1.0, OPTIMUM_SIDE);
            dots(&c, &f.fake, &rgb(FAKE_RGB), 1.0, OPTIMUM_SIDE);
        });
    });
    let gap = move || {
        frame
            .with(|f| f.as_ref().map(LabFrame::gap_to_optimum))
            .filter(|_| probability.get())
    };
    view! {
        <figure class="lab-optimum" data-testid="lab-optimum"
            data-gap=move || gap().map(|g| g.to_string())>
            <figcaption>"D* = p_data / (p_data + p_g), beside D"</figcaption>
            <canvas node_ref=canvas width=OPTIMUM_SIDE height=OPTIMUM_SIDE role="img"
                aria-label="The optimal discriminator D* for the current G, from the shown points."></canvas>
            <canvas node_ref=surface hidden></canvas>
            <p class="hint">{move || match gap() {
                Some(gap) => format!(
                    "D is {gap:.2} from D* on average at the points (0 would be the best D for this G). \
                     D* here comes from kernel densities of the shown points (width 0.1): softer than the true one where the sets meet."
                ),
                None => "D* = p_data / (p_data + p_g) is the optimum of the BCE game; with hinge or WGAN, D is a score, not a probability, and has no such optimum to compare.".to_string(),
            }}</p>
        </figure>
    }
}

/// What the page reads off a frame.
struct Readings {
    /// D's mean output at the data's points and at G's.
    d_real: f32,
    d_fake: f32,
    /// The mean of the data's points, of G's, and of G's arrows.
    real: Point,
    fake: Point,
    arrow: Point,
}

/// The plane, drawn from the latest frame. In drawing mode a pointer adds points to `drawing`.
#[component]
pub fn Plane(
    /// The latest frame from the worker.
    frame: RwSignal<Option<LabFrame>>,
    /// D's output is a probability (BCE losses) rather than a score.
    probability: Signal<bool>,
    /// The layers shown.
    layers: Signal<Layers>,
    /// The user's drawing, in plane coordinates.
    drawing: RwSignal<Vec<Point>>,
    /// Pointers paint points.
    drawing_mode: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let surface = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let (Some(canvas), Some(surface)) = (canvas.get(), surface.get()) else {
            return;
        };
        let (probability, layers) = (probability.get(), layers.get());
        let start = now();
        drawing.with(|drawn| {
            frame.with(|f| draw(&canvas, &surface, f.as_ref(), probability, layers, drawn))
        });
        // The drawing's own time, for the page bench.
        let _ = canvas.set_attribute("data-draw-ms", &format!("{:.3}", now() - start));
    });
    // A point where the pointer is, while a button (or a finger) is down.
    let paint = move |ev: web_sys::PointerEvent| {
        if !drawing_mode.get_untracked() || ev.buttons() == 0 {
            return;
        }
        ev.prevent_default();
        let Some(target) = canvas.get_untracked() else {
            return;
        };
        let rect = target.get_bounding_client_rect();
        let (x, y) = (
            (ev.client_x() - rect.left()) * SIDE / rect.width(),
            (ev.client_y() - rect.top()) * SIDE / rect.height(),
        );
        drawing.update(|d| d.push(to_plane(x, y, SIDE)));
    };
    // What the page reads off the frame, for a screen reader and for tests: D at the data's
    // points and at G's, and where G's points are and are pushed, and where the data's are.
    let readings = move || {
        frame.with(|f| {
            f.as_ref().map(|f| Readings {
                d_real: mean_heat(f, &f.real),
                d_fake: mean_heat(f, &f.fake),
                real: mean(&f.real),
                fake: mean(&f.fake),
                arrow: mean(&f.arrows),
            })
        })
    };
    view! {
        <canvas class="lab-plane" node_ref=canvas width=SIDE height=SIDE data-testid="lab-plane"
            role="img"
            aria-label=move || match readings() {
                Some(Readings { d_real: real, d_fake: fake, .. }) => format!(
                    "The plane: D's output (green: real, purple: generated) averages {real:.2} at the data's points and {fake:.2} at G's points."
                ),
                None => "The plane: waiting for the lab's networks.".to_string(),
            }
            data-heat-real=move || readings().map(|r| r.d_real.to_string())
            data-heat-fake=move || readings().map(|r| r.d_fake.to_string())
            data-real-mean=move || readings().map(|r| format!("{},{}", r.real[0], r.real[1]))
            data-fake-mean=move || readings().map(|r| format!("{},{}", r.fake[0], r.fake[1]))
            data-arrow-mean=move || readings().map(|r| format!("{},{}", r.arrow[0], r.arrow[1]))
            data-step=move || frame.with(|f| f.as_ref().map(|f| f.step.to_string()))
            class:drawing=move || drawing_mode.get()
            on:pointerdown=paint on:pointermove=paint></canvas>
        <canvas node_ref=surface hidden></canvas>
    }
}
