//! The page's entry point: mounts the Leptos UI (the worker is `bin/worker.rs`).

#[cfg(target_arch = "wasm32")]
fn main() {
    app::run_static_constructors();
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Warn);
    leptos::mount::mount_to_body(app::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the page runs in a browser: build it with `trunk build` (see the README)");
}
