//! The built-in emoji sets' sheets: fetched by the worker when a set is first chosen, kept
//! here; training on a set waits for its sheet.

use model::emoji::EmojiSet;

use super::{Builtin, Source, Trainer};

impl Trainer {
    /// The emoji set whose sheet training needs and does not have (a project opened on it).
    pub fn missing_sheet(&self) -> Option<EmojiSet> {
        match self.source {
            Source::Builtin(Builtin::Emoji(set)) if !self.sheets.contains_key(&set) => Some(set),
            _ => None,
        }
    }

    /// Whether `set`'s sheet is here.
    pub fn has_sheet(&self, set: EmojiSet) -> bool {
        self.sheets.contains_key(&set)
    }

    /// Keeps `set`'s drawings from its sheet's bytes; a file that is not its sheet is refused.
    pub fn add_sheet(&mut self, set: EmojiSet, png: &[u8]) -> Result<(), String> {
        let images = set.images(png).map_err(|e| e.to_string())?;
        self.sheets.insert(set, images);
        if self.source == Source::Builtin(Builtin::Emoji(set)) {
            // Whatever stood in for the set until now.
            self.dataset = None;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn an_emoji_set_trains_once_its_sheet_is_here() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        let faces = Builtin::Emoji(EmojiSet::Faces);
        assert!(
            t.use_builtin(faces)
                .unwrap_err()
                .contains("not been fetched")
        );
        assert_eq!(
            t.source(),
            Source::Builtin(Builtin::Drawn(Procedural::Rings))
        );
        assert!(t.add_sheet(EmojiSet::Faces, b"not a sheet").is_err());
        assert!(!t.has_sheet(EmojiSet::Faces));
        let png = include_bytes!("../../../../public/datasets/faces.png");
        t.add_sheet(EmojiSet::Faces, png).unwrap();
        t.use_builtin(faces).unwrap();
        assert_eq!(t.missing_sheet(), None);
        assert_eq!(t.dataset_summary(), ("Emoji faces (Twemoji)".into(), 118));
        assert_eq!(t.pixels(usize::MAX).len(), 118 * 3 * 32 * 32);
        assert!(full_step(&mut t).is_finite());
    }

    #[test]
    fn a_project_on_an_emoji_set_trains_on_it_once_its_sheet_is_here() {
        let png = include_bytes!("../../../../public/datasets/faces.png");
        let mut first = Trainer::new(Device::flex(), tiny()).unwrap();
        first.add_sheet(EmojiSet::Faces, png).unwrap();
        first.use_builtin(Builtin::Emoji(EmojiSet::Faces)).unwrap();
        for _ in 0..2 {
            pollster::block_on(first.step(StepKind::Full).read()).unwrap();
        }
        let (data, images) = first.project_data();
        let checkpoint = checkpoint::save(&first.gan(), first.data_position().as_ref()).unwrap();
        let project = model::project::Project {
            data,
            images,
            checkpoint,
            page: serde_json::Value::Null,
        };
        let mut second = Trainer::new(Device::flex(), tiny()).unwrap();
        second.open_project(project).unwrap();
        assert_eq!(second.missing_sheet(), Some(EmojiSet::Faces));
        // Something that reads the data before the sheet arrives (a verdict) …
        second.dataset();
        second.add_sheet(EmojiSet::Faces, png).unwrap();
        assert_eq!(second.missing_sheet(), None);
        // … leaves no trace: the faces, at the saved run's position, the same next steps.
        for _ in 0..2 {
            let a = pollster::block_on(first.step(StepKind::Full).read()).unwrap();
            let b = pollster::block_on(second.step(StepKind::Full).read()).unwrap();
            assert_eq!(a, b);
        }
        assert_eq!(second.training_pixels.len(), 118 * 3 * 32 * 32);
    }
}
