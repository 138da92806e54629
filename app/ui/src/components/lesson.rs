//! The guided lesson (a card at the foot of the page, Next/Back, arrow keys, `#lesson=3` in
//! the link; its 2-D steps drive the lab, and ask the class to predict before they show), and
//! the page's look for a projector: light or dark theme and text size, kept in
//! the link too.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::explorer::ExplorerState;
use super::lab::LabState;
use crate::lesson::{STEPS, back, next};
use crate::view_state::{Panel, TEXT_SIZES, Theme};

/// Sets the lesson's step (`None` closes it).
fn go(explorer: ExplorerState, step: Option<usize>) {
    explorer.view.update(|v| v.lesson = step);
}

/// Moves the highlight to the element named `focus` and brings it into view.
fn highlight(focus: Option<&str>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(list) = document.query_selector_all(".lesson-focus") {
        for i in 0..list.length() {
            if let Some(e) = list
                .get(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = e.class_list().remove_1("lesson-focus");
            }
        }
    }
    if let Some(focus) = focus
        && let Ok(Some(element)) = document.query_selector(&format!("[data-lesson=\"{focus}\"]"))
    {
        let _ = element.class_list().add_1("lesson-focus");
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The lesson's card, while the lesson is open.
#[component]
pub fn LessonCard() -> impl IntoView {
    let explorer = expect_context::<ExplorerState>();
    let step = move || explorer.view.with(|v| v.lesson);
    let page = expect_context::<super::PageState>();
    let lab = expect_context::<LabState>();
    // The step whose prediction was revealed (a step opened again asks again).
    let revealed = RwSignal::new(None::<usize>);
    // A step that opens sets the lab up (once per opening, not on every highlight).
    Effect::new(move |previous: Option<Option<usize>>| {
        let now = step();
        if previous != Some(now) {
            revealed.set(None);
            if let Some(s) = now {
                let lesson = STEPS[s - 1];
                if let Some(cue) = lesson.cue {
                    lab.cue(cue);
                } else if lesson.focus == "lab" {
                    lab.open();
                }
            }
        }
        now
    });
    Effect::new(move |_| {
        let focus = step().map(|s| STEPS[s - 1].focus);
        // The panels it points at may render later (the networks come with the worker's first
        // answer): highlight again when they do, after the browser has laid them out.
        page.architecture.track();
        page.verdict.with(|v| v.as_ref().map(|v| v.version));
        request_animation_frame(move || highlight(focus));
    });
    // Arrow keys walk the lesson, Escape closes it — except while typing in a field.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(current) = explorer.view.with_untracked(|v| v.lesson) else {
            return;
        };
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if typing || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        match ev.key().as_str() {
            "ArrowRight" | "PageDown" => go(explorer, Some(next(current))),
            "ArrowLeft" | "PageUp" => go(explorer, Some(back(current))),
            "Escape" => go(explorer, None),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());
    let lab_hidden = move || explorer.view.with(|v| v.hides(Panel::Lab));
    move || {
        step().map(|s| {
            let lesson = STEPS[s - 1];
            let prediction = lesson.predict.map(|p| {
                let shown = move || revealed.get() == Some(s);
                view! {
                    <div class="prediction" data-testid="lesson-prediction">
                        <p><strong>"Predict: "</strong>{p.question}</p>
                        <Show when=shown fallback=move || view! {
                            <p class="buttons">
                                <button class="primary" data-testid="lesson-reveal" on:click=move |_| {
                                    lab.cue(p.cue);
                                    revealed.set(Some(s));
                                }>{p.reveal}</button>
                                <small>" Ask the class first."</small>
                            </p>
                        }>
                            <p data-testid="lesson-answer"><strong>"What happened: "</strong>{p.answer}</p>
                        </Show>
                    </div>
                }
            });
            view! {
                <aside class="lesson" role="region" aria-label="Lesson" aria-live="polite"
                    data-testid="lesson" data-step=s.to_string()>
                    <p class="lesson-title">
                        <strong>{format!("Lesson {s} of {} · {}", STEPS.len(), lesson.title)}</strong>
                    </p>
                    <p>{lesson.text}</p>
                    {move || (lesson.focus == "lab" && lab_hidden()).then(|| view! {
                        <p class="warning">"This step is about the 2-D lab, which this link hides (hide=lab)."</p>
                    })}
                    {prediction}
                    <p class="buttons">
                        <button data-testid="lesson-back" disabled=s == 1
                            on:click=move |_| go(explorer, Some(back(s)))>"← Back"</button>
                        <button class="primary" data-testid="lesson-next" disabled=s == STEPS.len()
                            on:click=move |_| go(explorer, Some(next(s)))>"Next →"</button>
                        <button data-testid="lesson-close" on:click=move |_| go(explorer, None)>"Close (Esc)"</button>
                        <small>" Arrow keys: back and next. The link keeps the step."</small>
                    </p>
                </aside>
            }
        })
    }
}

/// Lesson, theme and text size: the header's controls for a classroom.
#[component]
pub fn ClassroomControls() -> impl IntoView {
    let explorer = expect_context::<ExplorerState>();
    let theme = move || explorer.view.with(|v| v.theme);
    let text = move || explorer.view.with(|v| v.text);
    // The document follows the view: a chosen theme overrides the system's preference.
    Effect::new(move |_| {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        match theme() {
            Some(t) => {
                let _ = root.set_attribute("data-theme", t.key());
            }
            None => {
                let _ = root.remove_attribute("data-theme");
            }
        }
        if let Some(root) = root.dyn_ref::<web_sys::HtmlElement>() {
            let _ = root
                .style()
                .set_property("font-size", &format!("{}%", text()));
        }
    });
    let dark_now = move || match theme() {
        Some(t) => t == Theme::Dark,
        None => web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-color-scheme: light)")
                    .ok()
                    .flatten()
            })
            .is_none_or(|m| !m.matches()),
    };
    view! {
        <p class="classroom">
            <button data-testid="lesson-start" on:click=move |_| {
                let open = explorer.view.with_untracked(|v| v.lesson.is_some());
                go(explorer, if open { None } else { Some(1) });
            }>{move || if explorer.view.with(|v| v.lesson.is_some()) { "Close the lesson" } else { "Lesson" }}</button>
            <button data-testid="theme-toggle" on:click=move |_| {
                let to = if dark_now() { Theme::Light } else { Theme::Dark };
                explorer.view.update(|v| v.theme = Some(to));
            }>{move || if dark_now() { "Light theme" } else { "Dark theme" }}</button>
            <label>"Text size "
                <select data-testid="text-size" on:change=move |ev| {
                    let size = event_target_value(&ev).parse().unwrap_or(100);
                    explorer.view.update(|v| v.text = size);
                } prop:value=move || text().to_string()>
                    {TEXT_SIZES.map(|size| view! { <option value=size.to_string()>{format!("{size}%")}</option> }).collect_view()}
                </select>
            </label>
        </p>
    }
}
