//! Project files: opening one (a download, or a run autosaved in this browser) and writing
//! the run as one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_worker::WorkerScope;
use model::checkpoint;
use model::project::Project;
use protocol::messages::{Installed, Response, SavePurpose};
use protocol::saved_runs::{PageSnapshot, SavedRun};
use protocol::store as browser_store;

use super::TrainerWorker;
use super::{AfterSheet, Caller};
use crate::error::WorkerError;
use crate::trainer::Trainer;

impl TrainerWorker {
    /// Replaces images, data and model with a project file's and tells the page everything
    /// that changed; on a bad file nothing changes and the page says why.
    pub(super) fn open_project(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        fetching_sheet: &Rc<Cell<bool>>,
        bytes: &[u8],
        scope: &WorkerScope<Self>,
        to: Caller,
    ) {
        let reply = |r: Response| Self::respond(scope, to, r);
        {
            let mut guard = trainer.borrow_mut();
            let Some(t) = guard.as_mut() else {
                reply(to.failed(WorkerError::NotReady));
                return;
            };
            let opened = Project::from_bytes(bytes)
                .map_err(|e| e.to_string())
                .and_then(|project| {
                    let page = PageSnapshot::from_json(&project.page);
                    t.open_project(project).map(|thumbnails| (thumbnails, page))
                });
            let (thumbnails, page) = match opened {
                Ok(opened) => opened,
                Err(e) => {
                    reply(to.failed(format!("project not opened: {e}")));
                    return;
                }
            };
            reply(Response::Running(false));
            reply(Response::ImageCount(0));
            if !thumbnails.is_empty() {
                reply(Response::ImagesAdded(thumbnails));
            }
            let epoch = t.data_position().map_or(0, |p| p.epoch as usize);
            reply(Self::installed(t, Installed::Project { page, epoch }));
            if let Some(set) = t.missing_sheet() {
                // The grid and D's verdict once the set's images are here.
                Self::fetch_sheet(fetching_sheet, scope, set, to, AfterSheet::Opened);
                return;
            }
        }
        Self::spawn_refresh(trainer, scope, to);
    }

    /// A project file of the run as it is now, downloaded or autosaved (`None`: an autosave of
    /// a diverged model, skipped).
    pub(super) async fn save_project(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        purpose: SavePurpose,
        page: PageSnapshot,
        to: Caller,
    ) -> Option<Response> {
        let (gan, position, (data, images)) = {
            let t = trainer.borrow();
            let t = t.as_ref()?;
            if matches!(purpose, SavePurpose::Autosave { .. }) && !t.healthy() {
                return None;
            }
            (t.gan(), t.data_position(), t.project_data())
        };
        // A step's weights are only checked when its losses are read back: never autosave
        // weights that hold a NaN over a good save.
        if matches!(purpose, SavePurpose::Autosave { .. })
            && !model::snapshot::all_finite(&gan).await.unwrap_or(false)
        {
            return None;
        }
        let checkpoint = match checkpoint::save_async(&gan, position.as_ref()).await {
            Ok(checkpoint) => checkpoint,
            Err(e) => {
                return Some(to.failed(format!("the project could not be saved: {e}")));
            }
        };
        let count = images.len();
        let bytes = Project {
            data,
            images,
            checkpoint,
            page: page.to_json(),
        }
        .to_bytes();
        Some(match purpose {
            SavePurpose::Download => Response::File {
                name: format!("gan-step{}.ganproj", gan.step),
                mime: "application/octet-stream".into(),
                bytes,
            },
            SavePurpose::Autosave { run_id } => {
                let run = SavedRun {
                    run_id,
                    step: gan.step,
                    images: count,
                    saved_at_ms: js_sys::Date::now(),
                    bytes: bytes.len(),
                };
                let saved = browser_store::save(&run, &bytes).await;
                Response::Autosaved(saved.map(|()| run).map_err(|e| e.to_string()))
            }
        })
    }
}
