import Foundation
import Testing
@testable import AWS
@testable import Charts

@Suite("Charts: deflate, PNG and the bar chart, read back by Python's zlib")
struct ChartTests {
    static func sha256(_ bytes: [UInt8]) -> String { Digest.hex(Digest.sha256(bytes)) }

    @Test("deflate round-trips through zlib: empty, every byte value, long runs, repeats at every distance, noise")
    func deflate() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let phrase = Array("the weekly report, the weekly chart; ".utf8)
        let inputs: [[UInt8]] = [
            [], Array(0...255), [UInt8](repeating: 7, count: 100_000), (0..<40_000).map { phrase[$0 % phrase.count] },
            noise, noise.prefix(5_000) + noise.prefix(5_000) + noise.prefix(40_000).suffix(30_000) + noise.prefix(5_000),
        ]
        for input in inputs {
            let inflated = try PNGCheck.inflate(Deflate.zlib(input, rowLength: 601))
            #expect(inflated.length == input.count && inflated.sha256 == Self.sha256(input), "\(input.count) bytes")
        }
        #expect(Deflate.zlib([UInt8](repeating: 7, count: 100_000)).count < 1_000, "a run shrinks")
    }

    static let green = PNG.Color(46, 158, 91), red = PNG.Color(217, 83, 79)

    static func chart(_ values: [(Double?, Double?)]) -> BarChart {
        BarChart(title: "Savings per week", axisLabel: "US dollars", series: [.init(name: "Saved", color: green), .init(name: "Overdue cost", color: red)],
                 groups: values.enumerated().map { BarChart.Group(label: "W\($0.offset + 1)", values: [$0.element.0, $0.element.1]) },
                 format: { "$\(Int($0.rounded()))" })
    }

    @Test("the chart: 900x420, each series' bars in its colour and taller for a larger value, labels in ink, a week not measured not drawn, small enough for a Teams card")
    func chart() throws {
        let chart = Self.chart([(10, 40), (20, nil), (0, 5), (40, 80), (35, 20), (50, 10), (60, 0), (80, 30)])
        let png = chart.png()
        let bitmap = chart.bitmap()
        // The first group's bars: saved ($10) and overdue ($40) at the bottom of the plot.
        let groupWidth = (BarChart.width - 20 - 110) / 8, barWidth = min(40, (groupWidth - 16) / 2)
        let firstBar = 110 + (groupWidth - barWidth * 2) / 2 + barWidth / 2
        let check = try PNGCheck.read(png, points: [(firstBar, BarChart.height - 52), (firstBar + barWidth, BarChart.height - 52), (5, 5)])
        #expect(check.width == 900 && check.height == 420 && check.bytes == png.count)
        #expect(check.pixels["\(firstBar),\(BarChart.height - 52)"] == "2e9e5b" && check.pixels["\(firstBar + barWidth),\(BarChart.height - 52)"] == "d9534f")
        #expect(check.pixels["5,5"] == "ffffff")
        #expect((check.counts["222222"] ?? 0) > 2_000, "the title, legend, axis and figures are drawn: \(check.counts)")
        // Bar areas follow the values: saved totals 295 (the 0 draws nothing), overdue 185 over the weeks measured.
        let saved = Double(check.counts["2e9e5b"] ?? 0), overdue = Double(check.counts["d9534f"] ?? 0)
        #expect(abs(saved / overdue - 295.0 / 185.0) < 0.08, "\(saved) \(overdue)")
        #expect(png.count < 16_000, "\(png.count) bytes")
        #expect(bitmap.pixels.count == 900 * 420)
    }

    @Test("the axis steps are 1, 2 or 5 times a power of ten, at most five of them")
    func steps() {
        #expect(BarChart.step(for: 0) == 1)
        #expect(BarChart.step(for: 4.2) == 1)
        #expect(BarChart.step(for: 80) == 20)
        #expect(BarChart.step(for: 101) == 50)
        #expect(BarChart.step(for: 1_234) == 500)
        #expect(BarChart.step(for: 0.3) == 0.1)
    }

    @Test("the font draws what figures need, and a box for what it lacks")
    func font() {
        for character in "0123456789$.,-:/()%ABCDEFGHIJKLMNOPQRSTUVWXYZ" { #expect(PixelFont.has(character), "\(character)") }
        #expect(PixelFont.glyph("€") == PixelFont.missing)
        #expect(PixelFont.glyphs.values.allSatisfy { $0.count == PixelFont.height && $0.allSatisfy { $0 < 32 } })
        var bitmap = Bitmap(width: 20, height: 10)
        #expect(bitmap.text("1", x: 0, y: 0, 1) == PixelFont.advance)
        #expect(bitmap[2, 0] == 1 && bitmap[0, 0] == 0, "the 1's top is in its middle column")
    }
}
