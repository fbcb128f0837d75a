//! The span tagger with the real encoder (all-MiniLM-L6-v2 from PyPI, installed by
//! `scripts/setup-libtorch.sh`): training learns toy spans, a saved tagger reloads to the same
//! output, bad files are clear errors, and the shipped `models/attribution-tagger` finds a
//! quote's source, cue and content in a news paragraph. They fail, not skip, when the encoder is
//! missing.
#![cfg(feature = "model")]

use standpoint_stance::tagger::{
    tag_ensemble, SpanTagger, TaggedSpan, TaggerConfig, TaggerEvent, TaggerExample, TaggerTrainer,
};
use standpoint_stance::Error;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const NAMES: &[&str] = &[
    "Anna Berg",
    "the minister",
    "Paul Reed",
    "a spokesman",
    "Mara Lind",
];
const SAYS: &[&str] = &[
    "\u{201c}We will win,\u{201d}",
    "\u{201c}No deal today,\u{201d}",
];

/// "“…,” NAME said. The weather was mild." with spans (source 0, cue 1, content 2).
fn toy() -> Vec<(String, Vec<TaggedSpan>)> {
    let mut out = Vec::new();
    for name in NAMES {
        for quote in SAYS {
            let text = format!("{quote} {name} said. The weather was mild on Tuesday.");
            let q = quote.len();
            let n = q + 1 + name.len();
            out.push((
                text,
                vec![
                    TaggedSpan {
                        kind: 2,
                        start: 0,
                        end: q,
                    },
                    TaggedSpan {
                        kind: 0,
                        start: q + 1,
                        end: n,
                    },
                    TaggedSpan {
                        kind: 1,
                        start: n + 1,
                        end: n + 5,
                    },
                ],
            ));
        }
    }
    out
}

fn kinds() -> Vec<String> {
    ["source", "cue", "content"].map(String::from).to_vec()
}

#[test]
fn training_learns_and_a_saved_tagger_reloads_to_the_same_spans() {
    let data = toy();
    let examples: Vec<TaggerExample<'_>> = data
        .iter()
        .map(|(t, s)| TaggerExample {
            text: t,
            spans: s.clone(),
        })
        .collect();
    let trainer = TaggerTrainer {
        config: TaggerConfig {
            epochs: 30,
            learning_rate: 3e-3,
            batch_size: 5,
            window: 32,
            rank: 4,
            ..TaggerConfig::default()
        },
    };
    let mut losses = Vec::new();
    let model = trainer
        .train(
            &encoder_dir(),
            "all-MiniLM-L6-v2",
            &kinds(),
            &examples,
            |e| {
                if let TaggerEvent::Epoch { mean_loss, .. } = e {
                    losses.push(mean_loss);
                }
                Ok(())
            },
        )
        .unwrap();
    assert!(losses.last().unwrap() < &(losses[0] * 0.3), "{losses:?}");
    // A new speaker in the learnt frame: the name is the source, "said" the cue.
    let text = "\u{201c}We will win,\u{201d} Karl Omar said. The weather was mild on Tuesday.";
    let spans = model.tag(text).unwrap();
    let of = |k: usize| -> Vec<&str> {
        spans
            .iter()
            .filter(|s| s.kind == k)
            .map(|s| &text[s.start..s.end])
            .collect()
    };
    assert_eq!(of(1), ["said"], "{spans:?}");
    // An unseen name may come out as one span per word; it is the name either way.
    assert_eq!(of(0).join(" "), "Karl Omar", "{spans:?}");
    assert_eq!(of(2).len(), 1, "{spans:?}");

    let dir = TempDir::new("tagger");
    model.save(&dir.0, model.manifest()).unwrap();
    let loaded = SpanTagger::load(&dir.0, &encoder_dir()).unwrap();
    assert_eq!(loaded.tag(text).unwrap(), spans);
    // Long input is read in windows; offsets stay on the text.
    let long = text.repeat(20);
    let many = loaded.tag(&long).unwrap();
    assert!(
        many.iter().filter(|s| s.kind == 1).count() >= 18,
        "{many:?}"
    );
    for s in &many {
        assert!(
            long.is_char_boundary(s.start) && long.is_char_boundary(s.end) && s.end <= long.len()
        );
    }
}

fn load_error(dir: &std::path::Path) -> String {
    match SpanTagger::load(dir, &encoder_dir()) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{} loaded", dir.display()),
    }
}

#[test]
fn bad_tagger_folders_are_clear_errors() {
    let dir = TempDir::new("tagger-bad");
    assert!(load_error(&dir.0).contains("tagger.json"));
    let manifest = r#"{"kind":"span_tagger","kinds":["source","cue","content"],"encoder":"all-MiniLM-L6-v2",
        "weights_file":"tagger.safetensors","rank":8,"alpha":16.0,"window":256}"#;
    std::fs::write(dir.path("tagger.json"), manifest).unwrap();
    let e = load_error(&dir.0);
    assert!(
        e.contains("tagger.safetensors") && e.contains("missing"),
        "{e}"
    );
    std::fs::write(dir.path("tagger.safetensors"), b"not safetensors").unwrap();
    assert!(load_error(&dir.0).contains("tagger.safetensors"));
    std::fs::write(dir.path("tagger.json"), r#"{"kind":"cross_encoder"}"#).unwrap();
    assert!(load_error(&dir.0).contains("tagger.json"));
    let err = SpanTagger::load(&dir.0, &encoder_dir()).unwrap_err();
    assert!(matches!(err, Error::Manifest { .. }), "{err:?}");
}

#[test]
fn the_shipped_tagger_finds_source_cue_and_content() {
    let dir = root().join("models/attribution-tagger");
    let tagger = SpanTagger::load(&dir, &encoder_dir()).unwrap();
    let text = "Foreign ministers met in Geneva on Monday.\n\n\u{201c}We will not accept a \
                ceasefire that rewards aggression,\u{201d} Secretary of State Marco Rubio told \
                reporters after the talks.";
    let spans = tagger.tag(text).unwrap();
    let has = |k: usize, piece: &str| {
        spans
            .iter()
            .any(|s| s.kind == k && text[s.start..s.end].contains(piece))
    };
    assert!(has(0, "Rubio"), "{spans:?}");
    assert!(has(1, "told"), "{spans:?}");
    assert!(has(2, "rewards aggression"), "{spans:?}");
}

#[test]
fn an_ensemble_averages_taggers_of_one_kind() {
    let shipped = root().join("models/attribution-tagger");
    let text = "\u{201c}The door is open,\u{201d} said Mayor Tomas Reyes of Brenn on Tuesday. \
                Critics said the plan would fail.";
    let one = SpanTagger::load(&shipped, &encoder_dir()).unwrap();
    let alone = one.tag(text).unwrap();
    assert!(!alone.is_empty());
    // Two copies of one tagger: the same probabilities averaged, the same spans.
    let two = [one, SpanTagger::load(&shipped, &encoder_dir()).unwrap()];
    assert_eq!(tag_ensemble(&two, text).unwrap(), alone);
    // Taggers over different encoders do not mix.
    let dir = TempDir::new("tagger-other");
    for f in ["tagger.json", "tagger.safetensors"] {
        std::fs::copy(shipped.join(f), dir.path(f)).unwrap();
    }
    let manifest = std::fs::read_to_string(dir.path("tagger.json")).unwrap();
    std::fs::write(
        dir.path("tagger.json"),
        manifest.replace("all-MiniLM-L6-v2", "another-encoder"),
    )
    .unwrap();
    let other = SpanTagger::load(&dir.0, &encoder_dir()).unwrap();
    let [first, _] = two;
    let err = tag_ensemble(&[first, other], text).unwrap_err();
    assert!(matches!(err, Error::ModelFiles { .. }), "{err:?}");
    assert!(err.to_string().contains("another-encoder"), "{err}");
    assert!(tag_ensemble(&[], text).is_err());
}
