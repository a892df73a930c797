//! The report's timeline: events, non-compliant evaluations and reverts per interval of the
//! period, drawn as inline SVG (no script, nothing fetched).

use maud::{html, Markup};

/// What happened at one moment of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Seconds since the period's start.
    pub at: u64,
    /// The evaluation found the resource non-compliant.
    pub non_compliant: bool,
    /// The responder reverted the resource.
    pub reverted: bool,
}

/// Counts of one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Evaluations recorded.
    pub events: usize,
    /// Of which non-compliant.
    pub non_compliant: usize,
    /// Reverts made.
    pub reverts: usize,
}

impl Bucket {
    /// Its counts with the CSS class each is drawn in, in drawing order.
    pub fn series(&self) -> [(&'static str, usize); 3] {
        [
            ("events", self.events),
            ("noncompliant", self.non_compliant),
            ("reverts", self.reverts),
        ]
    }
}

/// Intervals the period is cut into.
pub const BUCKETS: usize = 48;

/// `marks` counted into [`BUCKETS`] equal intervals of a period `length` seconds long (a mark
/// outside the period is left out).
pub fn buckets(marks: &[Mark], length: u64) -> Vec<Bucket> {
    let mut out = vec![Bucket::default(); BUCKETS];
    let length = length.max(1);
    for mark in marks.iter().filter(|m| m.at <= length) {
        let index = usize::try_from(mark.at.saturating_mul(BUCKETS as u64) / length)
            .unwrap_or(BUCKETS)
            .min(BUCKETS - 1);
        let bucket = &mut out[index];
        bucket.events += 1;
        bucket.non_compliant += usize::from(mark.non_compliant);
        bucket.reverts += usize::from(mark.reverted);
    }
    out
}

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 40.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The timeline as an `<svg>` element; `labels` are the period's start, middle and end.
pub fn svg(buckets: &[Bucket], labels: [&str; 3]) -> Markup {
    let max = buckets.iter().map(|b| b.events).max().unwrap_or(0).max(1);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT) / buckets.len().max(1) as f64;
    let bar = (slot / 3.0 - 1.0).max(1.0);
    let y = |n: usize| TOP + plot_h - plot_h * n as f64 / max as f64;
    let height = |n: usize| plot_h * n as f64 / max as f64;
    html! {
        svg.timeline viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
            aria-label="Events, non-compliant evaluations and reverts over the period" {
            line.axis x1=(LEFT) y1=(TOP + plot_h) x2=(WIDTH) y2=(TOP + plot_h) {}
            line.grid x1=(LEFT) y1=(TOP) x2=(WIDTH) y2=(TOP) {}
            text.label x=(LEFT - 6.0) y=(TOP + 4.0) text-anchor="end" { (max) }
            text.label x=(LEFT - 6.0) y=(TOP + plot_h) text-anchor="end" { "0" }
            @for (i, bucket) in buckets.iter().enumerate() {
                @for (k, (class, n)) in bucket.series().into_iter().enumerate() {
                    @if n > 0 {
                        rect class=(class) x=(format!("{:.1}", LEFT + slot * i as f64 + k as f64 * (bar + 1.0)))
                            y=(format!("{:.1}", y(n))) width=(format!("{bar:.1}"))
                            height=(format!("{:.1}", height(n))) rx="1" {
                            title { (n) " " (class) }
                        }
                    }
                }
            }
            text.label x=(LEFT) y=(HEIGHT - 8.0) { (labels[0]) }
            text.label x=(LEFT + (WIDTH - LEFT) / 2.0) y=(HEIGHT - 8.0) text-anchor="middle" { (labels[1]) }
            text.label x=(WIDTH) y=(HEIGHT - 8.0) text-anchor="end" { (labels[2]) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_fall_into_their_interval_and_outside_ones_are_left_out() {
        let mark = |at, non_compliant, reverted| Mark {
            at,
            non_compliant,
            reverted,
        };
        // Intervals of 100 s, whatever the number of buckets.
        let step = 100;
        let length = BUCKETS as u64 * step;
        let counted = buckets(
            &[
                mark(0, true, false),
                mark(step - 1, false, true),
                mark(step, true, false),
                mark(length, false, false),
                mark(length + 1, true, true),
            ],
            length,
        );
        assert_eq!(
            counted[0],
            Bucket {
                events: 2,
                non_compliant: 1,
                reverts: 1
            }
        );
        assert_eq!(counted[1].events, 1);
        assert_eq!(
            counted[BUCKETS - 1].events,
            1,
            "the end belongs to the last"
        );
        assert_eq!(counted.iter().map(|b| b.events).sum::<usize>(), 4);
    }

    #[test]
    fn the_svg_draws_one_bar_per_non_empty_count() {
        let mut counted = vec![Bucket::default(); BUCKETS];
        counted[3] = Bucket {
            events: 4,
            non_compliant: 2,
            reverts: 0,
        };
        let svg = svg(&counted, ["a", "b", "<c>"]).into_string();
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert!(svg.contains("&lt;c&gt;"), "labels are escaped");
    }
}
