//! Why a worker's request failed: [`WorkerError`] (shared with the page, in `protocol`), and what
//! the page is told — a [`Response::Failed`] naming the request's ticket or, for the compute
//! device on WebGPU, a [`Response::DeviceLost`].

use std::cell::RefCell;

pub use protocol::messages::WorkerError;
use protocol::messages::{Response, Ticket};

use crate::trainer::Trainer;

/// A failure of the compute device (burn's read-back or execution error).
pub fn device_error(e: impl std::fmt::Display) -> WorkerError {
    WorkerError::Device(e.to_string())
}

/// What the page is told when the request with `ticket` failed: a lost device on WebGPU (`gpu`)
/// is recovered from; anything else is that request's failure.
pub fn failure(error: WorkerError, gpu: bool, ticket: Ticket) -> Response {
    match error {
        WorkerError::Device(_) if gpu => Response::DeviceLost(error.to_string()),
        error => Response::Failed { ticket, error },
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
        let failed = device_error("Device lost");
        let text = "the device failed: Device lost";
        let ticket = Ticket(7);
        assert!(
            matches!(failure(failed.clone(), true, ticket), Response::DeviceLost(e) if e == text)
        );
        assert!(matches!(
            failure(failed.clone(), false, ticket),
            Response::Failed { ticket: Ticket(7), error } if error == failed && error.to_string() == text
        ));
        assert!(matches!(
            failure(WorkerError::NotReady, true, ticket),
            Response::Failed {
                error: WorkerError::NotReady,
                ..
            }
        ));
        assert_eq!(WorkerError::NotReady.to_string(), "the device is not ready");
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
