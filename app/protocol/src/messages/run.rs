//! The run as the worker reports it: the device, the model it installed and why, the data, the
//! user's images, the sample grid, alarms and where project files go.

use model::GanConfig;
use serde::{Deserialize, Serialize};

use crate::device::DeviceMeasurement;
use crate::saved_runs::PageSnapshot;

/// What the model trains on, and how many images it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// A human description.
    pub name: String,
    /// Number of images.
    pub count: usize,
    /// Which set.
    pub source: crate::data::Source,
}

/// A model the worker installed ([`super::Response::ModelInstalled`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewModel {
    /// Its configuration.
    pub config: GanConfig,
    /// Both networks layer by layer.
    pub architecture: model::anatomy::Architecture,
    /// What it trains on.
    pub dataset: DataSummary,
    /// Its step.
    pub step: u64,
    /// Why it was installed.
    pub cause: Installed,
}

/// Why the worker installed a model ([`super::Response::ModelInstalled`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Installed {
    /// The worker's own default model, at its start.
    Started,
    /// A new model of a configuration (Apply, Reset): a new run.
    Configured,
    /// A checkpoint the user loaded: a new run from its step.
    Checkpoint,
    /// The page's run from its snapshot ([`super::Request::ContinueRun`]): the same run goes on.
    Continued,
    /// A project file or an autosave (after its images were sent).
    Project {
        /// The page's part to restore.
        page: PageSnapshot,
        /// Passes over the data so far.
        epoch: usize,
    },
}

/// Where a project file goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SavePurpose {
    /// Into the browser's storage under this tab's run id, answered with
    /// [`super::Response::Autosaved`].
    Autosave {
        /// The tab's run.
        run_id: String,
    },
    /// To the user, answered with a [`super::Response::File`].
    Download,
}

/// How the worker computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DeviceInfo {
    /// burn's wgpu backend on the browser's WebGPU adapter.
    WebGpu {
        /// Vendor and architecture reported by the adapter.
        adapter: String,
        /// Both devices' timing, where that chose WebGPU.
        measured: Option<DeviceMeasurement>,
    },
    /// burn's CPU backend (flex, SIMD) in WebAssembly.
    Cpu {
        /// Why WebGPU is not used.
        reason: String,
        /// Both devices' timing, where that chose the CPU.
        measured: Option<DeviceMeasurement>,
        /// The browser has a WebGPU adapter that may beat the CPU, and this worker has no
        /// WebGPU backend: the page loads the WebGPU worker in the background, which decides
        /// (and takes the run over if it trains on WebGPU).
        webgpu_next: bool,
        /// This worker's GEMM uses relaxed SIMD's multiply-add (`worker_cpu_relaxed`).
        relaxed_simd: bool,
    },
}

impl DeviceInfo {
    /// The timing that chose this device, if one did.
    pub fn measured(&self) -> Option<&DeviceMeasurement> {
        match self {
            DeviceInfo::WebGpu { measured, .. } | DeviceInfo::Cpu { measured, .. } => {
                measured.as_ref()
            }
        }
    }
}

/// A user image as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thumbnail {
    /// Identifier for removal.
    pub id: u64,
    /// The file's name.
    pub name: String,
    /// RGBA8 of the prepared (cropped, resized) image as the worker keeps it, 64×64: enough to
    /// train any model size again after a lost device.
    #[serde(with = "serde_bytes")]
    pub rgba: Vec<u8>,
}

/// A run falling apart, as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlarmReport {
    /// What was seen.
    pub alarm: model::health::Alarm,
    /// The state [`super::Request::GoBack`] restores, if there is one.
    pub back_to: Option<model::health::Fallback>,
    /// The worker already went back there (non-finite losses: nothing after them is worth
    /// keeping).
    pub restored: bool,
}

/// The live sample grid, RGBA8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleGrid {
    /// Step it was made at.
    pub step: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA8 pixels, row-major.
    #[serde(with = "serde_bytes")]
    pub rgba: Vec<u8>,
}

/// Seeds the quality measure ([`super::Response::Quality`]) is taken with: its range shows the
/// measure's own noise, so that a change of a few per cent is not read as progress.
pub const QUALITY_SEEDS: u64 = 3;
