//! The page's requests, each answered from the trainer or the explorer (the training loop is
//! in `training`, project files in `projects`).

use gloo_worker::WorkerScope;
use model::checkpoint;
use protocol::data::{Builtin, Source};
use protocol::messages::{
    ByteBuf, FeatureMaps, Installed, Rendered, Request, Response, SavePurpose,
};
use protocol::store as browser_store;
use wasm_bindgen_futures::spawn_local;

use super::training::read_floats;
use super::{AfterSheet, Caller};
use super::{TrainerWorker, now};
use crate::error::device_error;
use crate::explorer::export;
use crate::trainer::StepKind;

/// Feature maps shown for a generator layer.
const FEATURE_MAPS: usize = 8;

impl TrainerWorker {
    pub(super) fn handle(&mut self, scope: &WorkerScope<Self>, request: Request, to: Caller) {
        let reply = |r: Response| Self::respond(scope, to, r);
        if self.fetching_sheet.get() && waits_for_sheet(&request) {
            // An emoji sheet on its way: what follows may train on it.
            self.pending.push((request, to));
            return;
        }
        let mut guard = self.trainer.borrow_mut();
        let Some(t) = guard.as_mut() else {
            // Not ready yet: keep the request for when the device is.
            self.pending.push((request, to));
            return;
        };
        // The page's own run going on (a hand-over) or a checkpoint the user chose.
        let continued = matches!(request, Request::ContinueRun(_));
        match request {
            Request::Init { .. } => {}
            Request::TimelapseGif {
                width,
                height,
                frames,
                frame_ms,
            } => {
                let images: Option<Vec<image::RgbaImage>> = frames
                    .into_iter()
                    .map(|rgba| image::RgbaImage::from_raw(width, height, rgba.into_vec()))
                    .collect();
                let gif = images
                    .ok_or_else(|| "the timelapse's frames have different sizes".to_string())
                    .and_then(|images| {
                        model::images::encode_gif(&images, frame_ms).map_err(|e| e.to_string())
                    });
                reply(match gif {
                    Ok(bytes) => Response::File {
                        name: "timelapse.gif".into(),
                        mime: "image/gif".into(),
                        bytes,
                    },
                    Err(e) => to.failed(format!("the timelapse GIF failed: {e}")),
                });
            }
            Request::ShowRaw(raw) => {
                t.set_show_raw(raw);
                drop(guard);
                self.refresh_samples(scope, to);
            }
            Request::MixedVerdict(mixed) => {
                t.set_mixed_verdict(mixed);
                drop(guard);
                self.refresh_samples(scope, to);
            }
            Request::Nearest { real, index } => reply(Response::Nearest(t.nearest(real, index))),
            Request::Activations { layer } => {
                let maps = t.activations(layer, FEATURE_MAPS);
                let scope = scope.clone();
                spawn_local(async move {
                    let report = match maps {
                        None => FeatureMaps {
                            layer,
                            side: 0,
                            maps: Err(format!("layer {layer} has no feature maps")),
                        },
                        Some(maps) => {
                            let [_, k, side, _] = maps.dims();
                            FeatureMaps {
                                layer,
                                side: side as u32,
                                maps: read_floats(maps)
                                    .await
                                    .map(|values| {
                                        model::images::feature_maps_rgba(&values, k, side)
                                            .into_iter()
                                            .map(ByteBuf::from)
                                            .collect()
                                    })
                                    .map_err(|e| e.to_string()),
                            }
                        }
                    };
                    Self::respond(&scope, to, Response::Activations(report));
                });
            }
            Request::LoadPretrained(showcase) => self.load_pretrained(scope, showcase, to),
            Request::TakeSnapshot => {
                drop(guard);
                Self::snapshot(&self.trainer, scope, to);
            }
            Request::UseBuiltin(Builtin::Emoji(set)) if !t.has_sheet(set) => {
                Self::fetch_sheet(&self.fetching_sheet, scope, set, to, AfterSheet::Use);
            }
            Request::UseBuiltin(kind) => match t.use_builtin(kind) {
                Ok(()) => reply(Self::describe_data(t)),
                Err(e) => reply(to.failed(e)),
            },
            Request::AddFiles(files) => {
                let (added, rejected) = t.add_files(files);
                if !added.is_empty() {
                    reply(Response::ImagesAdded(added));
                }
                if !rejected.is_empty() {
                    reply(Response::ImagesRejected(rejected));
                }
                reply(Self::describe_data(t));
            }
            Request::RemoveImage(image) => {
                t.remove(image);
                reply(Response::ImageCount(t.user_count()));
                reply(Self::describe_data(t));
            }
            Request::ClearImages => {
                t.clear();
                reply(Response::ImageCount(0));
                reply(Self::describe_data(t));
            }
            Request::UseUserImages => match t.use_user() {
                Ok(()) => reply(Self::describe_data(t)),
                Err(e) => reply(to.failed(e)),
            },
            Request::Configure(config) => {
                self.stop_all();
                match t.configure(config) {
                    Ok(()) => {
                        reply(Response::Running(false));
                        reply(Self::installed(t, Installed::Configured));
                        drop(guard);
                        self.refresh_samples(scope, to);
                    }
                    Err(e) => reply(to.failed(e)),
                }
            }
            Request::Train => {
                if t.source() == Source::User && t.user_count() == 0 {
                    reply(to.failed("add some images first".to_string()));
                    return;
                }
                self.running.set(true);
                reply(Response::Running(true));
                drop(guard);
                self.run(StepKind::Full, true, scope, to);
            }
            Request::Pause => {
                self.running.set(false);
                reply(Response::Running(false));
            }
            Request::Step | Request::StepD | Request::StepG => {
                let kind = match request {
                    Request::Step => StepKind::Full,
                    Request::StepD => StepKind::Discriminator,
                    _ => StepKind::Generator,
                };
                drop(guard);
                self.run(kind, false, scope, to);
            }
            Request::SaveCheckpoint => {
                let (gan, t_position) = (t.gan(), t.data_position());
                let scope = scope.clone();
                spawn_local(async move {
                    let reply = match checkpoint::save_async(&gan, t_position.as_ref()).await {
                        Ok(bytes) => Response::Checkpoint(bytes),
                        Err(e) => to.failed(e.to_string()),
                    };
                    Self::respond(&scope, to, reply);
                });
            }
            Request::SaveProject { purpose, page } => {
                let autosave = matches!(purpose, SavePurpose::Autosave { .. });
                if autosave && !t.healthy() {
                    return;
                }
                if autosave && self.autosaving.get() {
                    // Written when the one in flight is done: the latest state wins.
                    *self.autosave_queued.borrow_mut() = Some((purpose, page));
                    return;
                }
                if autosave {
                    self.autosaving.set(true);
                }
                let (trainer, scope) = (self.trainer.clone(), scope.clone());
                let (autosaving, queued) = (self.autosaving.clone(), self.autosave_queued.clone());
                drop(guard);
                spawn_local(async move {
                    let mut next = Some((purpose, page));
                    while let Some((purpose, page)) = next.take() {
                        let reply = Self::save_project(&trainer, purpose, page, to).await;
                        if let Some(reply) = reply {
                            Self::respond(&scope, to, reply);
                        }
                        if autosave {
                            next = queued.borrow_mut().take();
                        }
                    }
                    if autosave {
                        autosaving.set(false);
                    }
                });
            }
            Request::OpenProject(bytes) => {
                self.stop_all();
                reply(Response::Running(false));
                drop(guard);
                Self::open_project(&self.trainer, &self.fetching_sheet, &bytes, scope, to);
            }
            Request::OpenSaved(run_id) => {
                self.stop_all();
                reply(Response::Running(false));
                drop(guard);
                let (scope2, trainer) = (scope.clone(), self.trainer.clone());
                let fetching = self.fetching_sheet.clone();
                spawn_local(async move {
                    match browser_store::load(&run_id).await {
                        Ok(Some(bytes)) => {
                            Self::open_project(&trainer, &fetching, &bytes, &scope2, to)
                        }
                        Ok(None) => Self::respond(
                            &scope2,
                            to,
                            to.failed(
                                "that saved run is gone (deleted in another tab?)".to_string(),
                            ),
                        ),
                        Err(e) => Self::respond(&scope2, to, to.failed(e.to_string())),
                    }
                });
            }
            Request::LoadCheckpoint(bytes) | Request::ContinueRun(bytes) => {
                let cause = if continued {
                    Installed::Continued
                } else {
                    Installed::Checkpoint
                };
                self.stop_all();
                match t.load(&bytes) {
                    Ok(()) => {
                        reply(Response::Running(false));
                        reply(Self::installed(t, cause));
                        drop(guard);
                        self.refresh_samples(scope, to);
                    }
                    Err(e) => reply(to.failed(format!("checkpoint not loaded: {e}"))),
                }
            }
            Request::Render {
                id: render,
                source,
                purpose,
                zs,
            } => {
                let started = now();
                let drawing = self.explorer.borrow_mut().draw(source, t, &zs);
                let scope = scope.clone();
                let (trainer, grid_owed) = (self.trainer.clone(), self.grid_owed.clone());
                spawn_local(async move {
                    let (frames, size) = match drawing {
                        Ok(drawing) => (read_frames(&drawing).await, drawing.size as u32),
                        Err(e) => (Err(e), 0),
                    };
                    let frames = frames.map(|f| {
                        f.into_iter()
                            .map(|image| ByteBuf::from(image.into_raw()))
                            .collect()
                    });
                    let rendered = Rendered {
                        id: render,
                        purpose,
                        frames,
                        size,
                        ms: now() - started,
                    };
                    Self::respond(&scope, to, Response::Rendered(rendered));
                    Self::send_owed_grid(&trainer, &grid_owed, &scope);
                });
            }
            Request::Export { source, zs, format } => {
                let drawing = self.explorer.borrow_mut().draw(source, t, &zs);
                let scope = scope.clone();
                spawn_local(async move {
                    let file = match drawing {
                        Ok(drawing) => read_frames(&drawing)
                            .await
                            .and_then(|frames| export(&frames, format)),
                        Err(e) => Err(e),
                    };
                    let reply = match file {
                        Ok((name, mime, bytes)) => Response::File { name, mime, bytes },
                        Err(e) => to.failed(format!("export failed: {e}")),
                    };
                    Self::respond(&scope, to, reply);
                });
            }
            Request::RestoreImages(images) => {
                let (added, rejected) = t.restore(images);
                reply(Response::ImagesAdded(added));
                if !rejected.is_empty() {
                    reply(Response::ImagesRejected(rejected));
                }
                reply(Self::describe_data(t));
            }
            Request::GoBack => {
                self.running.set(false);
                reply(Response::Running(false));
                match t.go_back(false) {
                    Ok(step) => {
                        reply(Response::WentBack(step));
                        drop(guard);
                        self.refresh_samples(scope, to);
                    }
                    Err(e) => reply(to.failed(e)),
                }
            }
            Request::SimulateNonFinite => t.poison_weights(),
            Request::SimulateDeviceLoss => {
                self.running.set(false);
                reply(Response::Running(false));
                reply(Response::DeviceLost(
                    device_error("the device was lost (simulated)").to_string(),
                ));
            }
            Request::ComputeDirections(source) => {
                let job = self.explorer.borrow_mut().directions(source, t);
                let scope = scope.clone();
                spawn_local(async move {
                    let reply = match job {
                        Ok(job) => match job.await {
                            Ok(found) => Response::Directions {
                                source,
                                directions: found.directions,
                                variances: found.variances,
                            },
                            Err(e) => to.failed(e),
                        },
                        Err(e) => to.failed(e),
                    };
                    Self::respond(&scope, to, reply);
                });
            }
        }
    }
}

/// Reads a drawing back from the device as RGBA images.
async fn read_frames(drawing: &crate::explorer::Drawing) -> Result<Vec<image::RgbaImage>, String> {
    let pixels = read_floats(drawing.images.clone())
        .await
        .map_err(|e| e.to_string())?;
    Ok(drawing.frames(&pixels))
}

/// Whether `request` waits for an emoji sheet being fetched: all but Pause and the explorer's,
/// which do not read the training data (a large sheet on slow wifi must not stop them).
fn waits_for_sheet(request: &Request) -> bool {
    !matches!(
        request,
        Request::Pause
            | Request::LoadPretrained(_)
            | Request::Render { .. }
            | Request::Export { .. }
            | Request::ComputeDirections(_)
            | Request::TimelapseGif { .. }
    )
}
