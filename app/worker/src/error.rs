//! Why a worker's request failed, as one type: the page gets its text ([`Response::Error`] or, for the
//! compute device, [`Response::DeviceLost`]).

use std::cell::RefCell;

use protocol::messages::Response;

use crate::trainer::Trainer;

/// Why the worker could not do what it was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// Anything the trainer or the explorer refused, in their words.
    #[error("{0}")]
    Refused(String),
}

impl WorkerError {
    /// A failure of the compute device (burn's read-back or execution error).
    pub fn device(e: impl std::fmt::Display) -> Self {
        WorkerError::Device(e.to_string())
    }

    /// What the page is told: a lost device on WebGPU (`gpu`) is recovered from; anything else
    /// is shown as an error.
    pub fn into_response(self, gpu: bool) -> Response {
        match self {
            WorkerError::Device(_) if gpu => Response::DeviceLost(self.to_string()),
            e => Response::Error(e.to_string()),
        }
    }
}

impl From<String> for WorkerError {
    fn from(reason: String) -> Self {
        WorkerError::Refused(reason)
    }
}

/// Runs `f` on the trainer, or says it is not there yet.
pub fn with_trainer<R>(
    trainer: &RefCell<Option<Trainer>>,
    f: impl FnOnce(&mut Trainer) -> R,
) -> Result<R, WorkerError> {
    trainer
        .borrow_mut()
        .as_mut()
        .map(f)
        .ok_or(WorkerError::NotReady)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_device_failure_on_webgpu_is_a_lost_device() {
        let failed = WorkerError::device("Device lost");
        let text = "the device failed: Device lost";
        assert!(matches!(failed.clone().into_response(true), Response::DeviceLost(e) if e == text));
        assert!(matches!(failed.into_response(false), Response::Error(e) if e == text));
        assert!(matches!(
            WorkerError::NotReady.into_response(true),
            Response::Error(e) if e == "the device is not ready"
        ));
    }

    #[test]
    fn an_empty_trainer_is_not_ready() {
        let empty = RefCell::new(None);
        assert_eq!(
            with_trainer(&empty, |t| t.step_count()),
            Err(WorkerError::NotReady)
        );
    }
}
