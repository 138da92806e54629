//! The page: components over the signals in [`PageState`] (`page_state.rs`), fed by the
//! worker's responses; the worker's side in `worker.rs`, the device's banners in `device.rs`.

mod augmentation;
mod browser;
mod charts;
mod controls;
mod data;
mod device;
mod explorer;
mod game;
mod lab;
mod lesson;
mod link;
mod live;
mod offline;
mod page_state;
mod saved;
mod worker;

use leptos::prelude::*;

use crate::view_state::Panel;
use crate::worker_build;
use device::{DeviceBadge, DeviceLostBanner};
use explorer::ExplorerPanel;
pub use page_state::PageState;
use protocol::messages::DeviceInfo;
pub use worker::Worker;
use worker::{first_choice, init, query, spawn_worker, webgpu_choice};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = PageState::new();
    // `?cpu` / `?gpu` / `?measure` in the address choose the device; by default a hardware GPU,
    // else the CPU. Only `?gpu` starts on the WebGPU worker: otherwise the small CPU worker
    // trains at once, and says whether the WebGPU one is worth loading.
    let choice = worker_build::choice_from_query(&query());
    let bridge = spawn_worker(
        worker_build::worker_for(choice, browser::has_relaxed_simd()),
        move |response| state.apply(response),
    );
    let worker = Worker::new(bridge, state.tickets);
    worker.send(init(first_choice(choice)));
    Effect::new(move |_| {
        if state.device.with(|d| {
            matches!(
                d,
                Some(DeviceInfo::Cpu {
                    webgpu_next: true,
                    ..
                })
            )
        }) {
            worker.load_webgpu(state, webgpu_choice(choice));
        }
    });
    state.explorer.connect(move |request| worker.send(request));
    saved::schedule_autosaves(state, worker);
    provide_context(state);
    provide_context(state.explorer);
    provide_context(lab::LabState::new());
    provide_context(worker);
    let hidden = move |panel: Panel| state.explorer.view.with(|v| v.hides(panel));

    view! {
        <header>
            <h1>"GAN Playground"</h1>
            <p class="tagline">
                "Drop in a handful of images and watch a DCGAN learn to imitate them, on your own machine. "
                <strong>"Your images never leave this browser: "</strong>
                "the page sends nothing to any server."
            </p>
            <DeviceBadge/>
            <lesson::ClassroomControls/>
        </header>
        <saved::ResumeBanner/>
        <ErrorBanner error=state.error/>
        <DeviceLostBanner/>
        <main>
            <div class="slot wide" class:hidden=move || hidden(Panel::Lab)><lab::LabPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Data)><data::DataPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Train)><controls::ControlPanel/></div>
            <div class="slot" class:hidden=move || hidden(Panel::Live)><live::LivePanel/></div>
            <div class="slot wide" class:hidden=move || hidden(Panel::Game)><game::GamePanel/></div>
            <ExplorerPanel/>
        </main>
        <lesson::LessonCard/>
        <footer><offline::OfflineStatus/></footer>
    }
}

/// The latest error, with a dismiss button.
#[component]
fn ErrorBanner(
    /// The error shown until dismissed (Dismiss clears it).
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <div class="error" role="alert" data-testid="error">
                <span>{move || error.get()}</span>
                <button on:click=move |_| error.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
