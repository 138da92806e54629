//! Training data: built-in sets, the user's files (picker, folder, drop, paste), thumbnails
//! and the list of refused files.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::limits::MAX_FILE_BYTES;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::browser::{draw_rgba, files_of, read_bytes};
use super::{PageState, Worker};
use protocol::data::{Builtin, STORED_SIZE};
use protocol::messages::{NamedFile, Request, Thumbnail};

/// Files sent to the worker per message: big enough to be quick, small enough for progress.
const FILES_PER_MESSAGE: usize = 8;

/// Reads `files` and sends them to the worker in small batches; oversized files are refused
/// here, before they are read.
fn add_files(files: Vec<web_sys::File>, state: PageState, worker: Worker) {
    if files.is_empty() {
        return;
    }
    let total = files.len();
    state.loading.set(Some((0, total)));
    spawn_local(async move {
        let mut batch = Vec::new();
        let mut refused = Vec::new();
        for (i, file) in files.iter().enumerate() {
            let name = file.name();
            if file.size() > MAX_FILE_BYTES as f64 {
                refused.push((
                    name,
                    format!(
                        "the file is {} bytes, over the limit of {MAX_FILE_BYTES}",
                        file.size()
                    ),
                ));
            } else {
                match read_bytes(file).await {
                    Ok(bytes) => batch.push(NamedFile { name, bytes }),
                    Err(e) => refused.push((name, e)),
                }
            }
            if batch.len() == FILES_PER_MESSAGE || i + 1 == total {
                worker.send(Request::AddFiles(std::mem::take(&mut batch)));
            }
            state.loading.set(Some((i + 1, total)));
        }
        if !refused.is_empty() {
            state.rejected.update(|r| r.extend(refused));
        }
        worker.send(Request::UseUserImages);
        state.loading.set(None);
    });
}

/// The data panel.
#[component]
pub fn DataPanel() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let on_pick = move |ev: ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        add_files(files_of(input.files()), state, worker);
        input.set_value("");
    };
    // Drop anywhere on the page, paste anywhere: both add files.
    let drop_listener = window_event_listener(ev::drop, move |ev: ev::DragEvent| {
        ev.prevent_default();
        let files = files_of(ev.data_transfer().and_then(|d| d.files()));
        add_files(files, state, worker);
    });
    let over_listener =
        window_event_listener(ev::dragover, |ev: ev::DragEvent| ev.prevent_default());
    let paste_listener = window_event_listener(ev::paste, move |ev: ev::ClipboardEvent| {
        let files = files_of(ev.clipboard_data().and_then(|d| d.files()));
        add_files(files, state, worker);
    });
    on_cleanup(move || {
        drop_listener.remove();
        over_listener.remove();
        paste_listener.remove();
    });
    // An emoji set's sheet is fetched when first chosen (1.9 MB for the larger): say so until
    // the worker answers, which it does with the data whether the fetch worked or not.
    let fetching = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| {
        state.dataset.track();
        fetching.set(None);
    });
    let choose = move |kind: Builtin| {
        if let Builtin::Emoji(set) = kind {
            fetching.set(Some(set.label()));
        }
        worker.send(Request::UseBuiltin(kind));
    };

    // `webkitdirectory` makes the picker choose a folder; leptos has no typed attribute for it.
    let folder = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });

    view! {
        <section class="panel data">
            <h2>"1 · Images"</h2>
            <p class="explain">
                "The generator learns to imitate these. Start with a built-in set, or add your own: "
                "PNG, JPEG, GIF, WebP or BMP. Each is cropped to its centre square and shrunk."
            </p>
            <div class="builtin">
                {Builtin::ALL.iter().enumerate().map(|(i, &kind)| view! {
                    <button data-testid=format!("builtin-{i}") on:click=move |_| choose(kind)>{kind.label()}</button>
                }).collect_view()}
            </div>
            <p class="current" data-testid="dataset">
                "Training on: " {move || { let (name, count) = state.dataset.get(); format!("{name} ({count} images)") }}
            </p>
            <Show when=move || fetching.get().is_some()>
                <p class="hint" role="status" data-testid="fetching-set">
                    {move || format!("Fetching “{}”… (once; the page keeps it for offline use)", fetching.get().unwrap_or_default())}
                </p>
            </Show>
            <div class="pickers">
                <label class="button">"Add images…"
                    <input type="file" multiple accept="image/*" data-testid="file-input" on:change=on_pick/>
                </label>
                <label class="button">"Add a folder…"
                    <input type="file" multiple data-testid="folder-input" node_ref=folder on:change=on_pick/>
                </label>
                <span class="hint">"…or drop files anywhere, or paste an image."</span>
            </div>
            <Show when=move || state.loading.get().is_some()>
                <progress data-testid="loading"
                    max=move || state.loading.get().map_or(1, |l| l.1)
                    value=move || state.loading.get().map_or(0, |l| l.0)
                ></progress>
            </Show>
            <Show when=move || !state.thumbnails.with(Vec::is_empty)>
                <p>
                    <span data-testid="image-count">{move || state.thumbnails.with(Vec::len)}</span>" images · "
                    <button data-testid="use-images" on:click=move |_| worker.send(Request::UseUserImages)>"Train on these"</button>
                    <button data-testid="clear-images" on:click=move |_| worker.send(Request::ClearImages)>"Clear all"</button>
                </p>
                <div class="thumbs">
                    <For each=move || state.thumbnails.get() key=|t| t.id let:thumb>
                        <ThumbnailView thumb=thumb/>
                    </For>
                </div>
            </Show>
            <Show when=move || !state.rejected.with(Vec::is_empty)>
                <div class="rejected" data-testid="rejected">
                    <p>"Not loaded:" <button on:click=move |_| state.rejected.set(Vec::new())>"Dismiss"</button></p>
                    <ul>
                        {move || state.rejected.get().into_iter().map(|(name, why)| view! {
                            <li><strong>{name}</strong>": "{why}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
        </section>
    }
}

/// One user image with a remove button.
#[component]
fn ThumbnailView(
    /// The image.
    thumb: std::sync::Arc<Thumbnail>,
) -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let pixels = thumb.clone();
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            let side = STORED_SIZE as u32;
            draw_rgba(&c, side, side, &pixels.rgba);
        }
    });
    let id = thumb.id;
    view! {
        <figure class="thumb" title=thumb.name.clone()>
            <canvas node_ref=canvas width=STORED_SIZE height=STORED_SIZE></canvas>
            <button class="remove" title="Remove" on:click=move |_| {
                state.thumbnails.update(|t| t.retain(|x| x.id != id));
                worker.send(Request::RemoveImage(id));
            }>"×"</button>
        </figure>
    }
}

fn event_target<T: JsCast>(ev: &ev::Event) -> T {
    ev.target().expect("an event target").unchecked_into()
}
