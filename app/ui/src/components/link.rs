//! The page's workers as the page names them to `gloo-worker`: the training worker's
//! [`TrainerLink`] and the 2-D lab's [`LabLink`].
//!
//! gloo-worker's spawner is generic over the worker type, but on the page it uses only that
//! type's message types and codec: it posts `ToWorker<W>` (our [`Request`]s) and reads
//! `FromWorker<W>` (our [`Response`]s), encoded by type, never by name. So the page names
//! [`TrainerLink`], a worker that has the real one's messages and no code, and links no burn;
//! the real worker (`app/worker`, `TrainerWorker`) has the same `Input` and `Output`.

use std::convert::Infallible;
use std::marker::PhantomData;

use gloo_worker::{HandlerId, Worker, WorkerScope};

use protocol::lab::{LabRequest, LabResponse};
use protocol::messages::{Response, Ticketed};

/// A worker with the input `I` and output `O` of a real one, and no code: it has no value (its
/// one field cannot be made), so it can never run; only the worker binaries run workers.
pub struct Link<I, O>(Infallible, PhantomData<fn() -> (I, O)>);

impl<I, O> Worker for Link<I, O> {
    type Message = Infallible;
    type Input = I;
    type Output = O;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        unreachable!("the page spawns a worker binary; it never hosts a Link")
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, msg: Infallible) {
        match msg {}
    }

    fn received(&mut self, _scope: &WorkerScope<Self>, _msg: I, _id: HandlerId) {
        match self.0 {}
    }
}

/// The training worker's messages, for the page's spawner.
pub type TrainerLink = Link<Ticketed, Response>;

/// The 2-D lab's worker's messages, for the page's spawner.
pub type LabLink = Link<LabRequest, LabResponse>;
