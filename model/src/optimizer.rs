//! Adam over a whole module, with its state where an asynchronous read can reach it.
//!
//! burn's `ModuleOptimizer` keeps Adam's moments private and serialises them with synchronous
//! reads, which WebGPU in a browser cannot do: a checkpoint from WebGPU had to drop them, so a
//! resumed run was not the same run. [`ModuleAdam`] keeps burn's own update
//! ([`burn::optim::Adam`]'s `Optimizer::step`, so the arithmetic is burn's) and only owns where
//! the moments live: flattened, by parameter, so one asynchronous read takes them all and they
//! can be rebuilt on any device.
//!
//! Saved layout (little-endian): parameter count u32, then for each float tensor of the module
//! in visit order: 0u8 (no state: batch-norm statistics, or never updated) or 1u8 · Adam's time
//! u64 · element count u64 · first moments (f32 ×count) · second moments (f32 ×count).

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::{
    Adam, AdamConfig, AdamState, AdaptiveMomentumState, GradientsParams, LearningRate, Optimizer,
};
use burn::tensor::{Device, ExecutionError, Tensor, TensorData};

/// One parameter's Adam state, flattened.
#[derive(Clone)]
struct Moments {
    /// Updates so far (Adam's bias correction).
    time: usize,
    /// First moments, `[count]`.
    first: Tensor<1>,
    /// Second moments, `[count]`.
    second: Tensor<1>,
}

/// Adam over every parameter of one module (see the module's documentation). Cloning is cheap
/// (tensor handles).
#[derive(Clone)]
pub struct ModuleAdam {
    adam: Adam,
    moments: HashMap<ParamId, Moments>,
}

impl ModuleAdam {
    /// Adam with these betas and ε (no weight decay, as in DCGAN).
    pub fn new(beta_1: f32, beta_2: f32, epsilon: f32) -> Self {
        let adam = AdamConfig::new()
            .with_beta_1(beta_1)
            .with_beta_2(beta_2)
            .with_epsilon(epsilon)
            .build();
        Self {
            adam,
            moments: HashMap::new(),
        }
    }

    /// The same Adam without state, as before the first update.
    pub fn fresh(&self) -> Self {
        Self {
            adam: self.adam.clone(),
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
            adam: &self.adam,
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

    /// The module's tensors in visit order, and every moment present in one tensor (first and
    /// second of each parameter in turn).
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
        let device = first.first.device();
        let all = present
            .iter()
            .flat_map(|m| [m.first.clone(), m.second.clone()])
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
            let count = m.first.shape().num_elements();
            out.push(1);
            out.extend((m.time as u64).to_le_bytes());
            out.extend((count as u64).to_le_bytes());
            for v in &values[offset..offset + 2 * count] {
                out.extend(v.to_le_bytes());
            }
            offset += 2 * count;
        }
        out
    }

    /// Rebuilds a saved state for `module` (which must have the saved one's architecture) on
    /// `device`. An empty `bytes` is a fresh Adam.
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
            if reader.u8()? == 0 {
                continue;
            }
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
            let first = tensor(&mut reader)?;
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
                    first: m.first.clone().to_device(&device),
                    second: m.second.clone().to_device(&device),
                };
                (*id, moved)
            })
            .collect();
        Self {
            adam: self.adam.clone(),
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

/// Applies burn's Adam update to each parameter with a gradient.
struct Update<'a> {
    adam: &'a Adam,
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
        let state = self.moments.remove(&id).map(|m| {
            let unflatten = |t: Tensor<1>| t.to_device(&device).reshape(shape.clone());
            AdamState::new(AdaptiveMomentumState::new(
                m.time,
                unflatten(m.first),
                unflatten(m.second),
            ))
        });
        let (updated, state) = self.adam.step(self.lr, value, grad, state);
        if let Some(state) = state {
            let m = state.momentum;
            self.moments.insert(
                id,
                Moments {
                    time: m.time,
                    first: m.moment_1.reshape([count]),
                    second: m.moment_2.reshape([count]),
                },
            );
        }
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
    use crate::{Gan, GanConfig};

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
