//! Offline use: registers the service worker (`app/sw.js`, which keeps the page's own files in
//! the browser) and says when the page works offline, or when a new version is ready.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

/// Where the page stands with its service worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offline {
    /// Not (yet) registered, or the browser has none (an insecure origin, some private windows).
    Unknown,
    /// The page's files are kept: a reload works without the network.
    Ready,
    /// A new build's files are kept and wait for the user's go-ahead.
    UpdateReady,
}

/// The browser's service worker container, where it has one (secure origins only).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let has = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    has.then(|| navigator.service_worker())
}

/// True once `worker` has its files (installed, or past it).
fn has_installed(worker: &ServiceWorker) -> bool {
    matches!(
        worker.state(),
        ServiceWorkerState::Installed
            | ServiceWorkerState::Activating
            | ServiceWorkerState::Activated
    )
}

/// Follows a worker being installed: once it has the files, the page works offline (a first
/// install) or a new version waits (an update: a worker already controls the page).
fn follow(worker: ServiceWorker, status: RwSignal<Offline>) {
    let settle = move || {
        let controlled = container().and_then(|c| c.controller()).is_some();
        status.set(if controlled {
            Offline::UpdateReady
        } else {
            Offline::Ready
        });
    };
    if has_installed(&worker) {
        settle();
        return;
    }
    let watched = worker.clone();
    let changed = Closure::<dyn Fn()>::new(move || {
        if has_installed(&watched) {
            settle();
        }
    });
    worker.set_onstatechange(Some(changed.as_ref().unchecked_ref()));
    changed.forget(); // lives as long as the worker object
}

/// Watches `registration` for a worker being installed, now or later (a new build).
fn watch_updates(registration: &ServiceWorkerRegistration, status: RwSignal<Offline>) {
    let controlled = container().and_then(|c| c.controller()).is_some();
    if let Some(installing) = registration.installing() {
        follow(installing, status);
    } else if registration.waiting().is_some() && controlled {
        status.set(Offline::UpdateReady);
    }
    let watched = registration.clone();
    let found = Closure::<dyn Fn()>::new(move || {
        if let Some(installing) = watched.installing() {
            follow(installing, status);
        }
    });
    registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
    found.forget(); // lives as long as the page
}

/// Registers the service worker; `status` follows it.
async fn register(status: RwSignal<Offline>) -> Result<(), String> {
    let container = container().ok_or("no service workers here")?;
    let registration: ServiceWorkerRegistration = JsFuture::from(container.register("./sw.js"))
        .await
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    if registration.active().is_some() && registration.waiting().is_none() {
        status.set(Offline::Ready);
    }
    watch_updates(&registration, status);
    // A new build's service worker differs from the running one: reload to use it.
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget(); // lives as long as the page
    Ok(())
}

/// Tells the waiting worker to take over; the page reloads when it has.
fn update_now() {
    let Some(ready) = container().and_then(|c| c.ready().ok()) else {
        return;
    };
    spawn_local(async move {
        if let Ok(registration) = JsFuture::from(ready).await {
            let registration: ServiceWorkerRegistration = registration.unchecked_into();
            if let Some(waiting) = registration.waiting() {
                let _ = waiting.post_message(&"skip-waiting".into());
            }
        }
    });
}

/// A line on offline use, and the offer of a new version when one is ready.
#[component]
pub fn OfflineStatus() -> impl IntoView {
    let status = RwSignal::new(Offline::Unknown);
    spawn_local(async move {
        if let Err(e) = register(status).await {
            log::warn!("the page will not work offline: {e}");
        }
    });
    view! {
        <p class="offline" data-testid="offline"
            data-ready=move || (status.get() != Offline::Unknown).to_string()>
            {move || match status.get() {
                Offline::Unknown => view! { <span></span> }.into_any(),
                Offline::Ready => view! {
                    <span>"This page now works offline: its files are kept in this browser."</span>
                }.into_any(),
                Offline::UpdateReady => view! {
                    <span data-testid="update-ready">
                        "A new version of GAN Playground is ready. "
                        <button class="small" data-testid="update-now" on:click=move |_| update_now()>
                            "Update now (reloads; your run is autosaved)"
                        </button>
                    </span>
                }.into_any(),
            }}
        </p>
    }
}
