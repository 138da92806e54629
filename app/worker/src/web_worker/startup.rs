//! Starting the compute device: the browser's WebGPU adapter, burn's device on it, and which
//! device trains (timing both where asked). Built without the `webgpu` feature (the page's
//! first, CPU-only worker), it still reads the adapter, to say why the CPU trains or that the
//! WebGPU worker is worth loading.

use std::sync::atomic::Ordering;

use burn::tensor::Device;
use js_sys::{Promise, Reflect};
use model::GanConfig;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::adapter::AdapterInfo;
#[cfg(feature = "webgpu")]
use protocol::device::Timing;
use protocol::device::{DeviceChoice, DeviceMeasurement};
use protocol::messages::DeviceInfo;

#[cfg(feature = "webgpu")]
use super::now;
#[cfg(feature = "webgpu")]
use crate::trainer::{StepKind, Trainer};

/// Warm steps timed on each device when measuring which is faster.
#[cfg(feature = "webgpu")]
const MEASURE_STEPS: usize = 3;
/// The most the first step may take when measuring (it compiles WebGPU's kernels), in ms.
#[cfg(feature = "webgpu")]
const MEASURE_WARM_UP_MS: f64 = 6_000.0;
/// The most the warm steps may take together when measuring, in ms.
#[cfg(feature = "webgpu")]
const MEASURE_WARM_MS: f64 = 2_500.0;

/// The model the page starts with (and the one both devices are timed on).
pub(super) fn default_config() -> GanConfig {
    GanConfig::new().with_batch_size(16)
}

/// Asks the browser for a WebGPU adapter and what it says of itself; `Err` says why there is
/// none.
async fn webgpu_adapter() -> Result<AdapterInfo, String> {
    let get = |target: &JsValue, key: &str| Reflect::get(target, &JsValue::from_str(key)).ok();
    let navigator = get(&js_sys::global(), "navigator").ok_or("no navigator")?;
    let gpu = get(&navigator, "gpu")
        .filter(|g| !g.is_undefined())
        .ok_or("this browser has no WebGPU (navigator.gpu is missing)")?;
    let request = get(&gpu, "requestAdapter")
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request
        .call0(&gpu)
        .map_err(|e| format!("requestAdapter failed: {e:?}"))?
        .unchecked_into();
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|e| format!("requestAdapter failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("no WebGPU adapter is available (blocked or unsupported GPU)".into());
    }
    let info = get(&adapter, "info").unwrap_or(JsValue::UNDEFINED);
    let field = |k: &str| {
        get(&info, k)
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    // Newer browsers say it in `info`, older ones on the adapter.
    let fallback = |target: &JsValue| get(target, "isFallbackAdapter").and_then(|v| v.as_bool());
    Ok(AdapterInfo {
        vendor: field("vendor"),
        architecture: field("architecture"),
        description: field("description"),
        is_fallback: fallback(&info)
            .or_else(|| fallback(&adapter))
            .unwrap_or(false),
    })
}

#[cfg(feature = "webgpu")]
/// Times full training steps of the default model on `device`: a first step (on WebGPU it
/// compiles the kernels), then up to [`MEASURE_STEPS`] warm ones. Bounded in time: a step still
/// running when its time is up is left behind and the device's time becomes a lower bound.
async fn time_steps(device: Device) -> Timing {
    use futures::future::{Either, select};
    let mut trainer = match Trainer::new(device, default_config()) {
        Ok(trainer) => trainer,
        Err(e) => return Timing::Failed(e),
    };
    let warm_until = now() + MEASURE_WARM_UP_MS;
    let mut warm = Vec::new();
    for i in 0..=MEASURE_STEPS {
        let until = if i == 0 {
            warm_until
        } else {
            warm_until.min(now()) + MEASURE_WARM_MS
        };
        let started = now();
        let read = std::pin::pin!(trainer.step(StepKind::Full).read());
        let time_up = gloo_timers::future::TimeoutFuture::new((until - now()).max(0.0) as u32);
        match select(read, time_up).await {
            Either::Left((Ok(values), _)) if values.is_finite() => {}
            Either::Left((Ok(_), _)) => return Timing::Failed("non-finite losses".into()),
            Either::Left((Err(e), _)) => return Timing::Failed(e.to_string()),
            Either::Right(_) => {
                return Timing::median(warm).unwrap_or(Timing::AtLeast(now() - started));
            }
        }
        if i > 0 {
            warm.push(now() - started);
        }
    }
    Timing::median(warm).unwrap_or(Timing::Failed("no step was timed".into()))
}

/// Whether this program's GEMM uses relaxed SIMD (`worker_cpu_relaxed`, set at its start).
fn relaxed_simd() -> bool {
    super::RELAXED_SIMD.load(Ordering::Relaxed)
}

/// Trains on the CPU, for `reason` (and the timing that chose it, if one did).
fn cpu(reason: String, measured: Option<DeviceMeasurement>) -> (Device, DeviceInfo) {
    let info = DeviceInfo::Cpu {
        reason,
        measured,
        webgpu_next: false,
        relaxed_simd: relaxed_simd(),
    };
    (Device::flex(), info)
}

/// Starts the device `choice` asks for. `Auto` trains on WebGPU only on an adapter that is not
/// a software one, and there, like `Measure`, times both devices (or takes `remembered`, if it
/// measured this adapter) and trains on the faster. `measuring` is called before timing.
pub(super) async fn start_device(
    choice: DeviceChoice,
    remembered: Option<DeviceMeasurement>,
    measuring: impl FnOnce(),
) -> (Device, DeviceInfo) {
    if choice == DeviceChoice::Cpu {
        return cpu("the CPU was chosen for this page".into(), None);
    }
    let adapter = match webgpu_adapter().await {
        Err(reason) => return cpu(reason, None),
        Ok(adapter) => adapter,
    };
    if choice == DeviceChoice::Auto
        && let Some(software) = adapter.software()
    {
        return cpu(format!("{software}; the CPU is faster here"), None);
    }
    // This build has no WebGPU backend (the page's first, small worker): the page loads the
    // WebGPU worker in the background and hands the run over if that one trains.
    #[cfg(not(feature = "webgpu"))]
    {
        let _ = measuring;
        // Timed earlier this session on this adapter, and the CPU won: nothing to load.
        if let Some(earlier) =
            remembered.filter(|m| m.adapter == adapter.label() && m.winner() == DeviceChoice::Cpu)
        {
            let reason = format!("measured faster than WebGPU on {}", adapter.label());
            let measured = DeviceMeasurement {
                remembered: true,
                ..earlier
            };
            return cpu(reason, Some(measured));
        }
        let reason = format!("WebGPU ({}) is loading in the background", adapter.label());
        let info = DeviceInfo::Cpu {
            reason,
            measured: None,
            webgpu_next: true,
            relaxed_simd: relaxed_simd(),
        };
        (Device::flex(), info)
    }
    #[cfg(feature = "webgpu")]
    start_webgpu(choice, remembered, measuring, adapter).await
}

/// Starts burn's WebGPU device on `adapter` (a hardware one unless `choice` insisted) and, as
/// [`start_device`] says, times both devices where `choice` asks.
#[cfg(feature = "webgpu")]
async fn start_webgpu(
    choice: DeviceChoice,
    remembered: Option<DeviceMeasurement>,
    measuring: impl FnOnce(),
    adapter: AdapterInfo,
) -> (Device, DeviceInfo) {
    let gpu = match Device::wgpu_options().init_async().await {
        Ok(device) => device,
        Err(e) => return cpu(format!("the WebGPU device could not start: {e}"), None),
    };
    let measured = match choice {
        DeviceChoice::Gpu => None,
        _ => Some(match remembered.filter(|m| m.adapter == adapter.label()) {
            Some(earlier) => DeviceMeasurement {
                remembered: true,
                ..earlier
            },
            None => {
                measuring();
                // The CPU first: a WebGPU step left running would slow the CPU's.
                let cpu_time = time_steps(Device::flex()).await;
                let gpu_time = time_steps(gpu.clone()).await;
                DeviceMeasurement {
                    adapter: adapter.label(),
                    batch: default_config().batch_size,
                    cpu: cpu_time,
                    gpu: gpu_time,
                    remembered: false,
                }
            }
        }),
    };
    match measured {
        Some(m) if m.winner() == DeviceChoice::Cpu => cpu(
            format!("measured faster than WebGPU on {}", adapter.label()),
            Some(m),
        ),
        measured => (
            gpu,
            DeviceInfo::WebGpu {
                adapter: adapter.label(),
                measured,
            },
        ),
    }
}
