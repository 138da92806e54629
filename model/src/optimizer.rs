//! Adam or RMSProp over a whole module, with its state where an asynchronous read can reach it.
//!
//! burn's `ModuleOptimizer` keeps an optimiser's state private and serialises it with
//! synchronous reads, which WebGPU in a browser cannot do: a checkpoint from WebGPU had to drop
//! it, so a resumed run was not the same run. [`ModuleOptim`] keeps burn's own updates
//! ([`burn::optim::Adam`]'s and [`burn::optim::RmsProp`]'s `Optimizer::step`, so the arithmetic
//! is burn's) and only owns where the state lives: flattened, by parameter, so one asynchronous
//! read takes it all and it can be rebuilt on any device.
//!
//! Saved layout (little-endian): parameter count u32, then for each float tensor of the module
//! in visit order one tag byte: 0 (no state: batch-norm statistics, or never updated);
//! 1, Adam · time u64 · element count u64 · first moments (f32 ×count) · second moments
//! (f32 ×count); 2, RMSProp · time u64 · element count u64 · running mean of squared gradients
//! (f32 ×count). Files written before RMSProp existed hold only tags 0 and 1.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::{
    Adam, AdamConfig, AdamState, AdaptiveMomentumState, CenteredState, GradientsParams,
    LearningRate, Optimizer, RmsProp, RmsPropConfig, RmsPropState, SquareAvgState,
};
use burn::tensor::{Device, ExecutionError, Tensor, TensorData};

use crate::config::OptimizerKind;

/// One parameter's optimiser state, flattened.
#[derive(Clone)]
struct Moments {
    /// Updates so far (Adam's bias correction; counted for RMSProp too).
    time: usize,
    /// Adam's first moments, `[count]`; `None` for RMSProp, which has none.
    first: Option<Tensor<1>>,
    /// Adam's second moments, or RMSProp's running mean of squared gradients, `[count]`.
    second: Tensor<1>,
}

/// The update rule, as burn implements it.
#[derive(Clone)]
enum Rule {
    Adam(Adam),
    RmsProp(RmsProp),
}

/// Adam or RMSProp over every parameter of one module (see the module's documentation).
/// Cloning is cheap (tensor handles).
#[derive(Clone)]
pub struct ModuleOptim {
    rule: Rule,
    moments: HashMap<ParamId, Moments>,
}

impl ModuleOptim {
    /// Adam with these betas and ε (no weight decay, as in DCGAN).
    pub fn adam(beta_1: f32, beta_2: f32, epsilon: f32) -> Self {
        let adam = AdamConfig::new()
            .with_beta_1(beta_1)
            .with_beta_2(beta_2)
            .with_epsilon(epsilon)
            .build();
        Self {
            rule: Rule::Adam(adam),
            moments: HashMap::new(),
        }
    }

    /// RMSProp as WGAN's reference code ran it (PyTorch's defaults): decay α = 0.99, ε = 1e-8,
    /// no momentum, not centred.
    pub fn rms_prop() -> Self {
        let rms_prop = RmsPropConfig::new()
            .with_alpha(0.99)
            .with_momentum(0.0)
            .with_epsilon(1e-8)
            .build();
        Self {
            rule: Rule::RmsProp(rms_prop),
            moments: HashMap::new(),
        }
    }

    /// Which rule it applies.
    pub fn kind(&self) -> OptimizerKind {
        match self.rule {
            Rule::Adam(_) => OptimizerKind::Adam,
            Rule::RmsProp(_) => OptimizerKind::RmsProp,
        }
    }

    /// The same optimiser without state, as before the first update.
    pub fn fresh(&self) -> Self {
        Self {
            rule: self.rule.clone(),
            moments: HashMap::new(),
        }
    }

    /// True before the first update.
    pub fn is_fresh(&self) -> bool {
        self.moments.is_empty()
    }

    /// Updates every parameter of `module` that has a gradient in `grads`.
    pub fn step<M: Module>(
        &mut self,
        lr: LearningRate,
        module: M,
        mut grads: GradientsParams,
    ) -> M {
        module.map(&mut Update {
            rule: &self.rule,
            lr,
            grads: &mut grads,
            moments: &mut self.moments,
        })
    }

    /// The state in the saved layout, for `module` (the one it updates), with one asynchronous
    /// read.
    pub async fn save_async<M: Module>(&self, module: &M) -> Result<Vec<u8>, ExecutionError> {
        let (order, all) = self.gather(module);
        let values = match all {
            Some(all) => all.into_data_async().await?.iter::<f32>().collect(),
            None => Vec::new(),
        };
        Ok(self.encode(&order, &values))
    }

    /// [`save_async`](Self::save_async) with a synchronous read (native and CPU only).
    pub fn save<M: Module>(&self, module: &M) -> Vec<u8> {
        let (order, all) = self.gather(module);
        let values: Vec<f32> = all.map_or_else(Vec::new, |all| all.into_data().iter().collect());
        self.encode(&order, &values)
    }

    /// The module's tensors in visit order, and every moment present in one tensor (first, if
    /// any, and second of each parameter in turn).
    fn gather<M: Module>(&self, module: &M) -> (Vec<(ParamId, usize)>, Option<Tensor<1>>) {
        let order = visit_order(module);
        let present: Vec<&Moments> = order
            .iter()
            .filter_map(|(id, _)| self.moments.get(id))
            .collect();
        let Some(first) = present.first() else {
            return (order, None);
        };
        // One device: the first tensor's (a state can lag on another until its next step).
        let device = first.second.device();
        let all = present
            .iter()
            .flat_map(|m| m.first.iter().chain([&m.second]).cloned())
            .map(|t| t.to_device(&device))
            .collect();
        (order, Some(Tensor::cat(all, 0)))
    }

    /// The saved layout from [`gather`](Self::gather)'s order and values.
    fn encode(&self, order: &[(ParamId, usize)], values: &[f32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + values.len() * 4 + order.len() * 17);
        out.extend((order.len() as u32).to_le_bytes());
        let mut offset = 0;
        for (id, _) in order {
            let Some(m) = self.moments.get(id) else {
                out.push(0);
                continue;
            };
            let count = m.second.shape().num_elements();
            let (tag, tensors) = if m.first.is_some() { (1, 2) } else { (2, 1) };
            out.push(tag);
            out.extend((m.time as u64).to_le_bytes());
            out.extend((count as u64).to_le_bytes());
            for v in &values[offset..offset + tensors * count] {
                out.extend(v.to_le_bytes());
            }
            offset += tensors * count;
        }
        out
    }

    /// Rebuilds a saved state for `module` (which must have the saved one's architecture) on
    /// `device`. An empty `bytes` is a fresh optimiser; a state saved by the other rule is
    /// refused.
    pub fn load<M: Module>(
        &self,
        module: &M,
        bytes: &[u8],
        device: &Device,
    ) -> Result<Self, String> {
        let mut fresh = self.fresh();
        if bytes.is_empty() {
            return Ok(fresh);
        }
        let order = visit_order(module);
        let mut reader = Reader(bytes);
        let count = reader.u32()? as usize;
        if count != order.len() {
            return Err(format!(
                "it has state for {count} tensors, the network has {}",
                order.len()
            ));
        }
        let device = device.clone().without_autodiff();
        for (id, elements) in order {
            let adam = match (reader.u8()?, self.kind()) {
                (0, _) => continue,
                (1, OptimizerKind::Adam) => true,
                (2, OptimizerKind::RmsProp) => false,
                (1 | 2, kind) => {
                    return Err(format!(
                        "it holds the state of another optimiser than {}",
                        kind.label()
                    ));
                }
                (tag, _) => return Err(format!("unknown optimiser state {tag}")),
            };
            let time = reader.u64()? as usize;
            let saved = reader.u64()? as usize;
            if saved != elements {
                return Err(format!(
                    "a tensor of {elements} values has state for {saved}"
                ));
            }
            let tensor = |reader: &mut Reader| -> Result<Tensor<1>, String> {
                let values = reader.f32s(elements)?;
                Ok(Tensor::from_data(
                    TensorData::new(values, [elements]),
                    &device,
                ))
            };
            let first = if adam {
                Some(tensor(&mut reader)?)
            } else {
                None
            };
            let second = tensor(&mut reader)?;
            fresh.moments.insert(
                id,
                Moments {
                    time,
                    first,
                    second,
                },
            );
        }
        if !reader.0.is_empty() {
            return Err(format!("{} bytes too many", reader.0.len()));
        }
        Ok(fresh)
    }

    /// The state moved to `device` (the module's new one), for a model moved there.
    pub fn to_device(&self, device: &Device) -> Self {
        let device = device.clone().without_autodiff();
        let moments = self
            .moments
            .iter()
            .map(|(id, m)| {
                let moved = Moments {
                    time: m.time,
                    first: m.first.clone().map(|t| t.to_device(&device)),
                    second: m.second.clone().to_device(&device),
                };
                (*id, moved)
            })
            .collect();
        Self {
            rule: self.rule.clone(),
            moments,
        }
    }
}

/// Every float tensor's id and element count, in visit order.
fn visit_order<M: Module>(module: &M) -> Vec<(ParamId, usize)> {
    struct Order(Vec<(ParamId, usize)>);
    impl ModuleVisitor for Order {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0.push((param.id, param.shape().num_elements()));
        }
    }
    let mut order = Order(Vec::new());
    module.visit(&mut order);
    order.0
}

/// Applies burn's update to each parameter with a gradient.
struct Update<'a> {
    rule: &'a Rule,
    lr: LearningRate,
    grads: &'a mut GradientsParams,
    moments: &'a mut HashMap<ParamId, Moments>,
}

impl ModuleMapper for Update<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let require_grad = tensor.is_require_grad();
        let device = grad.device();
        let value = tensor.inner().to_device(&device);
        let shape = value.shape();
        let count = shape.num_elements();
        let saved = self.moments.remove(&id);
        let time = saved.as_ref().map_or(0, |m| m.time);
        let unflatten = |t: Tensor<1>| t.to_device(&device).reshape(shape.clone());
        let (updated, first, second) = match self.rule {
            Rule::Adam(adam) => {
                let state = saved.and_then(|m| {
                    let first = m.first?;
                    Some(AdamState::new(AdaptiveMomentumState::new(
                        m.time,
                        unflatten(first),
                        unflatten(m.second),
                    )))
                });
                let (updated, state) = adam.step(self.lr, value, grad, state);
                let m = state.expect("Adam always returns its state").momentum;
                (updated, Some(m.moment_1), m.moment_2)
            }
            Rule::RmsProp(rms_prop) => {
                // Without momentum or centring, the running mean of squares is the whole state.
                let state = saved.map(|m| {
                    let square_avg = unflatten(m.second);
                    RmsPropState::new(
                        SquareAvgState::new(square_avg.clone()),
                        CenteredState::new(None, square_avg),
                        None,
                    )
                });
                let (updated, state) = rms_prop.step(self.lr, value, grad, state);
                let square_avg = state
                    .expect("RMSProp always returns its state")
                    .square_avg
                    .square_avg;
                (updated, None, square_avg)
            }
        };
        self.moments.insert(
            id,
            Moments {
                time: time + 1,
                first: first.map(|t| t.reshape([count])),
                second: second.reshape([count]),
            },
        );
        let mut updated = Tensor::from_inner(updated);
        if require_grad {
            updated = updated.require_grad();
        }
        Param::from_mapped_value(id, updated, mapper)
    }
}

/// Little-endian reads that say what is missing instead of panicking.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.0.len() < n {
            return Err(format!("it ends {} bytes early", n - self.0.len()));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        let bytes = self.take(n.checked_mul(4).ok_or("a length overflows")?)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect())
    }
}

/// Reads the Adam state of a version 1–3 checkpoint (burn's burnpack optimiser record, keyed by
/// the parameter ids the networks' records keep) into [`ModuleAdam`]'s saved layout for
/// `module`, so older files still resume with their optimiser.
pub fn from_burn_record<M: Module>(module: &M, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let reader = burn_pack::Reader::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| e.to_string())?;
    let times: HashMap<String, u64> = reader
        .scalars()
        .iter()
        .filter_map(|(name, value)| Some((name.clone(), u64::try_from(*value).ok()?)))
        .collect();
    let mut tensors: HashMap<String, Vec<f32>> = HashMap::new();
    for tensor in reader.into_tensors().map_err(|e| e.to_string())? {
        let (name, dtype, shape, _, data) = tensor.into_parts().map_err(|e| e.to_string())?;
        let data = TensorData::from_bytes(data, shape, dtype);
        let values = data.iter::<f32>().collect();
        tensors.insert(name, values);
    }
    let order = visit_order(module);
    let mut out = Vec::new();
    out.extend((order.len() as u32).to_le_bytes());
    for (id, count) in order {
        let prefix = id.val().to_string();
        let moment = |leaf: &str| tensors.get(&format!("{prefix}.momentum.{leaf}"));
        match (
            times.get(&format!("{prefix}.momentum.time")),
            moment("moment_1"),
            moment("moment_2"),
        ) {
            (Some(time), Some(first), Some(second))
                if first.len() == count && second.len() == count =>
            {
                out.push(1);
                out.extend(time.to_le_bytes());
                out.extend((count as u64).to_le_bytes());
                for v in first.iter().chain(second) {
                    out.extend(v.to_le_bytes());
                }
            }
            _ => out.push(0),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedural::Procedural;
    use crate::{Gan, GanConfig, OptimizerKind};

    fn tiny() -> GanConfig {
        GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4)
    }

    #[test]
    fn the_saved_state_rebuilds_the_same_updates() {
        let device = Device::flex();
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        let mut gan = Gan::new(tiny(), &device).unwrap();
        assert!(gan.optim_g.is_fresh());
        for _ in 0..2 {
            gan.train_step(&mut data);
        }
        let bytes = pollster::block_on(gan.optim_d.save_async(&gan.discriminator)).unwrap();
        let mut copy = gan.clone();
        copy.optim_d = gan
            .optim_d
            .load(&gan.discriminator, &bytes, &device)
            .unwrap();
        let copy_of = |data: &crate::Dataset| {
            let mut copy = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
            copy.set_position(&data.position()).unwrap();
            copy
        };
        let mut data2 = copy_of(&data);
        let a = pollster::block_on(gan.discriminator_step(&mut data).read()).unwrap();
        let b = pollster::block_on(copy.discriminator_step(&mut data2).read()).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            gan.discriminator.output.weight.val().into_data(),
            copy.discriminator.output.weight.val().into_data(),
            "same moments, same update"
        );
        // A fresh Adam updates differently: the state mattered.
        let mut fresh = gan.clone();
        fresh.optim_d = gan.optim_d.load(&gan.discriminator, &[], &device).unwrap();
        fresh.discriminator_step(&mut copy_of(&data));
        gan.discriminator_step(&mut data);
        assert_ne!(
            gan.discriminator.output.weight.val().into_data(),
            fresh.discriminator.output.weight.val().into_data()
        );
    }

    #[test]
    fn rms_prop_trains_wgan_and_its_saved_state_resumes_the_same_updates() {
        let device = Device::flex();
        let config = tiny().with_loss_recipe(crate::LossKind::WganClip);
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        let mut gan = Gan::new(config, &device).unwrap();
        assert_eq!(gan.optim_d.kind(), OptimizerKind::RmsProp);
        for _ in 0..2 {
            let values = pollster::block_on(gan.train_step(&mut data).read()).unwrap();
            assert!(values.is_finite(), "{values:?}");
        }
        let bytes = gan.optim_d.save(&gan.discriminator);
        let copy_of = |data: &crate::Dataset| {
            let mut copy = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
            copy.set_position(&data.position()).unwrap();
            copy
        };
        let mut copy = gan.clone();
        copy.optim_d = gan
            .optim_d
            .load(&gan.discriminator, &bytes, &device)
            .unwrap();
        let mut fresh = gan.clone();
        fresh.optim_d = gan.optim_d.fresh();
        fresh.discriminator_step(&mut copy_of(&data));
        copy.discriminator_step(&mut copy_of(&data));
        gan.discriminator_step(&mut data);
        let weights = |g: &Gan| g.discriminator.output.weight.val().into_data();
        assert_eq!(weights(&gan), weights(&copy), "same state, same update");
        assert_ne!(
            weights(&gan),
            weights(&fresh),
            "the running mean of squares mattered"
        );
        // One moment a parameter, not Adam's two: the state is about half Adam's size.
        let adam = Gan::new(tiny(), &device).unwrap();
        let mut adam_data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        let mut adam = adam;
        adam.train_step(&mut adam_data);
        let adam_bytes = adam.optim_d.save(&adam.discriminator);
        assert!(
            bytes.len() * 10 < adam_bytes.len() * 6,
            "{} vs {}",
            bytes.len(),
            adam_bytes.len()
        );
        // Each rule refuses the other's state rather than misreading it.
        let refused = adam.optim_d.load(&adam.discriminator, &bytes, &device);
        assert!(refused.is_err_and(|e| e.contains("another optimiser")));
        assert!(
            gan.optim_d
                .load(&gan.discriminator, &adam_bytes, &device)
                .is_err()
        );
    }

    #[test]
    fn bad_state_is_refused_not_panicked_on() {
        let device = Device::flex();
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        let mut gan = Gan::new(tiny(), &device).unwrap();
        gan.train_step(&mut data);
        let bytes = pollster::block_on(gan.optim_g.save_async(&gan.generator)).unwrap();
        let load = |b: &[u8]| gan.optim_g.load(&gan.generator, b, &device);
        assert!(load(&bytes).is_ok());
        for cut in [1, 4, 5, 20, bytes.len() - 1] {
            assert!(load(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert!(load(&long).is_err());
        // Another architecture's state does not fit.
        let wider = Gan::new(tiny().with_generator_width(8), &device).unwrap();
        assert!(gan.optim_g.load(&wider.generator, &bytes, &device).is_err());
    }
}
