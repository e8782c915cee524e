/// Grouped bars with a labelled dollar axis: for the weekly report, each week's savings beside what
/// overdue instances cost in it. Drawn on a `Bitmap` and written as a palette PNG; no fonts, no
/// libraries: what a Lambda bundle can carry.
public struct BarChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: PNG.Color
        public init(name: String, color: PNG.Color) {
            self.name = name
            self.color = color
        }
    }

    public struct Group: Sendable {
        public var label: String
        /// One value per series; nil: not measured (marked `n/a`, not drawn as zero).
        public var values: [Double?]
        public init(label: String, values: [Double?]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var axisLabel: String
    public var series: [Series]
    public var groups: [Group]
    /// How a value reads on the axis and above its bar (`$1,234`).
    public var format: @Sendable (Double) -> String

    public init(title: String, axisLabel: String, series: [Series], groups: [Group], format: @escaping @Sendable (Double) -> String) {
        self.title = title
        self.axisLabel = axisLabel
        self.series = series
        self.groups = groups
        self.format = format
    }

    public static let width = 900
    public static let height = 420

    enum Ink: UInt8 { case paper = 0, text, grid, axis, first }
    static let inks = [PNG.Color(255, 255, 255), PNG.Color(34, 34, 34), PNG.Color(225, 225, 225), PNG.Color(120, 120, 120)]

    /// The axis's step: 1, 2 or 5 times a power of ten, so that at most five steps reach `maximum`.
    static func step(for maximum: Double) -> Double {
        guard maximum > 0, maximum.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= maximum / 5 { power *= 10 }
        while power > maximum / 5 && power > 0.01 { power /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where power * factor * 5 >= maximum { return power * factor }
        return power * 10
    }

    public func bitmap() -> Bitmap {
        let width = Self.width, height = Self.height
        var bitmap = Bitmap(width: width, height: height, fill: Ink.paper.rawValue)
        bitmap.text(title, x: 20, y: 14, scale: 2, Ink.text.rawValue)
        // The legend, under the title.
        var legendX = 20
        for (index, entry) in series.enumerated() {
            bitmap.fill(x: legendX, y: 44, w: 14, h: 14, Ink.first.rawValue + UInt8(index))
            legendX += 22 + bitmap.text(entry.name, x: legendX + 22, y: 44, scale: 2, Ink.text.rawValue) + 30
        }
        let left = 110, right = width - 20, top = 80, bottom = height - 50
        let values = groups.flatMap { $0.values.compactMap { $0 } }.filter { $0.isFinite && $0 >= 0 }
        let step = Self.step(for: values.max() ?? 0)
        let steps = max(1, Int(((values.max() ?? 0) / step).rounded(.up)))
        let topValue = step * Double(steps)
        func y(_ value: Double) -> Int { bottom - Int((value / topValue * Double(bottom - top)).rounded()) }
        // The axis: gridlines at each step, labelled on the left.
        for index in 0...steps {
            let value = step * Double(index), lineY = y(value)
            bitmap.fill(x: left, y: lineY, w: right - left, h: 1, index == 0 ? Ink.axis.rawValue : Ink.grid.rawValue)
            let label = format(value)
            bitmap.text(label, x: left - 10 - Bitmap.textWidth(label, scale: 2), y: lineY - 7, scale: 2, Ink.text.rawValue)
        }
        bitmap.fill(x: left, y: top, w: 1, h: bottom - top + 1, Ink.axis.rawValue)
        bitmap.text(axisLabel, x: left, y: height - 18, scale: 1, Ink.axis.rawValue)
        guard !groups.isEmpty else { return bitmap }
        let groupWidth = (right - left) / groups.count
        let barWidth = max(4, min(40, (groupWidth - 16) / max(1, series.count)))
        for (index, group) in groups.enumerated() {
            let groupLeft = left + index * groupWidth + (groupWidth - barWidth * series.count) / 2
            for (seriesIndex, value) in group.values.prefix(series.count).enumerated() {
                let barX = groupLeft + seriesIndex * barWidth
                guard let value, value.isFinite, value >= 0 else {
                    bitmap.text("N/A", x: barX + (barWidth - Bitmap.textWidth("N/A")) / 2, y: bottom - 10, Ink.axis.rawValue)
                    continue
                }
                let barTop = y(value)
                bitmap.fill(x: barX + 1, y: barTop, w: barWidth - 2, h: bottom - barTop, Ink.first.rawValue + UInt8(seriesIndex))
                let figure = format(value)
                bitmap.text(figure, x: barX + (barWidth - Bitmap.textWidth(figure)) / 2, y: barTop - 10, Ink.text.rawValue)
            }
            bitmap.text(group.label, x: left + index * groupWidth + (groupWidth - Bitmap.textWidth(group.label, scale: 2)) / 2, y: bottom + 10,
                        scale: 2, Ink.text.rawValue)
        }
        return bitmap
    }

    /// The chart as a PNG.
    public func png() -> [UInt8] { PNG.encode(bitmap(), palette: Self.inks + series.map(\.color)) }
}
