//! The page's view as the address's hash carries it, so a link reopens the same view: the
//! explorer's (which generator, the seed, z, the interpolation ends A and B, t, lerp or slerp,
//! the strip's length), the panels to hide (a teacher can show only the explorer on a
//! projector), the lesson's step, the theme and the text size.
//!
//! `#src=faces&seed=3&z=…&a=…&b=…&t=0.500&mode=slerp&frames=12&hide=data,train,live`
//!
//! Latent vectors are written as base64url of little-endian i16 in thousandths: 64 numbers take
//! 171 characters. The view keeps every vector already rounded to thousandths, so what a link
//! restores is exactly what was on screen.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use model::latent::{Interpolation, seeded_normal};

use protocol::messages::{GeneratorSource, Showcase};

/// Steps per unit of a latent component in the link.
const SCALE: f32 = 1000.0;
/// Longest latent vector a link may carry.
const MAX_LATENT: usize = 512;
/// Frames the strip may have.
pub const FRAMES: std::ops::RangeInclusive<usize> = 8..=16;

/// A panel of the page that a link may hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Panel {
    /// The 2-D lab.
    Lab,
    /// 1 · the images.
    Data,
    /// 2 · training controls.
    Train,
    /// 3 · the live samples and charts.
    Live,
    /// The game: D's verdict, the losses with their numbers, the architecture.
    Game,
    /// The explanations beside the explorer's controls.
    Notes,
}

impl Panel {
    /// Every panel, in page order.
    pub const ALL: [Panel; 6] = [
        Panel::Lab,
        Panel::Data,
        Panel::Train,
        Panel::Live,
        Panel::Game,
        Panel::Notes,
    ];

    /// Its name in links.
    pub fn key(self) -> &'static str {
        match self {
            Panel::Lab => "lab",
            Panel::Data => "data",
            Panel::Train => "train",
            Panel::Live => "live",
            Panel::Game => "game",
            Panel::Notes => "notes",
        }
    }
}

/// What the page shows, as its address's hash says: the explorer's view, and the classroom's
/// settings (hidden panels, lesson step, theme, text size).
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    /// Which generator draws.
    pub source: GeneratorSource,
    /// Seed of the last random z (Randomize counts on from it).
    pub seed: u64,
    /// The previewed latent vector.
    pub z: Vec<f32>,
    /// Interpolation start.
    pub a: Vec<f32>,
    /// Interpolation end.
    pub b: Vec<f32>,
    /// Position between A (0) and B (1).
    pub t: f32,
    /// Straight line or great circle.
    pub mode: Interpolation,
    /// Frames in the strip.
    pub frames: usize,
    /// Panels hidden, in page order.
    pub hidden: Vec<Panel>,
    /// The lesson's step shown (1-based), if the lesson is open.
    pub lesson: Option<usize>,
    /// Light or dark, where the user chose (else the system's preference).
    pub theme: Option<Theme>,
    /// Text size in percent of the browser's (100 by default).
    pub text: u32,
}

/// The page's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light panels: for a projector in a lit room.
    Light,
    /// Light text on dark panels.
    Dark,
}

impl Theme {
    /// Its name in links and in the page's `data-theme`.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The text sizes offered, in percent.
pub const TEXT_SIZES: [u32; 4] = [100, 125, 150, 200];

/// `v` rounded to what a link can carry.
pub fn quantize(v: &[f32]) -> Vec<f32> {
    v.iter().map(|x| quantum(*x) as f32 / SCALE).collect()
}

fn quantum(x: f32) -> i16 {
    (x * SCALE).round().clamp(i16::MIN as f32, i16::MAX as f32) as i16
}

/// A latent vector as link text.
pub fn encode_latent(v: &[f32]) -> String {
    let bytes: Vec<u8> = v.iter().flat_map(|x| quantum(*x).to_le_bytes()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A latent vector from link text.
pub fn decode_latent(text: &str) -> Result<Vec<f32>, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("not base64url ({e})"))?;
    if bytes.is_empty() || bytes.len() % 2 != 0 || bytes.len() / 2 > MAX_LATENT {
        return Err(format!("{} bytes is not a latent vector", bytes.len()));
    }
    Ok(bytes
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / SCALE)
        .collect())
}

/// A seeded standard normal vector, rounded for links.
pub fn random_latent(seed: u64, latent: usize) -> Vec<f32> {
    quantize(&seeded_normal(seed, 1, latent).remove(0))
}

impl PageView {
    /// The view a page opens with for a generator of `latent` inputs.
    pub fn new(latent: usize) -> Self {
        Self {
            source: GeneratorSource::default(),
            seed: 0,
            z: random_latent(0, latent),
            a: random_latent(1, latent),
            b: random_latent(2, latent),
            t: 0.5,
            mode: Interpolation::Slerp,
            frames: 12,
            hidden: Vec::new(),
            lesson: None,
            theme: None,
            text: 100,
        }
    }

    /// Resizes z, A and B to `latent` (new components drawn from the seed), leaving vectors
    /// that already fit untouched.
    pub fn fit(&mut self, latent: usize) {
        let seed = self.seed;
        for (i, v) in [&mut self.z, &mut self.a, &mut self.b]
            .into_iter()
            .enumerate()
        {
            if v.len() != latent {
                let fresh = random_latent(seed.wrapping_add(i as u64), latent);
                v.truncate(latent);
                let have = v.len();
                v.extend_from_slice(&fresh[have..]);
            }
        }
    }

    /// A fresh random vector of z's size: Randomize counts the seed on from the link's.
    pub fn next_random(&mut self) -> Vec<f32> {
        self.seed += 1;
        random_latent(self.seed, self.z.len())
    }

    /// Whether a panel is hidden.
    pub fn hides(&self, panel: Panel) -> bool {
        self.hidden.contains(&panel)
    }

    /// The view as a hash (without the `#`).
    pub fn to_hash(&self) -> String {
        let mut parts = vec![
            format!(
                "src={}",
                match self.source {
                    GeneratorSource::Pretrained(showcase) => showcase.link_name(),
                    GeneratorSource::Training => "own",
                }
            ),
            format!("seed={}", self.seed),
            format!("z={}", encode_latent(&self.z)),
            format!("a={}", encode_latent(&self.a)),
            format!("b={}", encode_latent(&self.b)),
            format!("t={:.3}", self.t),
            format!(
                "mode={}",
                match self.mode {
                    Interpolation::Lerp => "lerp",
                    Interpolation::Slerp => "slerp",
                }
            ),
            format!("frames={}", self.frames),
        ];
        if !self.hidden.is_empty() {
            let keys: Vec<&str> = self.hidden.iter().map(|p| p.key()).collect();
            parts.push(format!("hide={}", keys.join(",")));
        }
        if let Some(step) = self.lesson {
            parts.push(format!("lesson={step}"));
        }
        if let Some(theme) = self.theme {
            parts.push(format!("theme={}", theme.key()));
        }
        if self.text != 100 {
            parts.push(format!("text={}", self.text));
        }
        parts.join("&")
    }

    /// The view a hash describes, for a generator of `latent` inputs, and a line per part that
    /// could not be read (each such part keeps its default). Never fails.
    pub fn from_hash(hash: &str, latent: usize) -> (Self, Vec<String>) {
        let mut view = Self::new(latent);
        let mut problems = Vec::new();
        let hash = hash.trim_start_matches('#');
        // The hash is `key=value` pairs whose values never need percent-encoding (digits,
        // base64url, commas), so a split is the whole parser.
        for pair in hash.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let result: Result<(), String> = match key {
                "src" => parse_source(value).map(|s| view.source = s),
                "seed" => value
                    .parse()
                    .map(|s| view.seed = s)
                    .map_err(|_| "is not a whole number".into()),
                "z" => decode_latent(value).map(|v| view.z = v),
                "a" => decode_latent(value).map(|v| view.a = v),
                "b" => decode_latent(value).map(|v| view.b = v),
                "t" => parse_t(value).map(|t| view.t = t),
                "mode" => parse_mode(value).map(|m| view.mode = m),
                "frames" => parse_frames(value).map(|n| view.frames = n),
                "hide" => value
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        Panel::ALL
                            .into_iter()
                            .find(|p| p.key() == k)
                            .ok_or(format!("has an unknown panel '{k}'"))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(|mut panels| {
                        panels.sort();
                        panels.dedup();
                        view.hidden = panels;
                    }),
                "lesson" => match value.parse::<usize>() {
                    Ok(step) if (1..=crate::lesson::STEPS.len()).contains(&step) => {
                        view.lesson = Some(step);
                        Ok(())
                    }
                    _ => Err(format!(
                        "is not a step of the lesson (1 to {})",
                        crate::lesson::STEPS.len()
                    )),
                },
                "theme" => match value {
                    "light" | "dark" => {
                        view.theme = Some(if value == "light" {
                            Theme::Light
                        } else {
                            Theme::Dark
                        });
                        Ok(())
                    }
                    _ => Err("is neither light nor dark".into()),
                },
                "text" => match value.parse::<u32>() {
                    Ok(size) if TEXT_SIZES.contains(&size) => {
                        view.text = size;
                        Ok(())
                    }
                    _ => Err(format!("is not one of the text sizes {TEXT_SIZES:?}")),
                },
                _ => Err("is not a setting of this page".into()),
            };
            if let Err(why) = result {
                let shown: String = pair.chars().take(40).collect();
                problems.push(format!("'{shown}' {why}"));
            }
        }
        // A z of another length comes from a generator of another size: it cannot be restored.
        for (name, v) in [("z", &view.z), ("a", &view.a), ("b", &view.b)] {
            if v.len() != latent {
                problems.push(format!(
                    "{name} has {} numbers where this generator takes {latent}",
                    v.len()
                ));
            }
        }
        view.fit(latent);
        (view, problems)
    }
}

fn parse_source(value: &str) -> Result<GeneratorSource, String> {
    if value == "own" {
        return Ok(GeneratorSource::Training);
    }
    Showcase::from_link_name(value)
        .map(GeneratorSource::Pretrained)
        .ok_or_else(|| {
            let names: Vec<_> = Showcase::ALL.map(Showcase::link_name).into();
            format!("is none of {} and own", names.join(", "))
        })
}

fn parse_t(value: &str) -> Result<f32, String> {
    match value.parse::<f32>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err("is not a number from 0 to 1".into()),
    }
}

fn parse_mode(value: &str) -> Result<Interpolation, String> {
    match value {
        "lerp" => Ok(Interpolation::Lerp),
        "slerp" => Ok(Interpolation::Slerp),
        _ => Err("is neither lerp nor slerp".into()),
    }
}

fn parse_frames(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if FRAMES.contains(&n) => Ok(n),
        _ => Err(format!(
            "is not a number from {} to {}",
            FRAMES.start(),
            FRAMES.end()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latent_vectors_survive_the_link_to_the_thousandth() {
        let z = seeded_normal(4, 1, 64).remove(0);
        let text = encode_latent(&z);
        assert_eq!(text.len(), 171);
        assert!(
            text.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        let back = decode_latent(&text).unwrap();
        assert_eq!(back.len(), 64);
        assert!(z.iter().zip(&back).all(|(a, b)| (a - b).abs() <= 0.0005));
        // Once rounded, a vector is carried exactly.
        assert_eq!(decode_latent(&encode_latent(&back)).unwrap(), back);
        assert_eq!(quantize(&[1.23, -40.0, 40.0]), vec![1.23, -32.768, 32.767]);
    }

    #[test]
    fn a_view_round_trips_through_its_hash() {
        let mut view = PageView::new(64);
        view.source = GeneratorSource::Training;
        view.seed = 41;
        view.z = random_latent(41, 64);
        view.z[5] = -2.75;
        view.t = 0.25;
        view.mode = Interpolation::Lerp;
        view.frames = 9;
        view.hidden = vec![Panel::Data, Panel::Live];
        let hash = view.to_hash();
        assert!(hash.contains("hide=data,live"), "{hash}");
        let (back, problems) = PageView::from_hash(&format!("#{hash}"), 64);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back, view);
    }

    #[test]
    fn lesson_theme_and_text_size_travel_in_the_link() {
        let mut view = PageView::new(8);
        view.lesson = Some(3);
        view.theme = Some(Theme::Light);
        view.text = 150;
        let hash = view.to_hash();
        assert!(hash.ends_with("lesson=3&theme=light&text=150"), "{hash}");
        assert_eq!(PageView::from_hash(&hash, 8), (view, vec![]));
        let (view, problems) = PageView::from_hash("lesson=99&theme=pink&text=7", 8);
        assert_eq!((view.lesson, view.theme, view.text), (None, None, 100));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("1 to 14"), "{problems:?}");
        // Only a short link: the rest of the view keeps its defaults.
        assert_eq!(PageView::from_hash("#lesson=2", 8).0.lesson, Some(2));
    }

    #[test]
    fn a_malformed_hash_gives_defaults_and_says_why() {
        let defaults = PageView::new(64);
        let (view, problems) = PageView::from_hash(
            "z=%%%&t=7&mode=zigzag&frames=99&hide=data,moon&src=x&seed=-1&colour=red&a=A",
            64,
        );
        assert_eq!(problems.len(), 9, "{problems:?}");
        assert!(problems[0].contains("base64"), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("moon")));
        assert_eq!(view, defaults);
        // Garbage that is not even pairs.
        let (view, problems) = PageView::from_hash("#💥&&=&==", 64);
        assert_eq!(view, defaults);
        assert_eq!(problems.len(), 3, "{problems:?}");
        // An empty hash is the default view, silently.
        assert_eq!(PageView::from_hash("", 64), (defaults, vec![]));
    }

    #[test]
    fn each_shipped_generator_has_its_link_and_old_links_still_open() {
        for source in Showcase::ALL
            .map(GeneratorSource::Pretrained)
            .into_iter()
            .chain([GeneratorSource::Training])
        {
            let view = PageView {
                source,
                ..PageView::new(8)
            };
            assert_eq!(PageView::from_hash(&view.to_hash(), 8), (view, vec![]));
        }
        for (old, showcase) in [("pre", Showcase::Digits), ("food", Showcase::Emoji)] {
            let (view, problems) = PageView::from_hash(&format!("src={old}"), 8);
            assert_eq!(view.source, GeneratorSource::Pretrained(showcase));
            assert!(problems.is_empty());
        }
        let (view, problems) = PageView::from_hash("src=cats", 8);
        assert_eq!(view.source, GeneratorSource::default());
        assert!(
            problems[0].contains("none of faces, emoji, digits and own"),
            "{problems:?}"
        );
    }

    #[test]
    fn randomize_counts_the_seed_on() {
        let mut view = PageView::new(16);
        let first = view.next_random();
        assert_eq!((view.seed, first.clone()), (1, random_latent(1, 16)));
        assert_ne!(view.next_random(), first);
        assert_eq!(view.seed, 2);
    }

    #[test]
    fn a_z_of_another_size_is_fitted_and_reported() {
        let short = encode_latent(&[0.5; 10]);
        let (view, problems) = PageView::from_hash(&format!("z={short}"), 64);
        assert_eq!(view.z.len(), 64);
        assert_eq!(&view.z[..10], &[0.5; 10]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let mut fitted = view.clone();
        fitted.fit(100);
        assert_eq!(fitted.a.len(), 100);
        assert_eq!(&fitted.a[..64], &view.a[..]);
    }
}
