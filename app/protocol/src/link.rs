//! The training worker as the page names it to `gloo-worker`.
//!
//! gloo-worker's spawner is generic over the worker type, but on the page it uses only that
//! type's message types and codec: it posts `ToWorker<W>` (our [`Request`]s) and reads
//! `FromWorker<W>` (our [`Response`]s), encoded by type, never by name. So the page names
//! [`TrainerLink`], a worker that has the real one's messages and no code, and links no burn;
//! the real worker (`app/worker`, `TrainerWorker`) has the same `Input` and `Output`.

use std::convert::Infallible;

use gloo_worker::{HandlerId, Worker, WorkerScope};

use crate::messages::{Request, Response};

/// The training worker's messages, for the page's spawner. It has no value (an empty enum), so
/// it can never run: only the worker binary runs a worker.
pub enum TrainerLink {}

impl Worker for TrainerLink {
    type Message = Infallible;
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        unreachable!("the page spawns the worker binary; it never hosts a TrainerLink")
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, msg: Infallible) {
        match msg {}
    }

    fn received(&mut self, _scope: &WorkerScope<Self>, _msg: Request, _id: HandlerId) {
        match *self {}
    }
}
