//! Speed of the 2-D lab on the CPU device (issue 30's targets): one training step (D then G,
//! batch 256, width 64, 3 hidden layers; target ≤ 2 ms) and one frame's numbers (D's surface on
//! 64×64 cells, G's manifold on 32×32 z, the arrows of 512 points, the divergences, read back;
//! target with its drawing ≤ 8 ms).
//!
//! ```sh
//! cargo bench -p model --bench lab_step
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use model::burn::tensor::Device;
use model::lab::{LabConfig, LabGan, Shape};

fn lab(c: &mut Criterion) {
    let device = Device::flex();
    let config = LabConfig::new()
        .with_batch_size(256)
        .with_width(64)
        .with_depth(3);
    let mut gan = LabGan::new(config, Shape::Ring, &device).expect("a valid configuration");
    c.bench_function("lab_step_batch256_width64_depth3", |b| {
        b.iter(|| pollster::block_on(gan.step().read()).expect("read back"))
    });
    c.bench_function("lab_frame_heat64_mesh32_arrows512", |b| {
        b.iter(|| pollster::block_on(gan.frame(64, 32)).expect("read back"))
    });
}

criterion_group!(benches, lab);
criterion_main!(benches);
