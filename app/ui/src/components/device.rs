//! Which device trains and why, the switch to the other one, and a lost GPU device's banner.

use leptos::prelude::*;

use super::worker::{has_test_hooks, recover};
use super::{PageState, Worker};
use protocol::messages::{DeviceChoice, DeviceInfo, Request};

/// How the CPU worker computes, as the device line says it.
fn cpu_kind(relaxed_simd: bool) -> &'static str {
    if relaxed_simd {
        "WebAssembly, relaxed SIMD"
    } else {
        "WebAssembly"
    }
}

/// Which device trains, why not WebGPU when it is the CPU, and a switch to the other one that
/// keeps the model and the images.
#[component]
pub(super) fn DeviceBadge() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    // The model's snapshot for the move arrived: move.
    Effect::new(move |_| {
        if let Some(choice) = state.switch_ready.get() {
            state.switch_ready.set(None);
            recover(state, worker, choice);
        }
    });
    let other = move || match state.device.get() {
        Some(DeviceInfo::WebGpu { .. }) => Some((DeviceChoice::Cpu, "Use the CPU instead")),
        Some(DeviceInfo::Cpu { .. }) => Some((DeviceChoice::Gpu, "Try WebGPU instead")),
        None => None,
    };
    view! {
        <p class="device">
            <span data-testid="device">
                {move || match state.device.get() {
                    None if state.measuring.get() => "Measuring which is faster here, the CPU or WebGPU (a few seconds, once a session)…".to_string(),
                    None => "Starting the compute device…".to_string(),
                    Some(DeviceInfo::WebGpu { adapter, .. }) => format!("Training on your GPU (WebGPU: {adapter})"),
                    Some(DeviceInfo::Cpu { webgpu_next: true, relaxed_simd, .. }) if state.measuring.get() => format!("Training on the CPU ({}) while WebGPU is timed against it (a few seconds, once a session)…", cpu_kind(relaxed_simd)),
                    Some(DeviceInfo::Cpu { reason, relaxed_simd, .. }) => format!("Training on the CPU ({}): {reason}", cpu_kind(relaxed_simd)),
                }}
            </span>
            {move || state.device.get().and_then(|d| d.measured().map(|m| m.summary())).map(|text| view! {
                <span class="measured" data-testid="device-measured">{text}</span>
            })}
            {move || other().map(|(choice, label)| view! {
                <button class="small" data-testid="switch-device"
                    title="Moves the model and your images to the other device"
                    disabled=move || state.running.get() || state.switching.with(Option::is_some)
                    on:click=move |_| {
                        state.switching.set(Some(choice));
                        worker.send(Request::TakeSnapshot);
                    }>{label}</button>
            })}
        </p>
    }
}

/// A lost GPU device: what happened and the two ways on.
#[component]
pub(super) fn DeviceLostBanner() -> impl IntoView {
    let state = expect_context::<PageState>();
    let worker = expect_context::<Worker>();
    let restored = move || match state.snapshot.with(|s| s.as_ref().map(|(step, _)| *step)) {
        Some(step) => format!(
            "The model goes on from its last snapshot in memory (step {step}); your images are kept."
        ),
        None => "No snapshot was taken yet, so the model starts afresh; your images are kept."
            .to_string(),
    };
    view! {
        <Show when=move || state.lost.with(Option::is_some)>
            <div class="error" role="alert" data-testid="device-lost">
                <span>
                    {move || format!("The GPU device was lost ({}). ", state.lost.get().unwrap_or_default())}
                    {restored}
                </span>
                <span>
                    <button data-testid="recover-gpu" on:click=move |_| recover(state, worker, DeviceChoice::Gpu)>"Continue on a new GPU device"</button>
                    <button data-testid="recover-cpu" on:click=move |_| recover(state, worker, DeviceChoice::Cpu)>"Continue on the CPU"</button>
                </span>
            </div>
        </Show>
        <Show when=has_test_hooks>
            <button data-testid="simulate-non-finite" on:click=move |_| worker.send(Request::SimulateNonFinite)>
                "Make the weights NaN (test hook)"</button>
            <button data-testid="simulate-loss" on:click=move |_| worker.send(Request::SimulateDeviceLoss)>
                "Simulate a lost GPU device (test hook)"
            </button>
        </Show>
    }
}
