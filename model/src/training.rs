//! The adversarial training step: k discriminator updates, then one generator update.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{Device, ExecutionError, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::ada::Ada;
use crate::augment::BatchDraw;
use crate::config::{ConfigError, GanConfig, OptimizerKind};
use crate::data::Dataset;
use crate::discriminator::Discriminator;
use crate::generator::Generator;
use crate::latent::normal_vector;
use crate::optimizer::ModuleOptim;
pub use crate::step_values::StepValues;

/// Losses and mean D outputs of one step, still on the device so that a browser can read them
/// back asynchronously; `None` where the step did not compute the value.
#[derive(Default)]
pub struct StepStats {
    /// Discriminator loss of the last D update, `[1]`.
    pub d_loss: Option<Tensor<1>>,
    /// Generator loss, `[1]`.
    pub g_loss: Option<Tensor<1>>,
    /// Mean D(x) on the real batch, `[1]`.
    pub d_real: Option<Tensor<1>>,
    /// Mean D(G(z)), `[1]`.
    pub d_fake: Option<Tensor<1>>,
    /// L2 norm of the discriminator's gradient in its last update, `[1]`.
    pub d_grad_norm: Option<Tensor<1>>,
    /// L2 norm of the generator's gradient, `[1]`: near zero, G has nothing to learn from.
    pub g_grad_norm: Option<Tensor<1>>,
    /// Adaptive augmentation's probability p after the step, `[1]` (when it is on).
    pub ada_probability: Option<Tensor<1>>,
    /// Adaptive augmentation's last overfitting measure r_t, `[1]` (when it is on).
    pub ada_overfitting: Option<Tensor<1>>,
}

impl StepStats {
    /// Reads every present value with one asynchronous device read.
    pub async fn read(self) -> Result<StepValues, ExecutionError> {
        Ok(self.read_with(Vec::new()).await?.0)
    }

    /// Reads every present value and the numbers of `extra` (each `[n]`) with one asynchronous
    /// device read: the values, then `extra`'s numbers in order.
    pub async fn read_with(
        self,
        extra: Vec<Tensor<1>>,
    ) -> Result<(StepValues, Vec<f32>), ExecutionError> {
        let slots = [
            self.d_loss,
            self.g_loss,
            self.d_real,
            self.d_fake,
            self.d_grad_norm,
            self.g_grad_norm,
            self.ada_probability,
            self.ada_overfitting,
        ];
        let present: Vec<Tensor<1>> = slots.iter().flatten().cloned().chain(extra).collect();
        if present.is_empty() {
            return Ok((StepValues::default(), Vec::new()));
        }
        let data = Tensor::cat(present, 0).into_data_async().await?;
        let mut values = data.iter::<f32>();
        let mut next = |slot: &Option<Tensor<1>>| slot.as_ref().and_then(|_| values.next());
        let read = StepValues {
            d_loss: next(&slots[0]),
            g_loss: next(&slots[1]),
            d_real: next(&slots[2]),
            d_fake: next(&slots[3]),
            d_grad_norm: next(&slots[4]),
            g_grad_norm: next(&slots[5]),
            ada_probability: next(&slots[6]),
            ada_overfitting: next(&slots[7]),
        };
        Ok((read, values.collect()))
    }
}

/// A DCGAN with its optimisers, on an autodiff device. Cloning is cheap (tensor handles).
#[derive(Clone)]
pub struct Gan {
    /// The configuration it was built from.
    pub config: GanConfig,
    /// The generator (training mode).
    pub generator: Generator,
    /// The discriminator (training mode).
    pub discriminator: Discriminator,
    /// The generator's optimiser.
    pub optim_g: ModuleOptim,
    /// The discriminator's optimiser.
    pub optim_d: ModuleOptim,
    /// Generator updates done so far.
    pub step: u64,
    /// The exponential moving average of the generator's weights (plain device, inference
    /// mode), when `config.ema_beta` > 0: what samples and the explorer draw with.
    pub ema: Option<Generator>,
    /// Updates the average has had (its warm-up; saved in checkpoints).
    pub ema_updates: u64,
    /// Adaptive augmentation's feedback loop, when `config.ada_target` > 0.
    pub ada: Option<Ada>,
    /// Also compute both networks' gradient norms in each step (`StepStats::*_grad_norm`):
    /// off by default, as they cost extra device work every step and only the native
    /// trainer's `--log-csv` reads them.
    pub measure_gradients: bool,
    device: Device,
    noise: ChaCha8Rng,
}

/// Clamps every float parameter into [−c, c]: WGAN's Lipschitz constraint on the critic.
pub(crate) struct WeightClip(pub(crate) f32);

impl ModuleMapper for WeightClip {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let c = self.0 as f64;
        param.map(|t| {
            let grad = t.is_require_grad();
            t.clamp(-c, c).detach().set_require_grad(grad)
        })
    }
}

/// Every float tensor of a module (parameters and batch-norm statistics), flattened, by id.
struct Flatten(HashMap<ParamId, Tensor<1>>);

impl ModuleVisitor for Flatten {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let count = tensor.shape().num_elements();
        self.0.insert(param.id, tensor.reshape([count]));
    }
}

/// β·(the module's tensor) + (1 − β)·(the same id's tensor in `current`).
struct Blend<'a> {
    current: &'a HashMap<ParamId, Tensor<1>>,
    beta: f64,
    /// Tensors without a counterpart in `current`.
    missed: usize,
}

impl ModuleMapper for Blend<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(current) = self.current.get(&param.id) else {
            self.missed += 1;
            return param;
        };
        let (beta, current) = (self.beta, current.clone());
        param.map(|average| {
            let shape = average.shape();
            // A batch norm's running statistics can be created on the CPU backend while the
            // model trains on WebGPU: meet on the generator's device (an upload; reading WebGPU
            // back synchronously is impossible in the browser).
            let current = current.reshape(shape);
            let average = average.to_device(&current.device());
            average.mul_scalar(beta) + current.mul_scalar(1.0 - beta)
        })
    }
}

/// Sums the squares of every gradient of a module's parameters, on the device.
struct GradSquares<'a> {
    grads: &'a GradientsParams,
    sum: Option<Tensor<1>>,
}

impl ModuleVisitor for GradSquares<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(grad) = self.grads.get::<D>(param.id) {
            let squares = grad.square().sum(); // [1]
            self.sum = Some(match self.sum.take() {
                Some(sum) => sum + squares,
                None => squares,
            });
        }
    }
}

/// L2 norm of `module`'s gradient in `grads`, `[1]` (zero where none was taken).
fn grad_norm<M: Module>(grads: &GradientsParams, module: &M, device: &Device) -> Tensor<1> {
    let mut visitor = GradSquares { grads, sum: None };
    module.visit(&mut visitor);
    visitor
        .sum
        .unwrap_or_else(|| Tensor::zeros([1], &device.clone().without_autodiff()))
        .sqrt()
}

/// The optimiser `config` names, without state.
fn optimizer(config: &GanConfig) -> ModuleOptim {
    match config.optimizer {
        // ε: PyTorch's default; burn's is 1e-5. Matching it keeps parity with the reference.
        OptimizerKind::Adam => ModuleOptim::adam(config.beta1, config.beta2, 1e-8),
        OptimizerKind::RmsProp => ModuleOptim::rms_prop(),
    }
}

impl Gan {
    /// A freshly initialised DCGAN (weights drawn on the host from `config.seed`, the same on
    /// every backend) on `device`, which gets autodiff enabled.
    pub fn new(config: GanConfig, device: &Device) -> Result<Self, ConfigError> {
        config.validate()?;
        // Weights from the seed alone (host-drawn), not from the device's shared generator;
        // built on the plain device, `from_parts` makes them autodiff leaves.
        let plain = device.clone().without_autodiff();
        let generator = crate::init::seeded(Generator::new(&config, &plain), config.seed);
        let discriminator = Self::initial_discriminator(&config, &plain);
        Ok(Self::from_parts(config, generator, discriminator, device))
    }

    /// The discriminator a fresh run of `config` starts with (also a shipped generator's, which
    /// has none), on `device` as it is.
    pub fn initial_discriminator(config: &GanConfig, device: &Device) -> Discriminator {
        crate::init::seeded(Discriminator::new(config, device), config.seed ^ 0xD15C)
    }

    /// A DCGAN from existing networks (e.g. a checkpoint), with fresh optimisers.
    pub fn from_parts(
        config: GanConfig,
        generator: Generator,
        discriminator: Discriminator,
        device: &Device,
    ) -> Self {
        let device = device.clone().autodiff();
        let noise = ChaCha8Rng::seed_from_u64(config.seed ^ 0x9E37_79B9_7F4A_7C15);
        let plain = device.clone().without_autodiff();
        let ema = (config.ema_beta > 0.0).then(|| generator.clone().to_device(&plain));
        Self {
            optim_g: optimizer(&config),
            optim_d: optimizer(&config),
            generator: generator.to_device(&device).train(),
            discriminator: discriminator.to_device(&device).train(),
            ema,
            ema_updates: 0,
            ada: (config.ada_target > 0.0).then(|| Ada::new(&device)),
            config,
            step: 0,
            measure_gradients: false,
            device,
            noise,
        }
    }

    /// Goes back to `earlier`'s networks, optimiser state, configuration and step count, while
    /// the training noise goes on from where it is: replaying the same noise from the same
    /// state would repeat the same run.
    pub fn restore_from(&mut self, earlier: &Gan) {
        let noise = self.noise_position();
        *self = earlier.deep_clone();
        self.set_noise_position(noise);
    }

    /// A copy that later training of either leaves alone. A plain clone shares burn's batch-norm
    /// running statistics (`RunningState` keeps them behind an `Arc`), so a state kept to go
    /// back to would follow every later step's statistics (found by a test: after NaN losses,
    /// the state gone back to had NaN running statistics). Rebuilding the networks from their
    /// records gives them their own (parameter ids kept: Adam's moments still match), recorded
    /// from `valid()` copies: recording reads only synchronised statistics, and the latest
    /// update waits in a per-thread slot until `valid()` synchronises it.
    pub fn deep_clone(&self) -> Gan {
        let mut copy = self.clone();
        let device = self.device.clone();
        let plain = device.clone().without_autodiff();
        copy.generator = Generator::new(&self.config, &device)
            .load_record(self.generator.valid().into_record())
            .train();
        copy.discriminator = Discriminator::new(&self.config, &device)
            .load_record(self.discriminator.valid().into_record())
            .train();
        copy.ema = self
            .ema
            .as_ref()
            .map(|ema| Generator::new(&self.config, &plain).load_record(ema.valid().into_record()));
        copy
    }

    /// The autodiff device it trains on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Where the training noise generator stands (saved in checkpoints so that a resumed run
    /// draws the same noise as an uninterrupted one).
    pub fn noise_position(&self) -> u128 {
        self.noise.get_word_pos()
    }

    /// Moves the training noise generator to `position` (see [`Gan::noise_position`]).
    pub fn set_noise_position(&mut self, position: u128) {
        self.noise.set_word_pos(position);
    }

    /// A batch of latent vectors from the training noise generator, `[batch, latent]`.
    fn noise(&mut self, batch: usize) -> Tensor<2> {
        let latent = self.config.latent_size;
        let z: Vec<f32> = (0..batch)
            .flat_map(|_| normal_vector(&mut self.noise, latent))
            .collect();
        Tensor::from_data(TensorData::new(z, [batch, latent]), &self.device)
    }

    /// `images` (`[batch, c, s, s]`) through DiffAugment when the configuration asks for it —
    /// a fixed dose, or adaptive augmentation's current p — with draws from the training noise
    /// (so checkpoints resume them); unchanged otherwise.
    fn augmented(&mut self, images: Tensor<4>) -> Tensor<4> {
        let [batch, _, side, _] = images.dims();
        if let Some(ada) = &self.ada {
            return BatchDraw::draw_all(&mut self.noise, batch, side)
                .apply_with_probability(images, ada.probability());
        }
        if self.config.augment <= 0.0 {
            return images;
        }
        BatchDraw::draw(&mut self.noise, batch, side, self.config.augment).apply(images)
    }

    /// Adaptive augmentation's p and r_t as a step reports them (none when it is off).
    fn ada_stats(&self) -> (Option<Tensor<1>>, Option<Tensor<1>>) {
        match &self.ada {
            Some(ada) => (
                Some(ada.probability().inner()),
                Some(ada.overfitting().inner()),
            ),
            None => (None, None),
        }
    }

    /// One discriminator update on `real` and on `fake` (both `[batch, c, s, s]`); `fake` is
    /// detached so that no gradient reaches the generator.
    fn update_discriminator(&mut self, real: Tensor<4>, fake: Tensor<4>) -> StepStats {
        let loss = self.config.loss;
        let real = self.augmented(real);
        let fake = self.augmented(fake.detach());
        let d_real = self.discriminator.forward(real); // [batch]
        let d_fake = self.discriminator.forward(fake); // [batch]
        let d_loss = loss.discriminator_loss(d_real.clone(), d_fake.clone()); // [1]
        if let Some(ada) = &mut self.ada {
            ada.observe(d_real.clone(), &self.config);
        }
        let (ada_probability, ada_overfitting) = self.ada_stats();
        let grads = GradientsParams::from_grads(d_loss.backward(), &self.discriminator);
        let d_grad_norm = self
            .measure_gradients
            .then(|| grad_norm(&grads, &self.discriminator, &self.device));
        let lr = self.config.learning_rate_d;
        self.discriminator = self.optim_d.step(lr, self.discriminator.clone(), grads);
        if loss == crate::config::LossKind::WganClip {
            let clip = WeightClip(self.config.wgan_clip);
            self.discriminator = self.discriminator.clone().map(&mut { clip });
        }
        StepStats {
            d_loss: Some(d_loss.detach().inner()),
            g_loss: None,
            d_real: Some(loss.mean_output(d_real.detach().inner())),
            d_fake: Some(loss.mean_output(d_fake.detach().inner())),
            d_grad_norm,
            g_grad_norm: None,
            ada_probability,
            ada_overfitting,
        }
    }

    /// One generator update through the current discriminator on `fake = G(z)` (still tracked).
    ///
    /// Returns the loss and, when measured, the gradient's norm, both `[1]`.
    fn update_generator(&mut self, fake: Tensor<4>) -> (Tensor<1>, Option<Tensor<1>>) {
        let fake = self.augmented(fake);
        let d_fake = self.discriminator.forward(fake); // [batch]
        let g_loss = self.config.loss.generator_loss(d_fake); // [1]
        // Only the generator's parameters are taken from the gradients: D is left as it is.
        let grads = GradientsParams::from_grads(g_loss.backward(), &self.generator);
        let g_grad_norm = self
            .measure_gradients
            .then(|| grad_norm(&grads, &self.generator, &self.device));
        let lr = self.config.learning_rate_g;
        self.generator = self.optim_g.step(lr, self.generator.clone(), grads);
        self.step += 1;
        self.update_ema();
        (g_loss.detach().inner(), g_grad_norm)
    }

    /// One full step: `d_steps` discriminator updates on batches from `data`, then one generator
    /// update that reuses the last fake batch (as the PyTorch reference does).
    pub fn train_step(&mut self, data: &mut Dataset) -> StepStats {
        let batch = self.config.batch_size;
        let mut stats = None;
        let mut fake = None;
        for _ in 0..self.config.d_steps {
            let z = self.noise(batch);
            let generated = self.generator.forward(z); // [batch, c, s, s]
            let real = data.next_batch(batch);
            stats = Some(self.update_discriminator(real, generated.clone()));
            fake = Some(generated);
        }
        let mut stats = stats.expect("d_steps ≥ 1 is validated");
        let fake = fake.expect("d_steps ≥ 1 is validated");
        let (g_loss, g_grad_norm) = self.update_generator(fake);
        stats.g_loss = Some(g_loss);
        stats.g_grad_norm = g_grad_norm;
        stats
    }

    /// One D update and one G update on given inputs: the real batch `real`
    /// (`[batch, c, s, s]`) and the noise `z` (`[batch, latent]`), whatever `d_steps` says.
    /// For comparing the update with another implementation on identical inputs.
    pub fn train_step_on(&mut self, real: Tensor<4>, z: Tensor<2>) -> StepStats {
        let generated = self.generator.forward(z); // [batch, c, s, s]
        let mut stats = self.update_discriminator(real, generated.clone());
        let (g_loss, g_grad_norm) = self.update_generator(generated);
        stats.g_loss = Some(g_loss);
        stats.g_grad_norm = g_grad_norm;
        stats
    }

    /// Only the discriminator: one update on a real and a generated batch.
    pub fn discriminator_step(&mut self, data: &mut Dataset) -> StepStats {
        let batch = self.config.batch_size;
        let z = self.noise(batch);
        let fake = self.generator.forward(z);
        let real = data.next_batch(batch);
        self.update_discriminator(real, fake)
    }

    /// Only the generator: one update against the current discriminator.
    pub fn generator_step(&mut self) -> StepStats {
        let batch = self.config.batch_size;
        let z = self.noise(batch);
        let fake = self.generator.forward(z);
        let (g_loss, g_grad_norm) = self.update_generator(fake);
        let (ada_probability, ada_overfitting) = self.ada_stats();
        StepStats {
            g_loss: Some(g_loss),
            g_grad_norm,
            ada_probability,
            ada_overfitting,
            ..StepStats::default()
        }
    }

    /// The generator in inference mode (batch norm on running statistics, no autodiff): what
    /// samples, sliders and exports use — the averaged one where there is one.
    pub fn inference_generator(&self) -> Generator {
        match &self.ema {
            Some(ema) => ema.clone(),
            None => self.generator.valid(),
        }
    }

    /// The generator as trained (not averaged), in inference mode.
    pub fn raw_generator(&self) -> Generator {
        self.generator.valid()
    }

    /// Replaces the averaged generator (a checkpoint's), on this model's plain device.
    pub fn set_ema(&mut self, ema: Generator) {
        self.ema = Some(ema.to_device(&self.device.clone().without_autodiff()));
    }

    /// Moves the average one step towards the generator's current weights (and batch-norm
    /// statistics): ema ← β_t·ema + (1 − β_t)·G, with β_t = min(β, (1 + t)/(10 + t)).
    fn update_ema(&mut self) {
        let Some(ema) = self.ema.take() else { return };
        let t = self.ema_updates as f64;
        let beta = self.config.ema_beta.min((1.0 + t) / (10.0 + t));
        let mut current = Flatten(HashMap::new());
        self.generator.valid().visit(&mut current);
        let mut blend = Blend {
            current: &current.0,
            beta,
            missed: 0,
        };
        let averaged = ema.map(&mut blend);
        // Parameters the average does not know (it should know them all, as it starts as a copy
        // of G): start it again from G rather than average half a model.
        self.ema = Some(if blend.missed == 0 {
            averaged
        } else {
            self.generator.valid()
        });
        self.ema_updates += 1;
    }

    /// Images for a batch of latent vectors (`[n, latent]`, n ≥ 2) normalised with the batch's
    /// own statistics, as the generator sees them in training: the live sample grid.
    ///
    /// - returns `[n, channels, size, size]` in [-1, 1]
    pub fn sample_batch(&self, z: &[Vec<f32>]) -> Tensor<4> {
        self.sample_batch_with(&self.inference_generator(), z)
    }

    /// [`sample_batch`](Self::sample_batch) with `generator` (e.g. the raw one: what D sees in
    /// training).
    pub fn sample_batch_with(&self, generator: &Generator, z: &[Vec<f32>]) -> Tensor<4> {
        let latent = self.config.latent_size;
        let device = self.device.clone().without_autodiff();
        let z = Tensor::<2>::from_data(TensorData::new(z.concat(), [z.len(), latent]), &device);
        generator.forward_batch_statistics(z)
    }

    /// What D says now of `real` and of `fake` images (`[n, c, s, s]`, n ≥ 2 each), each batch
    /// normalised with its own statistics as in training, nothing updated: logits `[n]` each.
    pub fn judge(&self, real: Tensor<4>, fake: Tensor<4>) -> (Tensor<1>, Tensor<1>) {
        let plain = self.device.clone().without_autodiff();
        let d = self.discriminator.valid();
        (
            d.forward_batch_statistics(real.to_device(&plain)),
            d.forward_batch_statistics(fake.to_device(&plain)),
        )
    }

    /// What D says now of `real` and `fake` (`[n, c, s, s]` each) normalised together as one
    /// batch of 2n, nothing updated: logits `[n]` each. Batch norm then uses the statistics of
    /// both kinds at once, so an image's score no longer depends on its row alone.
    pub fn judge_mixed(&self, real: Tensor<4>, fake: Tensor<4>) -> (Tensor<1>, Tensor<1>) {
        let plain = self.device.clone().without_autodiff();
        let [n, ..] = real.dims();
        let [m, ..] = fake.dims();
        let both = Tensor::cat(vec![real.to_device(&plain), fake.to_device(&plain)], 0); // [n + m, c, s, s]
        let logits = self.discriminator.valid().forward_batch_statistics(both); // [n + m]
        (logits.clone().narrow(0, 0, n), logits.narrow(0, n, m))
    }

    /// Images for the latent vectors `z` (`[n, latent]`) from the inference generator.
    ///
    /// - returns `[n, channels, size, size]` in [-1, 1]
    pub fn sample(&self, z: &[Vec<f32>]) -> Tensor<4> {
        let generator = self.inference_generator();
        let latent = self.config.latent_size;
        let flat: Vec<f32> = z.concat();
        let device = self.device.clone().without_autodiff();
        let z = Tensor::<2>::from_data(TensorData::new(flat, [z.len(), latent]), &device);
        generator.forward(z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LossKind;
    use crate::procedural::Procedural;

    fn tiny(loss: LossKind) -> GanConfig {
        GanConfig::new()
            .with_generator_width(8)
            .with_discriminator_width(8)
            .with_latent_size(16)
            .with_batch_size(8)
            .with_loss(loss)
    }

    /// `n` training steps' read-back values.
    fn steps(gan: &mut Gan, data: &mut Dataset, n: usize) -> Vec<StepValues> {
        (0..n)
            .map(|_| pollster::block_on(gan.train_step(data).read()).unwrap())
            .collect()
    }

    /// A tensor's values.
    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().iter::<f32>().collect()
    }

    #[test]
    fn the_average_follows_g_with_its_warm_up() {
        let device = Device::flex();
        let mut gan = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        let weight = |g: &Generator| values(g.output.weight.val());
        let w0 = weight(&gan.raw_generator());
        assert_eq!(weight(gan.ema.as_ref().unwrap()), w0, "starts as G");
        gan.generator_step();
        let w1 = weight(&gan.raw_generator());
        // β_0 = min(0.999, 1/10).
        let e1 = weight(gan.ema.as_ref().unwrap());
        for ((e, a), b) in e1.iter().zip(&w0).zip(&w1) {
            assert!((e - (0.1 * a + 0.9 * b)).abs() < 1e-6);
        }
        gan.generator_step();
        let w2 = weight(&gan.raw_generator());
        let beta = 2.0 / 11.0;
        let e2 = weight(gan.ema.as_ref().unwrap());
        for ((e, a), b) in e2.iter().zip(&e1).zip(&w2) {
            assert!((e - (beta * a + (1.0 - beta) * b)).abs() < 1e-6);
        }
        assert_ne!(e2, w2, "averaged, not a copy");
        assert_eq!(
            weight(&gan.inference_generator()),
            e2,
            "samples use the average"
        );
        // Off: the samples use G itself.
        let mut plain = Gan::new(tiny(LossKind::Bce).with_ema_beta(0.0), &device).unwrap();
        plain.generator_step();
        assert!(plain.ema.is_none());
        assert_eq!(
            weight(&plain.inference_generator()),
            weight(&plain.raw_generator())
        );
    }

    #[test]
    fn a_score_depends_on_the_batch_it_is_judged_in() {
        let device = Device::flex();
        let mut data = Procedural::Rings.dataset(16, 3, 32, &device, 0);
        let mut gan = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        for _ in 0..5 {
            gan.train_step(&mut data);
        }
        let real = data.images().clone().narrow(0, 0, 8); // [8, 3, 32, 32]
        let z: Vec<Vec<f32>> = (0..8).map(|i| vec![i as f32 * 0.3 - 1.0; 16]).collect();
        let fake = gan.sample_batch(&z); // [8, 3, 32, 32]
        let (row_real, row_fake) = gan.judge(real.clone(), fake.clone());
        let (mixed_real, mixed_fake) = gan.judge_mixed(real.clone(), fake.clone());
        let (row_real, row_fake) = (values(row_real), values(row_fake));
        let (mixed_real, mixed_fake) = (values(mixed_real), values(mixed_fake));
        assert_eq!((mixed_real.len(), mixed_fake.len()), (8, 8));
        // Mixed, batch norm normalises each image with both kinds' statistics: every score
        // moves, though no weight changed.
        let moved = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f32::max)
        };
        assert!(
            moved(&row_real, &mixed_real) > 1e-3,
            "{row_real:?} {mixed_real:?}"
        );
        assert!(
            moved(&row_fake, &mixed_fake) > 1e-3,
            "{row_fake:?} {mixed_fake:?}"
        );
        // Within a row too: change one other image, and the first one's score moves.
        let changed = Tensor::cat(
            vec![
                real.clone().narrow(0, 0, 7),
                real.clone().narrow(0, 0, 1).neg(),
            ],
            0,
        );
        let (again, _) = gan.judge(changed, fake);
        assert!(
            (values(again)[0] - row_real[0]).abs() > 1e-4,
            "the row's other images count"
        );
    }

    #[test]
    fn every_loss_trains_with_finite_values() {
        let device = Device::flex();
        for loss in LossKind::ALL {
            let config = tiny(loss).with_d_steps(2);
            let mut data = Procedural::Rings.dataset(32, 3, 32, &device, 0);
            let mut gan = Gan::new(config, &device).unwrap();
            for i in 0..3 {
                // Gradient norms only when asked for (they cost device work every step).
                gan.measure_gradients = i == 2;
                let values = pollster::block_on(gan.train_step(&mut data).read()).unwrap();
                assert!(values.is_finite(), "{loss:?}: {values:?}");
                assert!(values.d_loss.is_some() && values.g_loss.is_some());
                let norms = [values.d_grad_norm, values.g_grad_norm];
                if i == 2 {
                    assert!(
                        norms.iter().all(|n| n.is_some_and(|n| n > 0.0)),
                        "{norms:?}"
                    );
                } else {
                    assert_eq!(norms, [None, None]);
                }
            }
            assert_eq!(gan.step, 3);
        }
    }

    #[test]
    fn single_network_steps_change_only_that_network() {
        let device = Device::flex();
        let mut data = Procedural::Rings.dataset(16, 3, 32, &device, 0);
        let mut gan = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        let g0 = gan.generator.output.weight.val().into_data();
        let d0 = gan.discriminator.output.weight.val().into_data();
        let values = pollster::block_on(gan.discriminator_step(&mut data).read()).unwrap();
        assert!(values.g_loss.is_none() && values.d_loss.is_some());
        assert_eq!(gan.generator.output.weight.val().into_data(), g0);
        let d1 = gan.discriminator.output.weight.val().into_data();
        assert_ne!(d1, d0);
        let values = pollster::block_on(gan.generator_step().read()).unwrap();
        assert!(values.d_loss.is_none() && values.g_loss.is_some());
        assert_ne!(gan.generator.output.weight.val().into_data(), g0);
        assert_eq!(gan.discriminator.output.weight.val().into_data(), d1);
    }

    #[test]
    fn wgan_clips_the_critic() {
        let device = Device::flex();
        let mut data = Procedural::Rings.dataset(16, 3, 32, &device, 0);
        let mut gan = Gan::new(tiny(LossKind::WganClip), &device).unwrap();
        gan.discriminator_step(&mut data);
        let w = gan
            .discriminator
            .input
            .weight
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        assert!(w.iter().all(|v| v.abs() <= 0.01 + 1e-7));
    }

    #[test]
    fn a_deep_clone_trains_like_the_original_and_keeps_its_own_statistics() {
        let device = Device::flex();
        let data = || Procedural::Rings.dataset(16, 3, 32, &device, 0);
        let (mut d1, mut d2) = (data(), data());
        let mut gan = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        gan.train_step(&mut d1);
        d2.set_position(&d1.position()).unwrap();
        let mut copy = gan.deep_clone();
        let running = |g: &Gan| values(g.generator.valid().blocks[0].norm.running_mean.value());
        let before = running(&copy);
        // The copy has the original's latest statistics, not those of one update before.
        assert_eq!(
            before,
            running(&gan),
            "the copy's statistics are the latest"
        );
        let d_running =
            |g: &Gan| values(g.discriminator.valid().blocks[0].norm.running_var.value());
        assert_eq!(d_running(&copy), d_running(&gan));
        let a = pollster::block_on(gan.train_step(&mut d1).read()).unwrap();
        assert_eq!(
            running(&copy),
            before,
            "the original's step left the copy alone"
        );
        let b = pollster::block_on(copy.train_step(&mut d2).read()).unwrap();
        // Same parameter ids: Adam's moments apply, so the same step.
        assert_eq!(a, b);
        assert_eq!(
            values(gan.generator.output.weight.val()),
            values(copy.generator.output.weight.val())
        );
    }

    #[test]
    fn same_seed_same_training() {
        let device = Device::flex();
        let run = || {
            let mut data = Procedural::Rings.dataset(16, 3, 32, &device, 0);
            let mut gan = Gan::new(tiny(LossKind::Bce), &device).unwrap();
            (0..2)
                .map(|_| pollster::block_on(gan.train_step(&mut data).read()).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }

    /// DiffAugment changes what D sees, so the step; one seed still gives one run, and a
    /// checkpoint taken mid-run resumes the augmentation's draws exactly.
    #[test]
    fn augmented_training_is_seeded_and_resumes_exactly() {
        let device = Device::flex();
        let data = || Procedural::Rings.dataset(16, 3, 32, &device, 0);
        let augmented = tiny(LossKind::Bce).with_augment(1.0);
        let mut plain = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        let mut gan = Gan::new(augmented.clone(), &device).unwrap();
        let (mut d1, mut d2) = (data(), data());
        let plain_run = steps(&mut plain, &mut d1, 3);
        let run = steps(&mut gan, &mut d2, 2);
        assert!(run.iter().all(StepValues::is_finite));
        assert_ne!(
            plain_run[..2],
            run[..],
            "the augmentation changes D's inputs"
        );

        let bytes = crate::checkpoint::save(&gan, Some(&d2.position())).unwrap();
        let next = steps(&mut gan, &mut d2, 2);
        let mut resumed = crate::checkpoint::load(&bytes, &device).unwrap();
        assert_eq!(resumed.config.augment, 1.0, "the checkpoint keeps the dose");
        let mut d3 = data();
        let position = crate::checkpoint::data_position(&bytes).unwrap().unwrap();
        d3.set_position(&position).unwrap();
        assert_eq!(steps(&mut resumed, &mut d3, 2), next);

        let mut again = Gan::new(augmented, &device).unwrap();
        let mut d4 = data();
        assert_eq!(steps(&mut again, &mut d4, 4)[..2], run[..]);
    }

    /// Adaptive augmentation: p rises while D is sure of the real images, each step reports
    /// p and r_t, and a checkpoint taken between two adjustments resumes the loop exactly.
    #[test]
    fn adaptive_augmentation_reacts_reports_and_resumes_exactly() {
        let device = Device::flex();
        let data = || Procedural::Rings.dataset(16, 3, 32, &device, 0);
        // A low target and a fast ramp, so that p moves within a few steps.
        let config = tiny(LossKind::Bce)
            .with_ada_target(0.05)
            .with_ada_ramp_steps(20);
        let mut gan = Gan::new(config.clone(), &device).unwrap();
        let mut d1 = data();
        let run = steps(&mut gan, &mut d1, 10);
        assert!(run.iter().all(StepValues::is_finite));
        assert_eq!(run[0].ada_probability, Some(0.0), "p starts at 0");
        assert!(
            run.iter().all(|v| v.ada_overfitting.is_some()),
            "r_t is reported"
        );
        let last = run[9].ada_probability.unwrap();
        assert!(last > 0.0, "p rose: r_t {:?}", run[9].ada_overfitting);

        // The page's asynchronous save first, as `checkpoint`'s own test does (it synchronises
        // batch norm's running statistics; a synchronous save before any sync wrote other
        // running statistics here — not what training reads, but worth a look).
        let read_async =
            pollster::block_on(crate::checkpoint::save_async(&gan, Some(&d1.position()))).unwrap();
        let bytes = crate::checkpoint::save(&gan, Some(&d1.position())).unwrap();
        assert!(read_async == bytes, "either save writes the same file");
        assert_eq!(gan.ada.as_ref().unwrap().state().seen, 2, "mid-interval");
        let next = steps(&mut gan, &mut d1, 6);
        let mut resumed = crate::checkpoint::load(&bytes, &device).unwrap();
        assert_eq!(resumed.ada.as_ref().unwrap().state().probability, last);
        let mut d2 = data();
        d2.set_position(&crate::checkpoint::data_position(&bytes).unwrap().unwrap())
            .unwrap();
        assert_eq!(steps(&mut resumed, &mut d2, 6), next);

        // Off: nothing reported.
        let mut plain = Gan::new(tiny(LossKind::Bce), &device).unwrap();
        let values = steps(&mut plain, &mut data(), 1);
        assert_eq!(values[0].ada_probability, None);
    }
}
