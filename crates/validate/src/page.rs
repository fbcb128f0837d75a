//! The labelling page: one self-contained HTML file (no network, no server) that shows a
//! sample's sentences one at a time with their context, takes F / A / N / S(kip) / U(ndo) from
//! the keyboard, keeps the work in the browser's storage, and exports the sample file with its
//! `label` column filled (CSV or JSONL, as the sample was).

use crate::labels::Row;

const TEMPLATE: &str = include_str!("../assets/label.html");

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page for `rows` of the sample file named `file_name` (the export keeps its format:
/// `.csv` gives CSV, anything else JSONL).
///
/// ```
/// use standpoint_validate::page::label_page;
/// let page = label_page(&[], "sample.csv");
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains(r#"const FORMAT = "csv";"#));
/// ```
pub fn label_page(rows: &[Row], file_name: &str) -> String {
    let format = if file_name.to_ascii_lowercase().ends_with(".csv") {
        "csv"
    } else {
        "jsonl"
    };
    // Inside <script type="application/json">: nothing may close the element or open a comment.
    let data = serde_json::to_string(rows)
        .unwrap_or_else(|_| "[]".into())
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let file = serde_json::to_string(file_name).unwrap_or_else(|_| "\"sample\"".into());
    let title = rows
        .first()
        .map_or(String::new(), |r| html_escape(&r.target));
    TEMPLATE
        .replace("__TITLE__", &title)
        .replace("\"__FORMAT__\"", &format!("\"{format}\""))
        .replace("\"__FILE__\"", &file)
        .replace("__ROWS__", &data)
}
