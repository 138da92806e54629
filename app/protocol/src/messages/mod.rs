//! Messages between the page (main thread) and the training worker: the requests (each sent
//! with a [`Ticket`]) and the responses, here; what they carry, by
//! concern, in `run.rs`, `explorer.rs` and `inspection.rs` (all re-exported here).

pub use crate::device::DeviceChoice;
use crate::device::DeviceMeasurement;
pub use crate::history::StepReport;
mod explorer;
mod inspection;
mod run;

use crate::saved_runs::PageSnapshot;
pub use explorer::*;
pub use inspection::*;
use model::GanConfig;
pub use run::*;
use serde::{Deserialize, Serialize};
/// A byte buffer that crosses as one block (serde sees a `Vec<u8>` as a sequence of numbers,
/// which the worker codec, bincode, would read one `u8` call per byte on the page's main thread).
pub use serde_bytes::ByteBuf;

/// What the page asks of the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Start the compute device the user chose (see [`DeviceChoice`]).
    Init {
        /// Auto: WebGPU on a hardware adapter, else the CPU.
        device: DeviceChoice,
        /// The devices' timing from earlier in this session, so a reload does not measure again.
        remembered: Option<DeviceMeasurement>,
    },
    /// Send a [`Response::Snapshot`] of the model now (to move it to another device).
    TakeSnapshot,
    /// Fetch and load a shipped generator (answered with [`Response::Pretrained`]; the digits
    /// load with the device, the others when first chosen).
    LoadPretrained(Showcase),
    /// Use a built-in procedural dataset (replaces the user's images as training data).
    UseBuiltin(crate::data::Builtin),
    /// Decode and add user files: (name, bytes).
    AddFiles(Vec<NamedFile>),
    /// Remove one user image.
    RemoveImage(u64),
    /// Remove every user image.
    ClearImages,
    /// Train on the user's images (once some are loaded).
    UseUserImages,
    /// Build a new model with this configuration (discards the current one).
    Configure(GanConfig),
    /// Train continuously until paused.
    Train,
    /// Stop after the current step.
    Pause,
    /// One full step (D then G).
    Step,
    /// One discriminator update.
    StepD,
    /// One generator update.
    StepG,
    /// Serialise the whole training state.
    SaveCheckpoint,
    /// Replace the model with a checkpoint (kept unchanged if the bytes are bad).
    LoadCheckpoint(#[serde(with = "serde_bytes")] Vec<u8>),
    /// Go on with the page's run from its snapshot (a checkpoint) on this new worker, after a
    /// hand-over or a lost device: answered as [`Installed::Continued`].
    ContinueRun(#[serde(with = "serde_bytes")] Vec<u8>),
    /// Draw G(z) for each z with the chosen generator (for the explorer).
    Render {
        /// Echoed in the answer, so the page knows which request it answers.
        id: u64,
        /// Which generator draws.
        source: GeneratorSource,
        /// What the images are for.
        purpose: RenderPurpose,
        /// Latent vectors, each of the generator's latent size.
        zs: Vec<Vec<f32>>,
    },
    /// Make a file of G(z) for the explorer's exports.
    Export {
        /// Which generator draws.
        source: GeneratorSource,
        /// Latent vectors: one for a PNG, the frames of a strip or animation.
        zs: Vec<Vec<f32>>,
        /// The file to make.
        format: ExportFormat,
    },
    /// Compute the principal directions of a generator's latent space.
    ComputeDirections(GeneratorSource),
    /// Take back the images another worker kept (after a lost GPU device).
    RestoreImages(Vec<NamedFile>),
    /// Behave as if the GPU device were lost (for the end-to-end test of recovery).
    SimulateDeviceLoss,
    /// Make the generator's weights NaN, so that the next step's losses are not finite (for
    /// the end-to-end test of that alarm; the detection and the way back are the real ones).
    SimulateNonFinite,
    /// Go back to the best recent state after the run fell apart (see [`Response::Alarm`]).
    GoBack,
    /// Encode the timelapse's frames (RGBA8, all `width × height`) as an animated GIF, answered
    /// with a [`Response::File`].
    TimelapseGif {
        /// Width of each frame.
        width: u32,
        /// Height of each frame.
        height: u32,
        /// The frames, oldest first.
        frames: Vec<ByteBuf>,
        /// How long each frame shows.
        frame_ms: u32,
    },
    /// Show the raw generator (true) or its average (false) in the grid and the explorer.
    ShowRaw(bool),
    /// D's verdict scores its real and generated rows as one mixed batch (true) or each row as
    /// its own batch, as in training (false); answered with a fresh verdict.
    MixedVerdict(bool),
    /// The training images nearest to one image of the last verdict.
    Nearest {
        /// From the real row (else the generated one).
        real: bool,
        /// Its place in the row.
        index: usize,
    },
    /// The generator's feature maps at one layer of its architecture (sent with
    /// [`Response::ModelInstalled`]), for the live grid's first image.
    Activations {
        /// Index in the generator's layer list (1: the first block; the last: the image).
        layer: usize,
    },
    /// Make a project file of the whole run (skipped for an autosave while the model is
    /// diverged: a good save is never overwritten by a broken one).
    SaveProject {
        /// Where it goes.
        purpose: SavePurpose,
        /// The page's part.
        page: PageSnapshot,
    },
    /// Replace images, data and model with a project file's (nothing changes if it is bad).
    OpenProject(#[serde(with = "serde_bytes")] Vec<u8>),
    /// [`Request::OpenProject`] with the run autosaved in the browser under this run id.
    OpenSaved(String),
}

/// The page's number for one request it sent: a failure names the request it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket(pub u64);

/// A request as the page sends it: with its ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticketed {
    /// Named again in a [`Response::Failed`] for this request.
    pub ticket: Ticket,
    /// What is asked.
    pub request: Request,
}

/// Why the worker could not do what it was asked; the model and data are as they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum WorkerError {
    /// A request that needs the model came before the device was up (or after it was lost).
    #[error("the device is not ready")]
    NotReady,
    /// The compute device failed: on WebGPU, how a lost device shows up.
    #[error("the device failed: {0}")]
    Device(String),
    /// A file of the page's could not be fetched.
    #[error("{url} could not be fetched: {reason}")]
    Fetch {
        /// Relative to the worker's script.
        url: String,
        /// The browser's reason, or the HTTP status.
        reason: String,
    },
    /// Anything the trainer, the explorer or a file reader refused, in their words.
    #[error("{0}")]
    Refused(String),
}

impl From<String> for WorkerError {
    fn from(reason: String) -> Self {
        WorkerError::Refused(reason)
    }
}

/// A file the user handed to the page (or an image the page kept): its name and bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedFile {
    /// The file's name.
    pub name: String,
    /// Its contents, as one block.
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// What the worker tells the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    /// The worker is timing both devices to pick the faster (a few seconds, once a session).
    Measuring,
    /// The device is ready.
    Device(DeviceInfo),
    /// What D says of a row of real and a row of generated images (with each sample grid).
    Verdict(crate::verdict::VerdictReport),
    /// The nearest training images asked for by [`Request::Nearest`], or why there are none.
    Nearest(Result<NearestReport, String>),
    /// The generator's feature maps asked for by [`Request::Activations`].
    Activations(FeatureMaps),
    /// Images decoded and added.
    ImagesAdded(Vec<Thumbnail>),
    /// Files refused: (name, reason).
    ImagesRejected(Vec<(String, String)>),
    /// The user's image set now has this many images (after a removal or clear; 0 before a project's images: the page drops its thumbnails).
    ImageCount(usize),
    /// The worker has a new model (it started, a configuration, a checkpoint, a project, the
    /// run's snapshot on a new worker): everything the page needs of it, in one message.
    ModelInstalled(Box<NewModel>),
    /// What the model trains on now (after the data changed).
    Dataset(DataSummary),
    /// Whether training runs continuously.
    Running(bool),
    /// No step is running or waiting any more: every step asked for (a run of Train, a click)
    /// has been reported. Sent when the worker's step loop ends.
    Idle,
    /// A step finished.
    Step(StepReport),
    /// The 8×8 sample grid from fixed z.
    Samples(SampleGrid),
    /// Sliced Wasserstein distance of samples to the training images (×10³).
    Quality {
        /// Step it was measured at.
        step: u64,
        /// SWD ×10³, the mean over a few seeds of the measure's patches and projections.
        swd: f32,
        /// The lowest and highest of those seeds' values: the measure's own noise.
        swd_range: (f32, f32),
        /// Sample diversity relative to the data's (≈1 healthy, near 0 = mode collapse).
        diversity: f32,
        /// How near the samples are to training images, against the data's own spacing.
        memorisation: Option<Memorisation>,
    },
    /// The run is falling apart; training paused.
    Alarm(AlarmReport),
    /// The model went back to the state of this step.
    WentBack(u64),
    /// A saved checkpoint.
    Checkpoint(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The request with this ticket failed; the model and data are as they were.
    Failed {
        /// The request's ticket.
        ticket: Ticket,
        /// Why.
        error: WorkerError,
    },
    /// A shipped generator is ready, or why it could not be loaded.
    Pretrained(Showcase, Result<PretrainedInfo, String>),
    /// Images for the explorer.
    Rendered(Rendered),
    /// Principal directions of a generator's latent space.
    Directions {
        /// Whose.
        source: GeneratorSource,
        /// Unit vectors in z, strongest first.
        directions: Vec<Vec<f32>>,
        /// Activation variance along each.
        variances: Vec<f32>,
    },
    /// The training state in memory (kept on WebGPU; on request on any device), to restore on
    /// another device.
    Snapshot {
        /// Step it was taken at.
        step: u64,
        /// A checkpoint, Adam's state included.
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// The GPU device is gone; the page offers a new device or the CPU.
    DeviceLost(String),
    /// An autosave was written (or why not: a full quota, a failing storage).
    Autosaved(Result<crate::saved_runs::SavedRun, String>),
    /// An exported file, to offer for download.
    File {
        /// Suggested name.
        name: String,
        /// MIME type.
        mime: String,
        /// Contents.
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages' buffers cross as byte strings, one block each, not as sequences of
    /// numbers (which bincode, the worker codec, reads one call per byte).
    #[test]
    fn the_messages_send_their_buffers_as_byte_strings() {
        use serde_test::{Token, assert_ser_tokens};
        let snapshot = Response::Snapshot {
            step: 3,
            bytes: vec![1, 2, 3],
        };
        assert_ser_tokens(
            &snapshot,
            &[
                Token::StructVariant {
                    name: "Response",
                    variant: "Snapshot",
                    len: 2,
                },
                Token::Str("step"),
                Token::U64(3),
                Token::Str("bytes"),
                Token::Bytes(&[1, 2, 3]),
                Token::StructVariantEnd,
            ],
        );
        let files = Request::AddFiles(vec![NamedFile {
            name: "a.png".into(),
            bytes: vec![9],
        }]);
        assert_ser_tokens(
            &files,
            &[
                Token::NewtypeVariant {
                    name: "Request",
                    variant: "AddFiles",
                },
                Token::Seq { len: Some(1) },
                Token::Struct {
                    name: "NamedFile",
                    len: 2,
                },
                Token::Str("name"),
                Token::Str("a.png"),
                Token::Str("bytes"),
                Token::Bytes(&[9]),
                Token::StructEnd,
                Token::SeqEnd,
            ],
        );
    }

    #[test]
    fn lists_of_buffers_cross_as_byte_strings_too() {
        use serde_test::{Token, assert_ser_tokens};
        let maps = FeatureMaps {
            layer: 1,
            side: 1,
            maps: Ok(vec![ByteBuf::from(vec![4, 5])]),
        };
        assert_ser_tokens(
            &maps,
            &[
                Token::Struct {
                    name: "FeatureMaps",
                    len: 3,
                },
                Token::Str("layer"),
                Token::U64(1),
                Token::Str("side"),
                Token::U32(1),
                Token::Str("maps"),
                Token::NewtypeVariant {
                    name: "Result",
                    variant: "Ok",
                },
                Token::Seq { len: Some(1) },
                Token::Bytes(&[4, 5]),
                Token::SeqEnd,
                Token::StructEnd,
            ],
        );
    }
}
