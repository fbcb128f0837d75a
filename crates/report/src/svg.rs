//! A small typed SVG (and HTML) layer: elements whose attributes and text are escaped when
//! written, path data built from points, and linear scales. Charts are built from these, never
//! from formatted strings.

use std::fmt::Write as _;

/// Escapes text for an HTML/SVG text node or a double-quoted attribute. Control characters
/// from the data (NUL, ESC, ...; not allowed in HTML or SVG) are shown as their Unicode
/// pictures (`␀`, `␛`), other controls as `�`; newline and tab stay.
///
/// ```
/// assert_eq!(standpoint_report::svg::escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
/// assert_eq!(standpoint_report::svg::escape("x\u{0}\u{1b}[31m\n"), "x\u{2400}\u{241b}[31m\n");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            '\u{7f}' => out.push('\u{2421}'),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text, escaped when written.
    Text(String),
    /// Text written as it is: only `'static` strings of the program (a page's own CSS and
    /// script), never data.
    Raw(&'static str),
}

/// An SVG or HTML element with attributes and children.
///
/// ```
/// use standpoint_report::svg::Element;
/// let e = Element::new("circle").num("cx", 10.0).num("cy", 5.25).attr("class", "mark")
///     .child(Element::new("title").text("Wire: +0.40"));
/// assert_eq!(e.to_string(),
///     r#"<circle cx="10" cy="5.25" class="mark"><title>Wire: +0.40</title></circle>"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// Elements written without a closing tag in HTML.
const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link"];

impl Element {
    /// An element without attributes or children.
    pub fn new(name: &'static str) -> Element {
        Element {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute (escaped when written).
    pub fn attr(mut self, key: &'static str, value: impl ToString) -> Element {
        self.attrs.push((key, value.to_string()));
        self
    }

    /// Adds a numeric attribute, written with at most two decimals.
    pub fn num(self, key: &'static str, value: f64) -> Element {
        self.attr(key, fmt_num(value))
    }

    /// Adds a child element.
    pub fn child(mut self, e: Element) -> Element {
        self.children.push(Node::Element(e));
        self
    }

    /// Adds text.
    pub fn text(mut self, t: impl Into<String>) -> Element {
        self.children.push(Node::Text(t.into()));
        self
    }

    /// Adds program text written unescaped (the inline CSS or script of a page).
    pub fn raw(mut self, t: &'static str) -> Element {
        self.children.push(Node::Raw(t));
        self
    }

    /// Adds a child element in place.
    pub fn push(&mut self, e: Element) {
        self.children.push(Node::Element(e));
    }

    /// Adds children.
    pub fn extend(mut self, es: impl IntoIterator<Item = Element>) -> Element {
        self.children.extend(es.into_iter().map(Node::Element));
        self
    }

    /// Adds a `<title>` child: the tooltip of an SVG mark.
    pub fn tooltip(self, t: impl Into<String>) -> Element {
        self.child(Element::new("title").text(t))
    }

    /// Writes the element.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v));
        }
        if VOID.contains(&self.name) {
            out.push('>');
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::Element(e) => e.write(out),
                Node::Text(t) => out.push_str(&escape(t)),
                Node::Raw(t) => out.push_str(t),
            }
        }
        let _ = write!(out, "</{}>", self.name);
    }
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

/// A number with at most two decimals and no trailing zeros.
fn fmt_num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Path data (`d` of a `<path>`), built from points.
///
/// ```
/// use standpoint_report::svg::PathData;
/// let d = PathData::default().move_to(0.0, 1.0).line_to(2.5, 3.0).close();
/// assert_eq!(d.as_str(), "M0 1L2.5 3Z");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathData(String);

impl PathData {
    /// Starts a subpath.
    pub fn move_to(mut self, x: f64, y: f64) -> PathData {
        let _ = write!(self.0, "M{} {}", fmt_num(x), fmt_num(y));
        self
    }

    /// A straight line.
    pub fn line_to(mut self, x: f64, y: f64) -> PathData {
        let _ = write!(self.0, "L{} {}", fmt_num(x), fmt_num(y));
        self
    }

    /// A line through points: a move to the first, a line to each next.
    ///
    /// ```
    /// use standpoint_report::svg::PathData;
    /// let d = PathData::through([(0.0, 0.0), (1.0, 2.0), (3.0, 2.0)]);
    /// assert_eq!(d.as_str(), "M0 0L1 2L3 2");
    /// ```
    pub fn through(points: impl IntoIterator<Item = (f64, f64)>) -> PathData {
        points
            .into_iter()
            .enumerate()
            .fold(PathData::default(), |d, (j, (x, y))| {
                if j == 0 {
                    d.move_to(x, y)
                } else {
                    d.line_to(x, y)
                }
            })
    }

    /// Closes the subpath.
    pub fn close(mut self) -> PathData {
        self.0.push('Z');
        self
    }

    /// Whether nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The data.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A linear map from a data domain to pixels.
///
/// ```
/// use standpoint_report::svg::Linear;
/// let x = Linear::new((-1.0, 1.0), (100.0, 300.0));
/// assert_eq!(x.map(0.0), 200.0);
/// assert_eq!(x.map(5.0), 300.0); // clamped to the range
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Linear {
    /// Maps `domain` onto `range`.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Linear {
        Linear { domain, range }
    }

    /// The pixel of a value, clamped to the range.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let t = if d1 == d0 { 0.5 } else { (v - d0) / (d1 - d0) };
        r0 + t.clamp(0.0, 1.0) * (r1 - r0)
    }
}
