//! Speed of a full train step (D then G) for 32×32 RGB with the default DCGAN widths, and of one
//! generator forward for a single z (what a latent slider costs), in steady state inside one
//! process: criterion warms each up before it measures.
//!
//! - `TRAIN_STEP_BACKEND`: `cpu` (the default), `wgpu`, `vulkan` or `cuda`; a GPU backend needs
//!   its feature (`model::backend` says which settings each build has).
//! - `TRAIN_STEP_BATCHES`: the batch sizes, comma-separated (default `16,64`).
//!
//! Each step is timed two ways. `read_each`: its losses are read back before the next step is
//! sent, as gan-train's progress line and the PyTorch peer do. `read_behind`: they are read one
//! step late, after the next step is sent, as the page's WebGPU loop does, so a GPU has the next
//! step queued while the host waits (on the CPU both are the same work).
//!
//! ```sh
//! cargo bench -p model --bench train_step
//! TRAIN_STEP_BACKEND=wgpu TRAIN_STEP_BATCHES=16,64,256 cargo bench -p model --features wgpu --bench train_step
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use model::backend::Backend;
use model::burn::tensor::{Device, Tensor, TensorData};
use model::latent::seeded_normal;
use model::procedural::Procedural;
use model::{Gan, GanConfig, StepStats};

/// The device `TRAIN_STEP_BACKEND` names; a backend this build lacks stops the bench.
fn device() -> Device {
    let name = std::env::var("TRAIN_STEP_BACKEND").unwrap_or_else(|_| "cpu".into());
    let backend: Backend = name
        .parse()
        .unwrap_or_else(|e| panic!("TRAIN_STEP_BACKEND: {e}"));
    backend.device().unwrap_or_else(|e| panic!("{e}"))
}

fn batches() -> Vec<usize> {
    std::env::var("TRAIN_STEP_BATCHES")
        .unwrap_or_else(|_| "16,64".into())
        .split(',')
        .map(|b| {
            b.trim()
                .parse()
                .expect("TRAIN_STEP_BATCHES: batch sizes, e.g. 16,64,256")
        })
        .collect()
}

/// Waits for a step and reads its losses, as a trainer does.
fn read(stats: StepStats) {
    pollster::block_on(stats.read()).expect("the device failed");
}

fn train_step(c: &mut Criterion) {
    let device = device();
    let mut group = c.benchmark_group("train_step_32x32_rgb");
    group.sample_size(10);
    for batch in batches() {
        let config = GanConfig::new().with_batch_size(batch);
        let mut data = Procedural::Rings.dataset(256, 3, 32, &device, 0);
        let mut gan = Gan::new(config, &device).unwrap();
        group.bench_function(format!("batch_{batch}/read_each"), |b| {
            b.iter(|| read(gan.train_step(&mut data)))
        });
        group.bench_function(format!("batch_{batch}/read_behind"), |b| {
            let mut behind: Option<StepStats> = None;
            b.iter(|| {
                let stats = gan.train_step(&mut data);
                behind.replace(stats).map(read)
            });
            // The last step completes before anything else is measured.
            if let Some(stats) = behind {
                read(stats);
            }
        });
    }
    group.finish();
}

fn generator_single(c: &mut Criterion) {
    let device = device();
    let gan = Gan::new(GanConfig::new(), &device).unwrap();
    let generator = gan.inference_generator();
    let z = seeded_normal(0, 1, 64).concat();
    c.bench_function("generator_forward_single_z", |b| {
        b.iter(|| {
            let z = Tensor::<2>::from_data(TensorData::new(z.clone(), [1, 64]), &device);
            generator.forward(z).into_data()
        })
    });
}

criterion_group!(benches, train_step, generator_single);
criterion_main!(benches);
