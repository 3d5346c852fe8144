//! Horizontal bar charts as inline SVG: no script, no external asset, fixed size so they print
//! as they show. Colours come from the page's CSS classes; every text is escaped.

use crate::html::Esc;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Width of the whole chart, in SVG units (pixels at 100%).
const WIDTH: u32 = 700;
/// Where bars start: the label column's width plus a gap.
const BARS_X: u32 = 180;
/// The longest bar; the rest of the width holds the value text.
const BARS_W: u32 = 340;
const BAR_H: u32 = 14;
const BAR_GAP: u32 = 3;
const ROW_GAP: u32 = 10;
const TOP: u32 = 8;
const LEGEND_H: u32 = 20;

/// The longest label the label column holds, in characters.
const LABEL_CHARS: usize = 24;

/// `label`, cut to [`LABEL_CHARS`] with an ellipsis (the full text stays in the aria-label).
fn shorten(label: &str) -> std::borrow::Cow<'_, str> {
    match label.char_indices().nth(LABEL_CHARS) {
        Some((at, _)) => format!("{}…", &label[..at]).into(),
        None => label.into(),
    }
}

/// One bar of a row.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Its value, on the chart's scale.
    pub value: f64,
    /// The CSS class that colours it.
    pub class: &'static str,
}

/// One labelled row of bars.
#[derive(Debug, Clone)]
pub struct ChartRow {
    /// What the row counts.
    pub label: String,
    /// Its bars, top to bottom.
    pub bars: Vec<Bar>,
    /// A vertical marker across the row (e.g. the previous value), on the chart's scale.
    pub marker: Option<f64>,
    /// The value as text, shown after the bars and read out by screen readers.
    pub text: String,
}

/// A chart.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// Its `data-chart` name.
    pub name: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The value of a full-width bar (at least 1).
    pub max: f64,
    /// Its rows, top to bottom.
    pub rows: Vec<ChartRow>,
    /// The legend: (CSS class, text).
    pub legend: Vec<(&'static str, &'static str)>,
    /// Shown instead of bars when there are no rows.
    pub empty: &'a str,
}

impl Chart<'_> {
    fn row_height(row: &ChartRow) -> u32 {
        let n = row.bars.len().max(1) as u32;
        n * BAR_H + (n - 1) * BAR_GAP
    }

    /// Writes the chart as `<svg class="chart" data-chart=…>`.
    pub fn write<W: Write>(&self, w: &mut W) -> io::Result<()> {
        let legend_h = if self.legend.is_empty() { 0 } else { LEGEND_H };
        let body: u32 = if self.rows.is_empty() {
            BAR_H + ROW_GAP
        } else {
            self.rows
                .iter()
                .map(|r| Self::row_height(r) + ROW_GAP)
                .sum()
        };
        let height = TOP + legend_h + body;
        let mut label = format!("{}:", self.title);
        for r in &self.rows {
            let _ = write!(label, " {} {};", r.label, r.text);
        }
        if self.rows.is_empty() {
            let _ = write!(label, " {}", self.empty);
        }
        write!(
            w,
            "<svg class=\"chart\" data-chart=\"{}\" role=\"img\" aria-label=\"{}\" \
             viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\">\
             <title>{}</title>",
            Esc(self.name),
            Esc(&label),
            Esc(self.title),
        )?;
        let mut y = TOP;
        if !self.legend.is_empty() {
            let mut x = BARS_X;
            for (class, text) in &self.legend {
                write!(
                    w,
                    "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\"/>\
                     <text x=\"{}\" y=\"{}\">{}</text>",
                    x + 14,
                    y + 9,
                    Esc(text)
                )?;
                x += 24 + 7 * text.len() as u32;
            }
            y += legend_h;
        }
        if self.rows.is_empty() {
            write!(
                w,
                "<text x=\"{BARS_X}\" y=\"{}\">{}</text>",
                y + BAR_H - 3,
                Esc(self.empty)
            )?;
        }
        let max = self.max.max(1.0);
        let scale = |v: f64| (v.max(0.0).min(max) / max * f64::from(BARS_W)).round();
        for row in &self.rows {
            let h = Self::row_height(row);
            write!(
                w,
                "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                BARS_X - 8,
                y + h / 2 + 4,
                Esc(&shorten(&row.label))
            )?;
            writeln!(
                w,
                "<rect class=\"track\" x=\"{BARS_X}\" y=\"{y}\" width=\"{BARS_W}\" height=\"{h}\"/>"
            )?;
            let mut by = y;
            let mut widest = 0.0f64;
            for bar in &row.bars {
                let bw = scale(bar.value);
                widest = widest.max(bw);
                write!(
                    w,
                    "<rect class=\"{}\" x=\"{BARS_X}\" y=\"{by}\" width=\"{bw}\" height=\"{BAR_H}\"/>",
                    bar.class
                )?;
                by += BAR_H + BAR_GAP;
            }
            if let Some(m) = row.marker {
                let mx = f64::from(BARS_X) + scale(m);
                widest = widest.max(scale(m));
                write!(
                    w,
                    "<line class=\"marker\" x1=\"{mx}\" x2=\"{mx}\" y1=\"{}\" y2=\"{}\"/>",
                    y.saturating_sub(2),
                    y + h + 2
                )?;
            }
            write!(
                w,
                "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
                f64::from(BARS_X) + widest + 6.0,
                y + h / 2 + 4,
                Esc(&row.text)
            )?;
            y += h + ROW_GAP;
        }
        w.write_all(b"</svg>\n")
    }
}
