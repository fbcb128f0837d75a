//! Prints the unlabelled pairs [`standpoint_stance::unlabelled::news_pairs`] makes from a JSONL
//! of articles (`{"id","text"}`), to read them before a teacher labels them:
//! `cargo run --release -p standpoint-stance --example news_pairs -- ARTICLES.jsonl N`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("articles file")?;
    let limit: usize = args.next().unwrap_or_else(|| "100".into()).parse()?;
    let text = std::fs::read_to_string(path)?;
    let docs: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["id"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = docs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for (id, text) in refs.iter().take(15) {
        let names = standpoint_stance::unlabelled::article_targets(text, 3);
        eprintln!("{id}: {names:?}");
    }
    let pairs =
        standpoint_stance::unlabelled::news_pairs(&refs, &["a carbon tax".into()], limit, 13);
    for p in pairs {
        println!("{}\t{}\t{}", p.doc, p.target, p.sentence);
    }
    Ok(())
}
