//! In-browser tests (wasm-bindgen-test in headless Chromium, WebGPU on SwiftShader where there
//! is no GPU), run in a dedicated worker as the page's training is: a training step on the WebGPU
//! and on the CPU device, the WebGPU generator's images against the CPU's, and the messages of
//! the worker protocol through the worker's codec. (`gemm.rs` checks the CPU's patched GEMM.)
//!
//! `scripts/test.sh` runs them; alone, in `app/worker`:
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --release --target wasm32-unknown-unknown --features webgpu --test browser`
#![cfg(target_arch = "wasm32")]

use std::cell::OnceCell;

use burn::tensor::Device;
use gloo_worker::{Bincode, Codec};
use model::GanConfig;
use model::latent::seeded_normal;
use protocol::messages::{
    DataSummary, GeneratorSource, NamedFile, RenderPurpose, Rendered, Request, Response,
    StepReport, Ticket, Ticketed, WorkerError,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::explorer::Explorer;
use worker::trainer::{StepKind, Trainer};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    // burn's WebGPU runtime starts once per worker: every test shares the device.
    static WEBGPU: OnceCell<Device> = const { OnceCell::new() };
}

async fn webgpu() -> Device {
    worker::run_static_constructors();
    if let Some(device) = WEBGPU.with(|d| d.get().cloned()) {
        return device;
    }
    let device = Device::wgpu_options()
        .init_async()
        .await
        .expect("WebGPU starts (SwiftShader in headless Chromium without a GPU)");
    WEBGPU.with(|d| d.get_or_init(|| device.clone()).clone())
}

/// A model small enough for a software GPU.
fn tiny() -> GanConfig {
    GanConfig::new()
        .with_generator_width(8)
        .with_discriminator_width(8)
        .with_latent_size(16)
        .with_batch_size(4)
}

async fn one_step(device: Device) {
    worker::run_static_constructors();
    let mut trainer = Trainer::new(device, tiny()).unwrap();
    let values = trainer.step(StepKind::Full).read().await.unwrap();
    assert!(values.is_finite(), "{values:?}");
    assert!(values.d_loss.is_some() && values.g_loss.is_some());
    assert!(values.d_real.is_some_and(|d| (0.0..=1.0).contains(&d)));
    assert_eq!(trainer.step_count(), 1);
    let samples = trainer.samples();
    assert_eq!(samples.dims(), [64, 3, 32, 32]);
    let pixels = samples.into_data_async().await.unwrap();
    assert!(pixels.iter::<f32>().all(|v| (-1.0..=1.0).contains(&v)));
}

#[wasm_bindgen_test]
async fn a_cpu_step_gives_finite_losses_and_grid_shapes() {
    one_step(Device::flex()).await;
}

#[wasm_bindgen_test]
async fn a_webgpu_step_gives_finite_losses_and_grid_shapes() {
    one_step(webgpu().await).await;
}

#[wasm_bindgen_test]
async fn webgpu_draws_what_the_cpu_draws() {
    worker::run_static_constructors();
    // Seeded weights are drawn on the host, so both devices hold the same generator.
    let zs = seeded_normal(11, 3, 16);
    let mut images = Vec::new();
    for device in [Device::flex(), webgpu().await] {
        let trainer = Trainer::new(device, tiny()).unwrap();
        let drawing = Explorer::default()
            .draw(GeneratorSource::Training, &trainer, &zs)
            .unwrap();
        let data = drawing.images.into_data_async().await.unwrap();
        images.push(data.iter::<f32>().collect::<Vec<f32>>());
    }
    assert_eq!(images[0].len(), 3 * 3 * 32 * 32);
    let worst = images[0]
        .iter()
        .zip(&images[1])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(
        worst < 1e-3,
        "WebGPU and CPU images differ by up to {worst}"
    );
}

/// DiffAugment's draws are made on the host from a seed, so one seed changes a batch the same
/// way on both devices (to float rounding), gradients included; and an augmented step on
/// WebGPU gives finite losses.
#[wasm_bindgen_test]
async fn diffaugment_augments_alike_on_webgpu_and_the_cpu() {
    use burn::tensor::{Tensor, TensorData};
    use model::augment::BatchDraw;
    worker::run_static_constructors();
    let pixels: Vec<f32> = seeded_normal(12, 4, 3 * 32 * 32).concat();
    let draw = BatchDraw::seeded(5, 4, 32, 1.0);
    let mut outputs = Vec::new();
    for device in [Device::flex(), webgpu().await] {
        let device = device.autodiff();
        let x = Tensor::<4>::from_data(TensorData::new(pixels.clone(), [4, 3, 32, 32]), &device)
            .require_grad();
        let y = draw.apply(x.clone());
        let grads = (y.clone() * y.clone()).sum().backward();
        let gradient = x.grad(&grads).unwrap().into_data_async().await.unwrap();
        let y = y.inner().into_data_async().await.unwrap();
        outputs.push((
            y.iter::<f32>().collect::<Vec<f32>>(),
            gradient.iter::<f32>().collect::<Vec<f32>>(),
        ));
    }
    let worst = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max)
    };
    assert!(outputs[0].0.contains(&0.0), "the cutout zeroes pixels");
    let (images, gradients) = (
        worst(&outputs[0].0, &outputs[1].0),
        worst(&outputs[0].1, &outputs[1].1),
    );
    assert!(
        images < 1e-4 && gradients < 1e-3,
        "WebGPU and CPU differ by {images} (images), {gradients} (gradients)"
    );

    let mut trainer = Trainer::new(webgpu().await, tiny().with_augment(1.0)).unwrap();
    let values = trainer.step(StepKind::Full).read().await.unwrap();
    assert!(values.is_finite(), "{values:?}");
}

#[wasm_bindgen_test]
fn protocol_messages_cross_the_worker_codec() {
    worker::run_static_constructors();
    let through = |r: &Request| -> Request { Bincode::decode(Bincode::encode(r)) };
    let requests = [
        Request::Init {
            device: protocol::device::DeviceChoice::Measure,
            remembered: Some(protocol::device::DeviceMeasurement {
                adapter: "google / swiftshader".into(),
                batch: 16,
                cpu: protocol::device::Timing::PerStep(316.0),
                gpu: protocol::device::Timing::AtLeast(6000.0),
                remembered: true,
            }),
        },
        Request::Configure(tiny()),
        Request::AddFiles(vec![NamedFile {
            name: "a.png".into(),
            bytes: vec![1, 2, 3],
        }]),
        Request::Render {
            id: 7,
            source: GeneratorSource::Training,
            purpose: RenderPurpose::Strip,
            zs: seeded_normal(1, 3, 16),
        },
    ];
    for request in &requests {
        assert_eq!(format!("{:?}", through(request)), format!("{request:?}"));
    }
    // As the page sends them: with their ticket.
    let ticketed = |t: &Ticketed| -> Ticketed { Bincode::decode(Bincode::encode(t)) };
    let sent = Ticketed {
        ticket: Ticket(41),
        request: requests[1].clone(),
    };
    assert_eq!(format!("{:?}", ticketed(&sent)), format!("{sent:?}"));
    let back = |r: &Response| -> Response { Bincode::decode(Bincode::encode(r)) };
    let responses = [
        Response::Rendered(Rendered {
            id: 3,
            purpose: RenderPurpose::Preview,
            frames: Err("z must hold 16 finite numbers".into()),
            size: 0,
            ms: 1.5,
        }),
        Response::Step(StepReport {
            step: 4,
            epoch: 1,
            values: Default::default(),
            ms: 12.0,
        }),
        Response::Dataset(DataSummary {
            name: "Your images".into(),
            count: 3,
            source: protocol::data::Source::User,
        }),
        Response::Failed {
            ticket: Ticket(41),
            error: WorkerError::Device("the device failed".into()),
        },
    ];
    for response in &responses {
        assert_eq!(format!("{:?}", back(response)), format!("{response:?}"));
    }
}
