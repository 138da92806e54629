//! The 2-D lab's messages: a group of their own, between the page's lab section and the lab's
//! own worker (`app/worker/src/lab_worker.rs`), so neither the image trainer nor the image page's
//! state sees them.

use model::StepValues;
use model::lab::{LabConfig, LabFrame, Shape};
use serde::{Deserialize, Serialize};

/// What the lab's page section asks of the lab's worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LabRequest {
    /// New networks of this configuration learning this data (the old ones are dropped);
    /// answered with a frame, or [`LabResponse::Refused`] and nothing changes.
    Start(LabConfig, Shape),
    /// Change how the running game trains (loss, optimiser, learning rates, D steps, clip,
    /// batch) and keep the networks: a remedy applied live. Answered with a frame, or
    /// [`LabResponse::Refused`] for a change that needs new networks.
    Tune(LabConfig),
    /// Train continuously, sending frames, until [`LabRequest::Pause`].
    Train,
    /// Stop after the current step.
    Pause,
    /// One full step (D steps then one G step).
    Step,
    /// One D update.
    StepD,
    /// One G update.
    StepG,
}

/// What the steps since the last frame reported.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LabStep {
    /// The last step's losses and D's mean outputs (those it computed).
    pub values: StepValues,
    /// D(x) − D(G(z)) of each of those steps that updated D, in order: who was ahead.
    pub leads: Vec<f32>,
    /// Wall time of the steps since the last frame, per step (ms).
    pub ms_per_step: f64,
}

/// What the lab's worker tells its section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LabResponse {
    /// The plane as it is now, after `step`'s numbers.
    Frame {
        /// Everything drawn, from the networks (boxed: it is most of the message).
        frame: Box<LabFrame>,
        /// The steps' numbers since the last frame (none before the first step).
        step: Option<LabStep>,
        /// Time the worker took to compute this frame from the networks (ms).
        compute_ms: f64,
    },
    /// Whether it trains continuously.
    Running(bool),
    /// A request that could not be carried out, and why; the networks are as they were.
    Refused(String),
}
