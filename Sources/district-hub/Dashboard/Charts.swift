import Foundation
import SyncCore
import WebSupport

/// Charts drawn on the server as SVG: no JavaScript, nothing loaded from elsewhere, and they
/// print.
enum Charts {
    /// One horizontal bar per row: `value` of `total` (counts, or points with decimals), labelled.
    struct Bar {
        var label: String
        var value: Double
        var total: Double

        init(label: String, value: some BinaryInteger, total: some BinaryInteger) {
            self.init(label: label, points: Double(value), of: Double(total))
        }

        init(label: String, points: Double, of total: Double) {
            self.label = label
            value = points
            self.total = total
        }
    }

    static func bars(_ bars: [Bar], title: String, unit: String) -> HTML {
        let rowHeight = 22, labelWidth = 190, barWidth = 420, top = 26
        let height = top + bars.count * rowHeight + 8
        let rows = bars.enumerated().map { index, bar -> HTML in
            let y = top + index * rowHeight
            let fraction = bar.total > 0 ? bar.value / bar.total : 0
            let width = Int((fraction * Double(barWidth)).rounded())
            return """
                <text x="\(labelWidth - 8)" y="\(y + 15)" text-anchor="end">\(bar.label)</text>
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(barWidth)" height="\(rowHeight - 6)" fill="#e5e7eb"/>
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(width)" height="\(rowHeight - 6)" fill="#1f7a3a"/>
                <text x="\(labelWidth + barWidth + 8)" y="\(y + 15)">\(Points.text(bar.value))/\(Points.text(bar.total)) \(unit)</text>
                """
        }.joined()
        return """
            <figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(labelWidth + barWidth + 130) \(height)" role="img" aria-label="\(title)" font-size="12" font-family="Noto Sans, DejaVu Sans, sans-serif">
            <text x="0" y="16" font-weight="bold">\(title)</text>
            \(rows)
            </svg></figure>
            """
    }
}
