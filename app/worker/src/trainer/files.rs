//! A run as files: what a project file holds besides the model (the data source, the user's
//! images), where the data stands for an exact resume, and opening a project.

use model::checkpoint;
use model::data::DataPosition;
use model::project::{Project, ProjectData, ProjectImage};
use protocol::data::{Builtin, Source};
use protocol::messages::Thumbnail;

use super::library::ImageLibrary;
use super::{BUILTIN_COUNT, Trainer};

impl Trainer {
    /// What a project file holds besides the model: the data source and the user's images.
    pub fn project_data(&self) -> (ProjectData, Vec<ProjectImage>) {
        let data = match self.source {
            Source::Builtin(Builtin::Drawn(kind)) => ProjectData::Drawn {
                kind,
                count: BUILTIN_COUNT,
            },
            Source::Builtin(Builtin::Digits) => ProjectData::Digits,
            Source::Builtin(Builtin::Emoji(set)) => ProjectData::Emoji(set),
            Source::User => ProjectData::Images,
        };
        (data, self.library.project_images())
    }

    /// Where the data stands now (for a checkpoint that resumes exactly).
    pub fn data_position(&self) -> Option<DataPosition> {
        match &self.dataset {
            Some(dataset) => Some(dataset.position()),
            None => self.resumed_position.clone(),
        }
    }

    /// Replaces the model, the images and the data source with a project's; returns the
    /// images' thumbnails. On error nothing changes.
    pub fn open_project(&mut self, project: Project) -> Result<Vec<Thumbnail>, String> {
        ImageLibrary::check_project_images(&project.images)?;
        let (gan, position) =
            checkpoint::load_run(&project.checkpoint, &self.device).map_err(|e| e.to_string())?;
        let thumbnails = self.library.replace(project.images);
        self.source = match project.data {
            ProjectData::Drawn { kind, .. } => Source::Builtin(Builtin::Drawn(kind)),
            ProjectData::Digits => Source::Builtin(Builtin::Digits),
            ProjectData::Emoji(set) => Source::Builtin(Builtin::Emoji(set)),
            ProjectData::Images => Source::User,
        };
        self.install(gan);
        self.resumed_position = position;
        self.dataset = None;
        Ok(thumbnails)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use image::RgbaImage;
    use model::project::Project;

    #[test]
    fn a_project_resumes_the_same_run_in_another_trainer() {
        let mut first = Trainer::new(Device::flex(), tiny()).unwrap();
        first.add_files(vec![
            file("red.png", png([255, 0, 0])),
            file("blue.png", png([0, 0, 255])),
            file("green.png", png([0, 255, 0])),
        ]);
        first.use_user().unwrap();
        for _ in 0..3 {
            pollster::block_on(first.step(StepKind::Full).read()).unwrap();
        }
        let (data, images) = first.project_data();
        let checkpoint = checkpoint::save(&first.gan(), first.data_position().as_ref()).unwrap();
        let bytes = Project {
            data,
            images,
            checkpoint,
            page: serde_json::Value::Null,
        }
        .to_bytes();

        let mut second = Trainer::new(Device::flex(), tiny().with_latent_size(8)).unwrap();
        let opened = Project::from_bytes(&bytes).unwrap();
        let thumbnails = second.open_project(opened).unwrap();
        let names: Vec<_> = thumbnails.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["red.png", "blue.png", "green.png"]);
        assert_eq!(second.source(), Source::User);
        assert_eq!(second.step_count(), 3);
        assert_eq!(second.config(), first.config());
        // Same weights, Adam state, noise and batch order: the same next steps.
        for _ in 0..2 {
            let a = pollster::block_on(first.step(StepKind::Full).read()).unwrap();
            let b = pollster::block_on(second.step(StepKind::Full).read()).unwrap();
            assert_eq!(a, b);
        }
        // A project whose images are not the page's kept size is refused; nothing changes.
        let mut odd = Project::from_bytes(&bytes).unwrap();
        odd.images[0].image = RgbaImage::new(8, 8);
        assert!(second.open_project(odd).is_err());
        assert_eq!((second.step_count(), second.user_count()), (5, 3));
    }
}
