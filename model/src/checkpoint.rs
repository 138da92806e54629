//! Checkpoints: generator, discriminator, both optimisers, configuration and step count in one
//! self-checking byte string.
//!
//! Layout (little-endian): magic `GANPLAY\0` · format version u32 · CRC-32 of the rest u32 ·
//! step u64 · position of the latent-noise generator u128 · then length-prefixed (u64) sections:
//! configuration JSON, generator, discriminator (burnpack records), G optimiser, D optimiser
//! (Adam's moments in [`crate::optimizer`]'s layout; burnpack records up to version 3), from
//! version 2 the training data's position (JSON, empty when not saved), so that a resumed run
//! continues the same epoch with the same batches, from version 3 the averaged generator (a
//! record, empty without one), from version 4 the run's counters (JSON). From version 5 a
//! network's record may hold half-precision weights ([`save_half`], for the page's shipped
//! generators); they load as f32. Versions 1–4 still load, their Adam state included.

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};

use crate::ada::{Ada, AdaState};
use crate::config::GanConfig;
use crate::container::{self, Unsealed};
use crate::data::DataPosition;
use crate::discriminator::Discriminator;
use crate::generator::Generator;
use crate::optimizer::ModuleOptim;
use crate::snapshot::to_device_async;
use crate::training::Gan;

/// First bytes of every checkpoint.
pub const MAGIC: &[u8; 8] = b"GANPLAY\0";
/// Version of the layout written by this build.
pub const FORMAT_VERSION: u32 = 5;
/// Sections of each version: version 1 had no data position, version 2 no averaged generator,
/// version 3 no training counters (and burn's optimiser records).
const SECTIONS_V1: usize = 5;
const SECTIONS_V2: usize = 6;
const SECTIONS_V3: usize = 7;
const SECTIONS: usize = 8;

/// Where each section sits in a checkpoint's body, after the step and the noise's position
/// (older versions stop earlier: see `SECTIONS_V1`…).
mod section {
    /// The configuration, JSON.
    pub const CONFIG: usize = 0;
    /// The generator's record.
    pub const GENERATOR: usize = 1;
    /// The discriminator's record.
    pub const DISCRIMINATOR: usize = 2;
    /// G's optimiser state (empty: none saved).
    pub const OPTIM_G: usize = 3;
    /// D's optimiser state.
    pub const OPTIM_D: usize = 4;
    /// The data's position (version 2 on; empty: none saved).
    pub const DATA: usize = 5;
    /// The averaged generator's record (version 3 on; empty: no average).
    pub const EMA: usize = 6;
    /// The training counters (version 4 on).
    pub const STATE: usize = 7;
}

impl From<Unsealed> for CheckpointError {
    fn from(e: Unsealed) -> Self {
        match e {
            Unsealed::Foreign => CheckpointError::Foreign,
            Unsealed::Truncated(why) => CheckpointError::Truncated(why),
        }
    }
}

/// Why bytes are not a checkpoint this build can load.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckpointError {
    /// Shorter than the header, or a section runs past the end.
    #[error("the file is truncated ({0})")]
    Truncated(String),
    /// Does not start with the magic bytes.
    #[error("not a GAN Playground checkpoint")]
    Foreign,
    /// Written by another version of the layout.
    #[error(
        "checkpoint format version {found} is not supported (this page reads version {FORMAT_VERSION})"
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// The checksum does not match: the bytes were damaged.
    #[error("the checkpoint is damaged (checksum mismatch)")]
    Checksum,
    /// The configuration section is not a valid configuration.
    #[error("the checkpoint's configuration is invalid: {0}")]
    Config(String),
    /// A network's weights do not fit the configuration.
    #[error("the checkpoint's {part} does not match its configuration: {reason}")]
    Mismatch {
        /// Which part.
        part: &'static str,
        /// burn's reason.
        reason: String,
    },
    /// Serialising failed (should not happen for a live model).
    #[error("could not write the checkpoint: {0}")]
    Write(String),
}

/// Serialises the whole training state (reads tensors synchronously: native and CPU only),
/// with the training data's position where given.
pub fn save(gan: &Gan, data: Option<&DataPosition>) -> Result<Vec<u8>, CheckpointError> {
    // `valid()`, not `clone()`: a batch norm's latest running statistics wait in a per-thread
    // slot until synchronised, and recording reads only the synchronised value, so a clone's
    // record lagged the live model by one update (and differed from `save_async`'s).
    let generator = record_bytes(gan.generator.valid())?;
    let discriminator = record_bytes(gan.discriminator.valid())?;
    let optim_g = gan.optim_g.save(&gan.generator);
    let optim_d = gan.optim_d.save(&gan.discriminator);
    let ema = gan
        .ema
        .as_ref()
        .map(|ema| record_bytes(ema.valid()))
        .transpose()?;
    encode(
        gan,
        [
            &generator[..],
            &discriminator[..],
            &optim_g[..],
            &optim_d[..],
        ],
        ema.as_deref(),
        data,
        (false, gan.ada.as_ref().map(Ada::state)),
    )
}

/// Serialises the networks with half-precision (f16) weights and without Adam's state: half
/// the bytes, for the page's shipped generators (a visitor downloads them before the explorer
/// draws). Loading gives f32 networks again; an f16 weight is within 0.05 % of its f32 value,
/// which leaves the drawn images unchanged to the eye (see the tests). Native and CPU only,
/// like [`save`].
pub fn save_half(gan: &Gan, data: Option<&DataPosition>) -> Result<Vec<u8>, CheckpointError> {
    let ema = gan.ema.clone();
    half_file(gan, gan.generator.clone().valid(), ema, data, false)
}

/// A pretrained generator for the page ([`save_half`]): the averaged generator, where there is
/// one, in the generator's place (no separate average), its batch-norm statistics already those
/// of the batch `z` (the page's fixed grid z, which the explorer would otherwise compute at
/// every load): the explorer draws with it as it is ([`is_calibrated`]). No discriminator: the
/// explorer never uses it, and without it a width-64 generator fits the 2 MB a visitor should
/// fetch (1.8 MB; with D 3.2 MB). Training resumed from it starts from that average with a fresh
/// discriminator.
pub fn save_shipped(
    gan: &Gan,
    data: Option<&DataPosition>,
    z: &[Vec<f32>],
) -> Result<Vec<u8>, CheckpointError> {
    let generator = gan.inference_generator();
    let plain = gan.device().clone().without_autodiff();
    let latent = gan.config.latent_size;
    let z = burn::tensor::Tensor::<2>::from_data(
        burn::tensor::TensorData::new(z.concat(), [z.len(), latent]),
        &plain,
    ); // [batch, latent]
    half_file(gan, generator.calibrated(z), None, data, true)
}

/// Whether the file's generator was calibrated when it was written ([`save_shipped`]).
pub fn is_calibrated(bytes: &[u8]) -> Result<bool, CheckpointError> {
    Ok(Sections::parse(bytes)?.state()?.calibrated)
}

/// `gan`'s file in half precision with `generator` and `ema` as its generators; a calibrated
/// (shipped) file leaves the discriminator out.
fn half_file(
    gan: &Gan,
    generator: Generator,
    ema: Option<Generator>,
    data: Option<&DataPosition>,
    calibrated: bool,
) -> Result<Vec<u8>, CheckpointError> {
    let generator = record_bytes(generator.map(&mut ToHalf))?;
    let discriminator = if calibrated {
        Vec::new()
    } else {
        record_bytes(gan.discriminator.clone().valid().map(&mut ToHalf))?
    };
    let ema = ema
        .map(|ema| record_bytes(ema.valid().map(&mut ToHalf)))
        .transpose()?;
    let no_adam = Vec::new();
    encode(
        gan,
        [&generator[..], &discriminator[..], &no_adam, &no_adam],
        ema.as_deref(),
        data,
        (calibrated, gan.ada.as_ref().map(Ada::state)),
    )
}

/// Casts every float parameter (weights, biases, batch-norm scales and running statistics)
/// to f16.
struct ToHalf;

impl burn::module::ModuleMapper for ToHalf {
    fn map_float<const D: usize>(
        &mut self,
        param: burn::module::Param<burn::tensor::Tensor<D>>,
    ) -> burn::module::Param<burn::tensor::Tensor<D>> {
        param.map(|t| t.cast(burn::tensor::FloatDType::F16))
    }
}

/// Serialises the whole training state, Adam's moments included, with asynchronous reads
/// only, as WebGPU requires.
pub async fn save_async(
    gan: &Gan,
    data: Option<&DataPosition>,
) -> Result<Vec<u8>, CheckpointError> {
    let cpu = Device::flex();
    let read = |e: burn::tensor::ExecutionError| CheckpointError::Write(e.to_string());
    let generator = to_device_async(&gan.generator, &cpu).await.map_err(read)?;
    let discriminator = to_device_async(&gan.discriminator, &cpu)
        .await
        .map_err(read)?;
    let optim_g = gan.optim_g.save_async(&gan.generator).await.map_err(read)?;
    let optim_d = gan
        .optim_d
        .save_async(&gan.discriminator)
        .await
        .map_err(read)?;
    let ema = match &gan.ema {
        Some(ema) => Some(record_bytes(
            to_device_async(ema, &cpu).await.map_err(read)?,
        )?),
        None => None,
    };
    let ada = match &gan.ada {
        Some(ada) => Some(ada.state_async().await.map_err(read)?),
        None => None,
    };
    encode(
        gan,
        [
            &record_bytes(generator)?[..],
            &record_bytes(discriminator)?[..],
            &optim_g[..],
            &optim_d[..],
        ],
        ema.as_deref(),
        data,
        (false, ada),
    )
}

fn write_error(e: burn::store::RecordError) -> CheckpointError {
    CheckpointError::Write(e.to_string())
}

fn record_bytes<M: Module>(module: M) -> Result<Vec<u8>, CheckpointError> {
    Ok(module
        .into_record()
        .into_bytes()
        .map_err(write_error)?
        .to_vec())
}

/// The file from its records: `[generator, discriminator, G optimiser, D optimiser]`, the
/// averaged generator, the data's position, whether the generator is calibrated and adaptive
/// augmentation's state (read by the caller: synchronously or not).
fn encode(
    gan: &Gan,
    records: [&[u8]; 4],
    ema: Option<&[u8]>,
    data: Option<&DataPosition>,
    (calibrated, ada): (bool, Option<AdaState>),
) -> Result<Vec<u8>, CheckpointError> {
    let [generator, discriminator, optim_g, optim_d] = records;
    let json =
        |r: serde_json::Result<Vec<u8>>| r.map_err(|e| CheckpointError::Write(e.to_string()));
    let config = json(serde_json::to_vec(&gan.config))?;
    let data = data
        .map(|d| json(serde_json::to_vec(d)))
        .transpose()?
        .unwrap_or_default();
    let state = json(serde_json::to_vec(&TrainingState {
        ema_updates: gan.ema_updates,
        calibrated,
        ada,
    }))?;
    let mut body = Vec::new();
    body.extend(gan.step.to_le_bytes());
    body.extend(gan.noise_position().to_le_bytes());
    for section in [
        &config[..],
        generator,
        discriminator,
        optim_g,
        optim_d,
        &data,
        ema.unwrap_or_default(),
        &state,
    ] {
        container::write(&mut body, section);
    }
    Ok(container::seal(MAGIC, FORMAT_VERSION, &body))
}

/// The training data's position saved with the checkpoint, if any (none in version 1 files and
/// in checkpoints saved without it).
pub fn data_position(bytes: &[u8]) -> Result<Option<DataPosition>, CheckpointError> {
    Sections::parse(bytes)?.data_position()
}

/// [`load`] and [`data_position`] from one reading of the file: what resuming a run needs.
pub fn load_run(
    bytes: &[u8],
    device: &Device,
) -> Result<(Gan, Option<DataPosition>), CheckpointError> {
    let sections = Sections::parse(bytes)?;
    let position = sections.data_position()?;
    Ok((load_sections(&sections, device)?, position))
}

/// Reads the configuration and step count without building the networks.
pub fn peek(bytes: &[u8]) -> Result<(GanConfig, u64), CheckpointError> {
    let sections = Sections::parse(bytes)?;
    Ok((sections.config()?, sections.step))
}

/// The generator alone, for exploring a trained model's latent space: its configuration, step
/// and network on `device` — the averaged generator where the file has one (the discriminator
/// and optimiser sections are checked, not loaded).
pub fn load_generator(
    bytes: &[u8],
    device: &Device,
) -> Result<(GanConfig, u64, Generator), CheckpointError> {
    let sections = Sections::parse(bytes)?;
    let config = sections.config()?;
    let device = device.clone().without_autodiff();
    let mismatch = |e: burn::store::RecordError| CheckpointError::Mismatch {
        part: "generator",
        reason: e.to_string(),
    };
    // The averaged generator where there is one: the one samples are drawn with.
    let part = match sections.parts.get(section::EMA) {
        Some(ema) if !ema.is_empty() => ema,
        _ => &sections.parts[section::GENERATOR],
    };
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(part.to_vec()))
        .map_err(mismatch)?
        .cast_to_module_dtype();
    let generator = Generator::new(&config, &device)
        .try_load_record(record)
        .map_err(mismatch)?;
    Ok((config, sections.step, generator))
}

/// Rebuilds the training state on `device`, Adam's moments included where the checkpoint has
/// them (on that device, so a WebGPU run resumes exactly as a CPU one). Never panics on bad
/// bytes: every check that can fail runs before burn sees the records.
pub fn load(bytes: &[u8], device: &Device) -> Result<Gan, CheckpointError> {
    load_sections(&Sections::parse(bytes)?, device)
}

/// [`load`] from a file already read and checked.
fn load_sections(sections: &Sections, device: &Device) -> Result<Gan, CheckpointError> {
    let config = sections.config()?;
    // Records load into plain tensors; `Gan::from_parts` moves them onto the autodiff device
    // as fresh leaves.
    let plain = device.clone().without_autodiff();
    let mismatch = |part| {
        move |e: burn::store::RecordError| CheckpointError::Mismatch {
            part,
            reason: e.to_string(),
        }
    };
    // f16 records (shipped files) become the f32 networks training needs.
    let record = |b: &[u8]| {
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(b.to_vec()))
            .map(ModuleRecord::cast_to_module_dtype)
    };
    let generator = Generator::new(&config, &plain)
        .try_load_record(record(sections.parts[section::GENERATOR]).map_err(mismatch("generator"))?)
        .map_err(mismatch("generator"))?;
    // A shipped generator has no discriminator: a run resumed from it starts D afresh.
    let discriminator = match sections.parts[section::DISCRIMINATOR] {
        [] => Gan::initial_discriminator(&config, &plain),
        bytes => Discriminator::new(&config, &plain)
            .try_load_record(record(bytes).map_err(mismatch("discriminator"))?)
            .map_err(mismatch("discriminator"))?,
    };
    let mut gan = Gan::from_parts(config, generator, discriminator, device);
    // Empty optimiser sections (a checkpoint saved without them) leave Adam fresh; versions
    // 1–3 hold burn's optimiser records.
    let older = sections.version < 4;
    gan.optim_g = optimizer_state(
        &gan.optim_g,
        &gan.generator,
        (sections.parts[section::OPTIM_G], older),
        &plain,
        "generator optimiser",
    )?;
    gan.optim_d = optimizer_state(
        &gan.optim_d,
        &gan.discriminator,
        (sections.parts[section::OPTIM_D], older),
        &plain,
        "discriminator optimiser",
    )?;
    if let Some(part) = sections.parts.get(section::EMA).filter(|p| !p.is_empty()) {
        let ema = Generator::new(&gan.config, &plain)
            .try_load_record(record(part).map_err(mismatch("averaged generator"))?)
            .map_err(mismatch("averaged generator"))?;
        gan.set_ema(ema);
    }
    if sections.version < 4 && gan.ema.is_some() {
        // Older files did not count the average's updates: one per step.
        gan.ema_updates = sections.step;
    }
    if sections
        .parts
        .get(section::STATE)
        .is_some_and(|p| !p.is_empty())
    {
        let state = sections.state()?;
        gan.ema_updates = state.ema_updates;
        if let (Some(saved), true) = (state.ada, gan.ada.is_some()) {
            gan.ada = Some(Ada::from_state(&saved, &gan.device().clone()));
        }
    }
    gan.step = sections.step;
    gan.set_noise_position(sections.noise);
    Ok(gan)
}

/// Counters of the run that are neither weights nor configuration (version 4 on).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct TrainingState {
    /// Updates the averaged generator has had (its warm-up).
    #[serde(default)]
    ema_updates: u64,
    /// The generator's batch-norm statistics are those of the page's fixed grid z (version 5,
    /// shipped files).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    calibrated: bool,
    /// Adaptive augmentation's state, when it is on (files from before it: p = 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ada: Option<AdaState>,
}

/// `optim` with the state saved for `network` in `saved`: (section, written by version 1–3,
/// which hold burn's optimiser records).
fn optimizer_state<M: Module>(
    optim: &ModuleOptim,
    network: &M,
    (bytes, older): (&[u8], bool),
    device: &Device,
    part: &'static str,
) -> Result<ModuleOptim, CheckpointError> {
    let converted = if older && !bytes.is_empty() {
        crate::optimizer::from_burn_record(network, bytes)
    } else {
        Ok(bytes.to_vec())
    };
    converted
        .and_then(|bytes| optim.load(network, &bytes, device))
        .map_err(|reason| CheckpointError::Mismatch { part, reason })
}

/// The checked sections of a checkpoint.
struct Sections<'a> {
    version: u32,
    step: u64,
    noise: u128,
    /// The sections of its version (see `SECTIONS_V1` …).
    parts: Vec<&'a [u8]>,
}

impl<'a> Sections<'a> {
    /// The training data's position, if the file has one.
    fn data_position(&self) -> Result<Option<DataPosition>, CheckpointError> {
        match self.parts.get(section::DATA) {
            Some(part) if !part.is_empty() => serde_json::from_slice(part)
                .map(Some)
                .map_err(|e| CheckpointError::Config(format!("data position: {e}"))),
            _ => Ok(None),
        }
    }

    fn parse(bytes: &'a [u8]) -> Result<Self, CheckpointError> {
        // The step (u64) and the noise's position (u128) come before the sections.
        let sealed = container::unseal(bytes, MAGIC, 24)?;
        let found = sealed.version;
        let count = match found {
            1 => SECTIONS_V1,
            2 => SECTIONS_V2,
            3 => SECTIONS_V3,
            // Version 4's layout is version 5's; its records are all f32.
            4 | FORMAT_VERSION => SECTIONS,
            _ => return Err(CheckpointError::Version { found }),
        };
        let body = sealed.body;
        let step = u64::from_le_bytes(body[..8].try_into().expect("8 bytes"));
        let noise = u128::from_le_bytes(body[8..24].try_into().expect("16 bytes"));
        let parts = container::read(&body[24..], count).map_err(CheckpointError::Truncated)?;
        // The checksum last: a cut file reports itself as truncated, not as damaged.
        if !sealed.intact() {
            return Err(CheckpointError::Checksum);
        }
        Ok(Self {
            version: found,
            step,
            noise,
            parts,
        })
    }

    /// The run's counters (defaults where the file has none).
    fn state(&self) -> Result<TrainingState, CheckpointError> {
        match self.parts.get(section::STATE) {
            Some(part) if !part.is_empty() => serde_json::from_slice(part)
                .map_err(|e| CheckpointError::Config(format!("training state: {e}"))),
            _ => Ok(TrainingState::default()),
        }
    }

    fn config(&self) -> Result<GanConfig, CheckpointError> {
        let config =
            GanConfig::from_json(self.parts[section::CONFIG]).map_err(CheckpointError::Config)?;
        config
            .validate()
            .map_err(|e| CheckpointError::Config(e.to_string()))?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedural::Procedural;
    use burn::tensor::Tensor;
    use rand::{Rng, SeedableRng};

    /// Each value of `a` within `relative` of `b`'s (and the same ones present).
    fn assert_close(a: crate::StepValues, b: crate::StepValues, relative: f32) {
        let pairs = [
            (a.d_loss, b.d_loss),
            (a.g_loss, b.g_loss),
            (a.d_real, b.d_real),
            (a.d_fake, b.d_fake),
            (a.d_grad_norm, b.d_grad_norm),
            (a.g_grad_norm, b.g_grad_norm),
        ];
        for (x, y) in pairs {
            match (x, y) {
                (Some(x), Some(y)) => assert!(
                    (x - y).abs() <= relative * y.abs().max(1e-6),
                    "{a:?} vs {b:?}"
                ),
                (None, None) => {}
                _ => panic!("{a:?} vs {b:?}"),
            }
        }
    }

    fn trained() -> (Gan, crate::data::Dataset) {
        let device = Device::flex();
        let config = GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4);
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        let mut gan = Gan::new(config, &device).unwrap();
        for _ in 0..2 {
            gan.train_step(&mut data);
        }
        (gan, data)
    }

    /// Every float tensor of a module (parameters and batch-norm statistics), in visit order.
    fn floats<M: Module>(module: &M) -> Vec<burn::tensor::TensorData> {
        struct Collect(Vec<burn::tensor::TensorData>);
        impl burn::module::ModuleVisitor for Collect {
            fn visit_float<const D: usize>(
                &mut self,
                param: &burn::module::Param<burn::tensor::Tensor<D>>,
            ) {
                self.0.push(param.val().into_data());
            }
        }
        let mut collect = Collect(Vec::new());
        module.visit(&mut collect);
        collect.0
    }

    #[test]
    fn save_load_is_exact_and_training_continues_identically() {
        let (mut gan, _) = trained();
        let bytes = save(&gan, None).unwrap();
        let mut back = load(&bytes, &Device::flex()).unwrap();
        assert_eq!(back.config, gan.config);
        assert_eq!(back.step, 2);
        assert!(
            floats(&back.generator) == floats(&gan.generator),
            "same generator"
        );
        assert!(
            floats(&back.discriminator) == floats(&gan.discriminator),
            "same discriminator"
        );
        // Same weights and optimiser state: the next step gives the same result.
        let device = Device::flex();
        let mut d1 = Procedural::Stripes.dataset(8, 3, 32, &device, 3);
        let mut d2 = Procedural::Stripes.dataset(8, 3, 32, &device, 3);
        let a = pollster::block_on(gan.generator_step().read()).unwrap();
        let b = pollster::block_on(back.generator_step().read()).unwrap();
        assert_eq!(a, b);
        gan.discriminator_step(&mut d1);
        back.discriminator_step(&mut d2);
        assert_eq!(
            gan.discriminator.output.weight.val().into_data(),
            back.discriminator.output.weight.val().into_data()
        );
        assert_eq!(peek(&bytes).unwrap(), (gan.config.clone(), 2));
    }

    /// `bytes` rewritten as a file of `version` with only its first `count` sections.
    fn as_version(bytes: &[u8], version: u32, count: usize) -> Vec<u8> {
        let sections = Sections::parse(bytes).unwrap();
        let parts: Vec<Vec<u8>> = sections.parts[..count].iter().map(|p| p.to_vec()).collect();
        encoded(version, sections.step, sections.noise, &parts)
    }

    /// A file of `version` with these sections.
    fn encoded(version: u32, step: u64, noise: u128, parts: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(step.to_le_bytes());
        body.extend(noise.to_le_bytes());
        for part in parts {
            container::write(&mut body, part);
        }
        container::seal(MAGIC, version, &body)
    }

    #[test]
    fn the_data_position_round_trips_and_older_files_still_load() {
        let (gan, mut data) = trained();
        data.next_batch(3);
        let position = data.position();
        let bytes = save(&gan, Some(&position)).unwrap();
        assert_eq!(data_position(&bytes).unwrap(), Some(position));
        assert_eq!(data_position(&save(&gan, None).unwrap()).unwrap(), None);

        // A version 3 file written by the previous build (burn's optimiser records, no
        // counters): it resumes exactly, Adam's state included. The fixture's next step was
        // recorded by that build.
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
        let v3 = std::fs::read(format!("{fixtures}checkpoint-v3.gan")).unwrap();
        let expected: crate::StepValues = serde_json::from_slice(
            &std::fs::read(format!("{fixtures}checkpoint-v3-next.json")).unwrap(),
        )
        .unwrap();
        let device = Device::flex();
        let resume = |bytes: &[u8]| {
            let mut gan = load(bytes, &device).unwrap();
            let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
            data.set_position(&data_position(bytes).unwrap().unwrap())
                .unwrap();
            (
                gan.step,
                pollster::block_on(gan.train_step(&mut data).read()).unwrap(),
            )
        };
        // The fixture was recorded on another machine: its GEMM kernels may sum in another order
        // (AVX-512 or AVX2, chosen at run time), so its values agree to a stated tolerance, not
        // to the bit; a lost optimiser state moves them by far more (below).
        let (step, values) = resume(&v3);
        assert_eq!(step, 3);
        assert_close(values, expected, 1e-4);
        // Saved again by this build (version 4): the same next step, bit for bit on this machine.
        let again = save(
            &load(&v3, &device).unwrap(),
            data_position(&v3).unwrap().as_ref(),
        )
        .unwrap();
        assert_eq!(resume(&again), (3, values));
        // Without the optimiser the next step differs: the state was really restored.
        let mut fresh = load(&v3, &device).unwrap();
        fresh.optim_d = fresh
            .optim_d
            .load(&fresh.discriminator, &[], &device)
            .unwrap();
        fresh.optim_g = fresh.optim_g.load(&fresh.generator, &[], &device).unwrap();
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        data.set_position(&data_position(&v3).unwrap().unwrap())
            .unwrap();
        fresh.train_step(&mut data);
        let mut exact = load(&v3, &device).unwrap();
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        data.set_position(&data_position(&v3).unwrap().unwrap())
            .unwrap();
        exact.train_step(&mut data);
        assert_ne!(
            floats(&fresh.generator),
            floats(&exact.generator),
            "Adam's state changes the update"
        );

        // Versions 1 and 2: the same layout without the last sections.
        for (version, count) in [(1u32, 5), (2, 6)] {
            let old = as_version(&v3, version, count);
            let back = load(&old, &device).unwrap();
            assert_eq!(back.step, 3);
            assert_eq!(data_position(&old).unwrap().is_some(), version == 2);
        }
    }

    #[test]
    fn the_averaged_generator_round_trips_and_older_files_have_none() {
        let (gan, _) = trained();
        let ema = gan.ema.as_ref().expect("on by default");
        let back = load(&save(&gan, None).unwrap(), &Device::flex()).unwrap();
        assert!(floats(back.ema.as_ref().unwrap()) == floats(ema));
        let async_bytes = pollster::block_on(save_async(&gan, None)).unwrap();
        let back = load(&async_bytes, &Device::flex()).unwrap();
        assert!(floats(back.ema.as_ref().unwrap()) == floats(ema));
        // A file from before the average (version 2, its configuration without `ema_beta` and
        // `augment`): it loads without one, as it trained.
        let bytes = save(&gan, None).unwrap();
        let sections = Sections::parse(&bytes).unwrap();
        let mut config: serde_json::Value = serde_json::from_slice(sections.parts[0]).unwrap();
        let fields = config.as_object_mut().unwrap();
        fields.remove("ema_beta");
        fields.remove("augment");
        let mut parts: Vec<Vec<u8>> = sections.parts[..6].iter().map(|p| p.to_vec()).collect();
        parts[0] = serde_json::to_vec(&config).unwrap();
        // Without Adam's state, as the shipped generators were (version 2 held burn's records).
        (parts[3], parts[4]) = (Vec::new(), Vec::new());
        let old = encoded(2, sections.step, sections.noise, &parts);
        let (config, _) = peek(&old).unwrap();
        assert_eq!((config.ema_beta, config.augment), (0.0, 0.0));
        assert_eq!(config.ada_target, 0.0, "nor adaptive augmentation");
        let loaded = load(&old, &Device::flex()).unwrap();
        assert!(loaded.ema.is_none() && loaded.ada.is_none());
    }

    #[test]
    fn the_generator_alone_loads_and_samples_like_the_whole_model() {
        let (gan, _) = trained();
        let bytes = pollster::block_on(save_async(&gan, None)).unwrap();
        let (config, step, generator) = load_generator(&bytes, &Device::flex()).unwrap();
        assert_eq!((config, step), (gan.config.clone(), 2));
        // The averaged generator, where the file has one: what samples draw with.
        let (ours, theirs) = (floats(&generator), floats(&gan.inference_generator()));
        assert_eq!(ours.len(), theirs.len());
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(a.shape(), b.shape(), "tensor {i}");
            a.assert_approx_eq::<f32>(b, burn::tensor::Tolerance::absolute(0.0));
        }
        let z = crate::latent::seeded_normal(4, 2, gan.config.latent_size);
        let flat = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(z.concat(), [2, gan.config.latent_size]),
            &Device::flex(),
        );
        assert_eq!(
            generator.forward(flat).into_data(),
            gan.sample(&z).into_data()
        );
        // A corrupted file is refused before burn sees it.
        let mut bad = bytes.clone();
        bad[40] ^= 0xff;
        assert!(load_generator(&bad, &Device::flex()).is_err());
    }

    #[test]
    fn a_half_precision_file_is_about_half_the_size_and_draws_the_same_images() {
        let (gan, _) = trained();
        let mut light = gan.clone();
        (light.optim_g, light.optim_d) = (gan.optim_g.fresh(), gan.optim_d.fresh());
        let full = save(&light, None).unwrap();
        let half = save_half(&gan, None).unwrap();
        // Names, shapes and the configuration are a larger share of this tiny model's file
        // than of the page's (0.50 there).
        let ratio = half.len() as f64 / full.len() as f64;
        assert!(
            (0.45..0.65).contains(&ratio),
            "{} of {} bytes",
            half.len(),
            full.len()
        );
        // Every network comes back as f32, each weight within f16's rounding of the original
        // (relative 2^-11, or 2^-24 absolute for the tiniest, subnormal in f16).
        let back = load(&half, &Device::flex()).unwrap();
        let pairs = [
            (floats(&back.generator), floats(&gan.generator)),
            (floats(&back.discriminator), floats(&gan.discriminator)),
            (
                floats(back.ema.as_ref().unwrap()),
                floats(gan.ema.as_ref().unwrap()),
            ),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.len(), theirs.len());
            for (a, b) in ours.iter().zip(&theirs) {
                assert_eq!(a.dtype(), burn::tensor::DType::F32);
                a.assert_approx_eq::<f32>(b, burn::tensor::Tolerance::rel_abs(5e-4, 6e-8));
            }
        }
        // The explorer's images: within 1/100 of the [-1, 1] range of the f32 file's.
        let (_, _, generator) = load_generator(&half, &Device::flex()).unwrap();
        let z = crate::latent::seeded_normal(9, 8, gan.config.latent_size);
        let flat = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(z.concat(), [8, gan.config.latent_size]),
            &Device::flex(),
        );
        let drawn = generator.forward(flat).into_data();
        drawn.assert_approx_eq::<f32>(
            &gan.sample(&z).into_data(),
            burn::tensor::Tolerance::absolute(0.01),
        );
        // And training resumes from it, Adam fresh.
        assert!(back.optim_g.is_fresh() && back.step == gan.step);
    }

    #[test]
    fn a_shipped_file_draws_as_its_generator_calibrated_on_the_grid_z() {
        let (gan, _) = trained();
        let latent = gan.config.latent_size;
        let grid_z = crate::latent::seeded_normal(1, 16, latent);
        let shipped = save_shipped(&gan, None, &grid_z).unwrap();
        assert!(is_calibrated(&shipped).unwrap());
        assert!(!is_calibrated(&save_half(&gan, None).unwrap()).unwrap());
        assert!(!is_calibrated(&save(&gan, None).unwrap()).unwrap());
        // Without the discriminator (the explorer's file), yet a run can start from it.
        assert!(Sections::parse(&shipped).unwrap().parts[section::DISCRIMINATOR].is_empty());
        let resumed = load(&shipped, &Device::flex()).unwrap();
        assert_eq!(resumed.step, gan.step);
        let fresh = Gan::initial_discriminator(&gan.config, &Device::flex());
        assert!(
            floats(&resumed.discriminator) == floats(&fresh),
            "D starts afresh"
        );
        // Drawn as it is, it draws what the generator calibrated on those z would.
        let (_, _, generator) = load_generator(&shipped, &Device::flex()).unwrap();
        let flat = |z: &[Vec<f32>]| {
            Tensor::<2>::from_data(
                burn::tensor::TensorData::new(z.concat(), [z.len(), latent]),
                &Device::flex(),
            )
        };
        // The average (this run has one) in the generator's place.
        let calibrated = gan.inference_generator().calibrated(flat(&grid_z));
        let other_z = crate::latent::seeded_normal(7, 4, latent);
        generator
            .forward(flat(&other_z))
            .into_data()
            .assert_approx_eq::<f32>(
                &calibrated.forward(flat(&other_z)).into_data(),
                burn::tensor::Tolerance::absolute(0.01),
            );
    }

    #[test]
    fn a_wgan_run_resumes_with_its_rms_prop_state() {
        let device = Device::flex();
        let config = GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4)
            .with_loss_recipe(crate::LossKind::WganClip);
        let mut gan = Gan::new(config, &device).unwrap();
        let mut data = Procedural::Stripes.dataset(8, 3, 32, &device, 0);
        gan.train_step(&mut data);
        let bytes = pollster::block_on(save_async(&gan, None)).unwrap();
        let mut back = load(&bytes, &device).unwrap();
        assert_eq!(back.config.optimizer, crate::OptimizerKind::RmsProp);
        assert!(!back.optim_d.is_fresh() && back.optim_d.kind() == crate::OptimizerKind::RmsProp);
        let mut d1 = Procedural::Stripes.dataset(8, 3, 32, &device, 3);
        let mut d2 = Procedural::Stripes.dataset(8, 3, 32, &device, 3);
        let a = pollster::block_on(gan.train_step(&mut d1).read()).unwrap();
        let b = pollster::block_on(back.train_step(&mut d2).read()).unwrap();
        assert_eq!(a, b, "the same next step");
    }

    #[test]
    fn async_save_writes_the_same_bytes_with_adam_and_the_counters() {
        // Either first: the first to read the batch norms' running statistics must not leave the
        // other an older value (a synchronous save first once wrote the statistics of one
        // update before).
        let (gan, _) = trained();
        let first = save(&gan, None).unwrap();
        let bytes = pollster::block_on(save_async(&gan, None)).unwrap();
        assert!(bytes == first, "same file either way");
        let (gan, _) = trained();
        let bytes = pollster::block_on(save_async(&gan, None)).unwrap();
        assert!(bytes == save(&gan, None).unwrap(), "same file either way");
        let back = load(&bytes, &Device::flex()).unwrap();
        assert!(!back.optim_g.is_fresh() && !back.optim_d.is_fresh());
        assert_eq!(back.ema_updates, gan.ema_updates);
        assert_eq!(back.ema_updates, 2);
    }

    #[test]
    fn malformed_bytes_are_refused() {
        let (gan, _) = trained();
        let bytes = save(&gan, None).unwrap();
        let device = Device::flex();
        let err = |b: &[u8]| load(b, &device).err().expect("must fail");
        assert_eq!(err(b""), CheckpointError::Truncated("0 bytes".into()));
        assert_eq!(err(b"PK\x03\x04 a zip file"), CheckpointError::Foreign);
        assert!(matches!(
            err(&bytes[..bytes.len() - 1]),
            CheckpointError::Truncated(_)
        ));
        assert!(matches!(err(&bytes[..30]), CheckpointError::Truncated(_)));
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert_eq!(err(&newer), CheckpointError::Version { found: 9 });
        // A flipped bit inside a section (the middle of the file is the generator's weights).
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 1;
        assert_eq!(err(&flipped), CheckpointError::Checksum);
    }

    #[test]
    fn mismatched_weights_are_refused() {
        // A checkpoint whose configuration says width 8 but whose records hold width 4.
        let (gan, _) = trained();
        let mut wider = gan.config.clone();
        wider.generator_width = 8;
        let bytes = save(&gan, None).unwrap();
        let sections = Sections::parse(&bytes).unwrap();
        let config = serde_json::to_vec(&wider).unwrap();
        let mut body = Vec::new();
        body.extend(sections.step.to_le_bytes());
        body.extend(sections.noise.to_le_bytes());
        for part in [
            &config[..],
            sections.parts[1],
            sections.parts[2],
            sections.parts[3],
            sections.parts[4],
            sections.parts[5],
            sections.parts[6],
            sections.parts[7],
        ] {
            container::write(&mut body, part);
        }
        let forged = container::seal(MAGIC, FORMAT_VERSION, &body);
        let err = load(&forged, &Device::flex()).err().unwrap();
        assert!(
            matches!(
                err,
                CheckpointError::Mismatch {
                    part: "generator",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn random_corruptions_never_panic() {
        let (gan, _) = trained();
        let bytes = save(&gan, None).unwrap();
        let device = Device::flex();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for i in 0..200 {
            let mut b = bytes.clone();
            match i % 4 {
                0 => {
                    let at = rng.random_range(0..b.len());
                    b[at] = rng.random();
                }
                1 => b.truncate(rng.random_range(0..b.len())),
                2 => {
                    let at = rng.random_range(0..b.len());
                    b.insert(at, rng.random());
                }
                _ => {
                    let at = rng.random_range(container::HEADER..b.len());
                    let len = rng.random_range(1..64).min(b.len() - at);
                    b[at..at + len].iter_mut().for_each(|x| *x = rng.random());
                }
            }
            if b != bytes {
                assert!(load(&b, &device).is_err(), "corruption {i} was accepted");
            }
        }
    }
}
