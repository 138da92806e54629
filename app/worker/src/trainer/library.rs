//! The user's images as the worker keeps them: decoded, cropped to a square and resized to
//! [`STORED_SIZE`] (64×64, enough to train either image size again), each with an id for
//! removal. Which images train is the trainer's business, not the library's.

use image::RgbaImage;
use model::images::{self, prepare, to_rgba};
use model::project::ProjectImage;
use protocol::data::STORED_SIZE;
use protocol::messages::{NamedFile, Thumbnail};

/// Files refused: (name, reason).
pub type Rejected = Vec<(String, String)>;

/// One kept image.
pub(super) struct UserImage {
    id: u64,
    pub(super) name: String,
    pub(super) image: RgbaImage,
}

/// The user's images, in the order they were added.
#[derive(Default)]
pub struct ImageLibrary {
    images: Vec<UserImage>,
    next_id: u64,
}

impl ImageLibrary {
    /// How many images are kept.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// True with no image.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// The kept images, oldest first.
    pub(super) fn images(&self) -> impl Iterator<Item = &UserImage> {
        self.images.iter()
    }

    /// Decodes files; returns the thumbnails of the good ones and (name, reason) of the others.
    pub fn add_files(&mut self, files: Vec<NamedFile>) -> (Vec<Thumbnail>, Rejected) {
        self.admit(files, |name, bytes| {
            let decoded = images::decode(name, &bytes).map_err(|e| e.kind.to_string())?;
            Ok(to_rgba(&prepare(&decoded, STORED_SIZE, 3), 3, STORED_SIZE))
        })
    }

    /// Takes back images that another worker kept (after a lost GPU device): each a name and
    /// the RGBA8 of a [`Thumbnail`]; malformed ones are refused with a reason.
    pub fn restore(&mut self, images: Vec<NamedFile>) -> (Vec<Thumbnail>, Rejected) {
        let side = STORED_SIZE as u32;
        self.admit(images, |_, rgba| {
            RgbaImage::from_raw(side, side, rgba)
                .ok_or_else(|| "not a kept image of this page".into())
        })
    }

    /// Keeps each (name, bytes) that `make` turns into a stored image; lists the others with
    /// the reason.
    fn admit(
        &mut self,
        files: Vec<NamedFile>,
        make: impl Fn(&str, Vec<u8>) -> Result<RgbaImage, String>,
    ) -> (Vec<Thumbnail>, Rejected) {
        let mut added = Vec::new();
        let mut rejected = Vec::new();
        for NamedFile { name, bytes } in files {
            match make(&name, bytes) {
                Ok(image) => added.push(self.keep(name, image)),
                Err(reason) => rejected.push((name, reason)),
            }
        }
        (added, rejected)
    }

    fn keep(&mut self, name: String, image: RgbaImage) -> Thumbnail {
        let id = self.next_id;
        self.next_id += 1;
        let rgba = image.as_raw().clone();
        self.images.push(UserImage {
            id,
            name: name.clone(),
            image,
        });
        Thumbnail { id, name, rgba }
    }

    /// Removes one image (no-op for an unknown id).
    pub fn remove(&mut self, id: u64) {
        self.images.retain(|u| u.id != id);
    }

    /// Removes every image.
    pub fn clear(&mut self) {
        self.images.clear();
    }

    /// The images as a project file keeps them.
    pub fn project_images(&self) -> Vec<ProjectImage> {
        self.images
            .iter()
            .map(|u| ProjectImage {
                name: u.name.clone(),
                image: u.image.clone(),
            })
            .collect()
    }

    /// Why a project's images cannot replace these (not the kept size), if they cannot.
    pub fn check_project_images(images: &[ProjectImage]) -> Result<(), String> {
        let side = STORED_SIZE as u32;
        match images.iter().find(|i| i.image.dimensions() != (side, side)) {
            Some(image) => Err(format!(
                "its image {} is {}×{}, not {side}×{side}",
                image.name,
                image.image.width(),
                image.image.height()
            )),
            None => Ok(()),
        }
    }

    /// Replaces every image with a project's (checked by
    /// [`ImageLibrary::check_project_images`]); returns their thumbnails.
    pub fn replace(&mut self, images: Vec<ProjectImage>) -> Vec<Thumbnail> {
        self.images.clear();
        images
            .into_iter()
            .map(|i| self.keep(i.name, i.image))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn good_and_bad_files_are_sorted_out() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        let (added, rejected) = t.add_files(vec![
            file("red.png", png([255, 0, 0])),
            file("notes.txt", b"hello".to_vec()),
            file("empty.jpg", vec![]),
            file("blue.png", png([0, 0, 255])),
        ]);
        assert_eq!(
            added.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["red.png", "blue.png"]
        );
        assert_eq!(added[0].rgba.len(), STORED_SIZE * STORED_SIZE * 4);
        assert_eq!(&added[0].rgba[..4], &[255, 0, 0, 255]);
        assert_eq!(rejected.len(), 2);
        assert_eq!(rejected[0].0, "notes.txt");
        assert!(rejected[1].1.contains("empty"));
        t.use_user().unwrap();
        assert_eq!(t.dataset_summary().1, 2);
        t.remove(added[0].id);
        assert_eq!(t.user_count(), 1);
        t.clear();
        assert_eq!(
            t.source(),
            Source::Builtin(Builtin::Drawn(Procedural::Rings)),
            "falls back to a built-in set"
        );
        assert!(t.use_user().is_err());
    }

    #[test]
    fn kept_images_come_back_in_another_trainer() {
        let mut first = Trainer::new(Device::flex(), tiny()).unwrap();
        let (added, _) = first.add_files(vec![
            file("red.png", png([255, 0, 0])),
            file("blue.png", png([0, 0, 255])),
        ]);
        // What the page keeps of each image, handed to a new worker after a lost device.
        let mut kept: Vec<NamedFile> = added.into_iter().map(|t| file(&t.name, t.rgba)).collect();
        kept.push(file("forged", vec![1, 2, 3]));
        let mut second = Trainer::new(Device::flex(), tiny()).unwrap();
        let (back, rejected) = second.restore(kept);
        assert_eq!(back.len(), 2);
        assert_eq!(
            rejected,
            vec![(
                "forged".to_string(),
                "not a kept image of this page".to_string()
            )]
        );
        second.use_user().unwrap();
        let pixels = second.pixels(2);
        assert_eq!(pixels.len(), 2 * 3 * 32 * 32);
        assert!(
            (pixels[0] - 1.0).abs() < 1e-6,
            "red survives: {}",
            pixels[0]
        );
        pollster::block_on(second.step(StepKind::Full).read()).unwrap();
    }

    #[test]
    fn images_added_while_training_on_them_join_the_data() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        t.add_files(vec![
            file("red.png", png([255, 0, 0])),
            file("blue.png", png([0, 0, 255])),
        ]);
        t.use_user().unwrap();
        full_step(&mut t);
        let per = 3 * 32 * 32;
        assert_eq!(t.training_pixels.len(), 2 * per);
        t.add_files(vec![file("green.png", png([0, 255, 0]))]);
        full_step(&mut t);
        assert_eq!(t.training_pixels.len(), 3 * per, "the data was built again");
    }
}
