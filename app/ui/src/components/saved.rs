//! Nothing is lost: the run is autosaved in the browser (every half minute of training, when
//! training stops, when the images change and when the tab is hidden), a reopened page offers
//! to resume it, and a project file carries it anywhere.

use gloo_storage::Storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::browser::{
    files_of, held_locks, hold_lock, persist_storage, random_id, read_bytes, storage_estimate,
    try_hold_lock,
};
use super::{PageState, Worker};
use crate::architecture::grouped;
use crate::saved_runs::{age_text, run_to_offer, runs_to_prune, size_text};
use protocol::messages::{Request, SavePurpose};
use protocol::saved_runs::{PageSnapshot, SavedRun};
use protocol::store as browser_store;

/// Milliseconds of training between two autosaves.
const AUTOSAVE_EVERY_MS: u32 = 30_000;
/// Where the tab keeps its run id across reloads (sessionStorage is per tab).
const RUN_KEY: &str = "gan-playground.run-id";
/// Prefix of the Web Lock each tab holds on its runs.
const LOCK_PREFIX: &str = "gan-playground.run.";

/// The autosave's state, as signals.
#[derive(Clone, Copy)]
pub struct SavedState {
    /// This tab's run id: what it autosaves under.
    pub run_id: RwSignal<String>,
    /// A saved run offered for resuming, until the user chooses.
    pub offer: RwSignal<Option<SavedRun>>,
    /// The last autosave of this tab's run.
    pub last: RwSignal<Option<SavedRun>>,
    /// Why the last autosave failed, until one succeeds.
    pub failure: RwSignal<Option<String>>,
    /// (bytes used, bytes allowed, kept for sure) of the site's storage.
    pub storage: RwSignal<Option<(f64, f64, bool)>>,
    /// The ms clock when `last` was written (for "12 s ago").
    now: RwSignal<f64>,
    /// Persistence was asked for (once a page).
    persist_asked: StoredValue<bool>,
    /// Counts the projects opened (each is autosaved at once under this tab's run).
    pub opened: RwSignal<u64>,
    /// The saved runs were looked at (an offer, if any, is shown).
    checked: RwSignal<bool>,
    /// The run being resumed: it becomes this tab's once it has opened (a run that fails to
    /// open is never overwritten by this tab); its Web Lock is already this tab's.
    resuming: RwSignal<Option<SavedRun>>,
    /// The run resumed here is another open tab's (a duplicated tab): it goes on here as a
    /// copy, saved under this tab's own run.
    pub forked: RwSignal<bool>,
    /// The step of the saved run the user deleted here, once it is gone.
    pub deleted: RwSignal<Option<u64>>,
}

impl SavedState {
    /// A fresh run id for this tab, held (so other tabs leave it alone) and remembered across
    /// reloads; then, in the background, the saved run to offer.
    pub fn start() -> Self {
        let run_id = random_id();
        let own: Option<String> = <gloo_storage::SessionStorage as Storage>::get(RUN_KEY).ok();
        let state = Self {
            run_id: RwSignal::new(String::new()),
            offer: RwSignal::new(None),
            last: RwSignal::new(None),
            failure: RwSignal::new(None),
            storage: RwSignal::new(None),
            now: RwSignal::new(js_sys::Date::now()),
            persist_asked: StoredValue::new(false),
            opened: RwSignal::new(0),
            checked: RwSignal::new(false),
            resuming: RwSignal::new(None),
            forked: RwSignal::new(false),
            deleted: RwSignal::new(None),
        };
        hold_lock(&lock_name(&run_id));
        state.adopt(run_id);
        spawn_local(async move {
            let (runs, held) = match browser_store::list().await {
                Ok(runs) => (runs, held_run_ids().await),
                Err(e) => {
                    state.failure.set(Some(e.to_string()));
                    state.checked.set(true);
                    return;
                }
            };
            // A reload of this tab offers its own run first.
            let current = state.run_id.get_untracked();
            let held: Vec<String> = held.into_iter().filter(|id| *id != current).collect();
            state
                .offer
                .set(run_to_offer(&runs, own.as_deref(), &held).cloned());
            state.checked.set(true);
            state.refresh_storage().await;
        });
        state
    }

    /// Makes `run_id`, whose lock this tab holds, this tab's run from now on.
    fn adopt(self, run_id: String) {
        let _ = <gloo_storage::SessionStorage as Storage>::set(RUN_KEY, &run_id);
        self.run_id.set(run_id);
    }

    async fn refresh_storage(self) {
        let persisted = self.persist_asked.get_value() && persist_storage().await;
        if let Some((used, quota)) = storage_estimate().await {
            self.storage.set(Some((used, quota, persisted)));
        }
    }

    /// A project opened: a run being resumed is this tab's from now on.
    pub fn on_opened(self) {
        if let Some(run) = self.resuming.get_untracked() {
            self.resuming.set(None);
            self.adopt(run.run_id.clone());
            self.last.set(Some(run));
        }
    }

    /// Opening a project failed: the run being resumed stays someone else's.
    pub fn on_open_failed(self) {
        self.resuming.set(None);
    }

    /// Takes an autosave's outcome: on success, makes room (old runs no tab holds) and asks
    /// once for persistent storage.
    pub fn on_autosaved(self, outcome: Result<SavedRun, String>) {
        match outcome {
            Err(e) => self.failure.set(Some(e)),
            Ok(run) => {
                self.failure.set(None);
                self.now.set(js_sys::Date::now());
                self.last.set(Some(run));
                let first = !self.persist_asked.get_value();
                self.persist_asked.set_value(true);
                spawn_local(async move {
                    if first {
                        persist_storage().await;
                    }
                    if let Ok(runs) = browser_store::list().await {
                        let held = held_run_ids().await;
                        let current = self.run_id.get_untracked();
                        for id in runs_to_prune(&runs, &current, &held) {
                            let _ = browser_store::delete(&id).await;
                        }
                    }
                    self.refresh_storage().await;
                });
            }
        }
    }
}

/// The Web Lock a tab holds on the run it saves under.
fn lock_name(run_id: &str) -> String {
    format!("{LOCK_PREFIX}{run_id}")
}

/// Run ids whose Web Lock some tab holds.
async fn held_run_ids() -> Vec<String> {
    held_locks()
        .await
        .into_iter()
        .filter_map(|name| name.strip_prefix(LOCK_PREFIX).map(String::from))
        .collect()
}

/// The page's part of a project file, as it is now.
pub fn page_snapshot(state: PageState) -> PageSnapshot {
    PageSnapshot {
        history: state.history.get_untracked(),
        last_step: state.last_step.get_untracked(),
        quality: state.quality.get_untracked(),
        view: state
            .explorer
            .view
            .with_untracked(crate::view_state::PageView::to_hash),
    }
}

/// Asks the worker for a project file of the run, for `purpose`.
pub fn save_project(state: PageState, worker: Worker, purpose: SavePurpose) {
    let page = page_snapshot(state);
    worker.send(Request::SaveProject { purpose, page });
}

/// Autosaves now. Working without answering the resume offer is starting fresh: the offer
/// goes (the saved run stays, offered again in the next new tab).
pub fn autosave(state: PageState, worker: Worker) {
    let saved = state.saved;
    // While a saved run opens, the state on the page is neither that run nor this tab's.
    if state.device.with_untracked(Option::is_none)
        || saved.resuming.with_untracked(Option::is_some)
    {
        return;
    }
    if saved.offer.with_untracked(Option::is_some) {
        saved.offer.set(None);
    }
    let run_id = saved.run_id.get_untracked();
    save_project(state, worker, SavePurpose::Autosave { run_id });
}

/// Sets up when autosaves happen: every [`AUTOSAVE_EVERY_MS`] while training, when training
/// stops, when the user's images change, and when the tab is hidden or closed.
pub fn schedule_autosaves(state: PageState, worker: Worker) {
    let _ = set_interval_with_handle(
        move || {
            if state.running.get_untracked() {
                autosave(state, worker);
            }
        },
        std::time::Duration::from_millis(AUTOSAVE_EVERY_MS as u64),
    );
    // Training stopped, or a step taken by hand (or a way back) while idle: the step moved
    // since the last save.
    Effect::new(move |previous: Option<(bool, Option<u64>)>| {
        let running = state.running.get();
        let step = state.last_step.with(|s| s.map(|s| s.step));
        let stopped = previous.is_some_and(|(was_running, _)| was_running) && !running;
        let stepped_by_hand = previous.is_some_and(|(_, was)| was != step) && !running;
        if (stopped || stepped_by_hand) && step.is_some() {
            autosave(state, worker);
        }
        (running, step)
    });
    Effect::new(move |previous: Option<u64>| {
        let opened = state.saved.opened.get();
        if previous.is_some_and(|p| p != opened) {
            autosave(state, worker);
        }
        opened
    });
    Effect::new(move |previous: Option<usize>| {
        let count = state.thumbnails.with(Vec::len);
        if previous.is_some_and(|p| p != count) {
            autosave(state, worker);
        }
        count
    });
    // Hidden is the last moment a page can count on (a phone may never fire pagehide).
    let on_hidden = move || {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
        if hidden {
            autosave(state, worker);
        }
    };
    let _ = window_event_listener(leptos::ev::pagehide, move |_| autosave(state, worker));
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(on_hidden);
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            listener.as_ref().unchecked_ref(),
        );
    }
    listener.forget();
}

/// "Resume your run from step 4 200 (saved 12 s ago)?" with Resume / Start fresh / Delete.
#[component]
pub fn ResumeBanner() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let saved = state.saved;
    let resume = move |_| {
        if let Some(run) = saved.offer.get_untracked() {
            saved.offer.set(None);
            spawn_local(async move {
                // Another live tab saves under this run (this one is its duplicate): open a
                // copy here, saved under this tab's run, and leave that tab's saves alone.
                if try_hold_lock(&lock_name(&run.run_id)).await {
                    saved.resuming.set(Some(run.clone()));
                } else {
                    saved.forked.set(true);
                }
                worker.send(Request::OpenSaved(run.run_id));
            });
        }
    };
    let delete = move |_| {
        if let Some(run) = saved.offer.get_untracked() {
            saved.offer.set(None);
            spawn_local(async move {
                if !try_hold_lock(&lock_name(&run.run_id)).await {
                    state.error.set(Some(
                        "the saved run is open in another tab, so it was not deleted".into(),
                    ));
                    return;
                }
                match browser_store::delete(&run.run_id).await {
                    Ok(()) => saved.deleted.set(Some(run.step)),
                    Err(e) => state
                        .error
                        .set(Some(format!("the saved run was not deleted: {e}"))),
                }
                saved.refresh_storage().await;
            });
        }
    };
    view! {
        <Show when=move || saved.forked.get()>
            <p class="notice" role="status" data-testid="forked-notice">
                "This run is open in another tab too: it goes on here as a copy, saved separately, and the other tab's saves are left alone."
                <button on:click=move |_| saved.forked.set(false)>"Dismiss"</button>
            </p>
        </Show>
        {move || saved.deleted.get().map(|step| view! {
            <p class="notice" role="status" data-testid="deleted">
                {format!("The saved run from step {} was deleted.", grouped(step as usize))}
                <button on:click=move |_| saved.deleted.set(None)>"Dismiss"</button>
            </p>
        })}
        {move || saved.offer.get().map(|run| {
            let age = age_text(js_sys::Date::now() - run.saved_at_ms);
            let images = match run.images {
                0 => String::new(),
                1 => ", 1 image".to_string(),
                n => format!(", {n} images"),
            };
            view! {
                <div class="resume" role="dialog" aria-label="Resume a saved run" data-testid="resume-offer">
                    <p><strong>{format!("Resume your run from step {} ", grouped(run.step as usize))}</strong>
                        {format!("(saved {age}{images})?")}</p>
                    <p class="buttons">
                        <button class="primary" data-testid="resume" on:click=resume>"Resume"</button>
                        <button data-testid="start-fresh" on:click=move |_| saved.offer.set(None)>"Start fresh"</button>
                        <button data-testid="delete-saved" on:click=delete>"Delete saved run"</button>
                    </p>
                </div>
            }
        })}
    }
}

/// Where the run is kept: the last autosave, the storage used, a failure; and the project
/// file's two buttons.
#[component]
pub fn ProjectControls() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let saved = state.saved;
    // "12 s ago" moves on by itself.
    let _ = set_interval_with_handle(
        move || saved.now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(5),
    );
    let open_project = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = ev.target().expect("an input").unchecked_into();
        let files = files_of(input.files());
        input.set_value("");
        spawn_local(async move {
            for file in files {
                match read_bytes(&file).await {
                    Ok(bytes) => {
                        // A new run: the one this tab saved so far stays, to be resumed.
                        saved.adopt(random_id());
                        saved.last.set(None);
                        worker.send(Request::OpenProject(bytes));
                    }
                    Err(e) => state.error.set(Some(format!("{}: {e}", file.name()))),
                }
            }
        });
    };
    let status = move || {
        let last = saved.last.get()?;
        let age = age_text(saved.now.get() - last.saved_at_ms);
        let storage = saved.storage.get().map(|(used, quota, kept)| {
            format!(
                " · {} stored in this browser (of {} allowed){}",
                size_text(used),
                size_text(quota),
                if kept {
                    ", kept until you delete it"
                } else {
                    "; the browser may clear it if space runs low"
                }
            )
        });
        Some(format!(
            "Autosaved at step {} ({age}){}",
            grouped(last.step as usize),
            storage.unwrap_or_default()
        ))
    };
    view! {
        <p class="autosave" data-testid="autosave" data-step=move || saved.last.get().map(|r| r.step.to_string())
            data-run=move || saved.run_id.get() data-checked=move || saved.checked.get().to_string()>
            {status}
        </p>
        {move || saved.failure.get().map(|e| view! {
            <p class="warning" role="alert" data-testid="autosave-error">{format!("Autosave failed: {e}")}</p>
        })}
        <div class="buttons">
            <button data-testid="download-project" disabled=move || state.device.with(Option::is_none)
                title="Images, model (with Adam's state), charts and explorer view in one file: open it in any browser, or continue it with gan-train --resume"
                on:click=move |_| save_project(state, worker, SavePurpose::Download)>"Download project"</button>
            <label class="button">"Open project…"
                <input type="file" accept=".ganproj,application/octet-stream" data-testid="project-input" on:change=open_project/>
            </label>
        </div>
    }
}
