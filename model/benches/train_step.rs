//! Speed of the native CPU backend: a full train step (D then G) at batch 16 and 64 for
//! 32×32 RGB with the default DCGAN widths, and one generator forward for a single z (what a
//! latent slider costs).
//!
//! `cargo bench -p model --bench train_step`

use criterion::{Criterion, criterion_group, criterion_main};
use model::burn::tensor::{Device, Tensor, TensorData};
use model::latent::seeded_normal;
use model::procedural::Procedural;
use model::{Gan, GanConfig};

fn train_step(c: &mut Criterion) {
    let device = Device::flex();
    let mut group = c.benchmark_group("train_step_32x32_rgb");
    group.sample_size(10);
    for batch in [16, 64] {
        let config = GanConfig::new().with_batch_size(batch);
        let mut data = Procedural::Rings.dataset(256, 3, 32, &device, 0);
        let mut gan = Gan::new(config, &device).unwrap();
        group.bench_function(format!("batch_{batch}"), |b| {
            b.iter(|| {
                let stats = gan.train_step(&mut data);
                // Reading the losses makes the step complete, as a trainer does.
                pollster::block_on(stats.read()).unwrap()
            })
        });
    }
    group.finish();
}

fn generator_single(c: &mut Criterion) {
    let device = Device::flex();
    let gan = Gan::new(GanConfig::new(), &device).unwrap();
    let generator = gan.inference_generator();
    let z = seeded_normal(0, 1, 64).concat();
    let inference = device.clone();
    c.bench_function("generator_forward_single_z", |b| {
        b.iter(|| {
            let z = Tensor::<2>::from_data(TensorData::new(z.clone(), [1, 64]), &inference);
            generator.forward(z).into_data()
        })
    });
}

criterion_group!(benches, train_step, generator_single);
criterion_main!(benches);
