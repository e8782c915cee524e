import Support

/// What CloudWatch says an instance has been doing, judged as the references judge idleness
/// (Compute Optimizer: peak CPU under 5% and network under 5 MB a day over the look-back).
public enum Activity: Sendable, Equatable {
    /// CPU peak below `IDLE_CPU_PERCENT` and network below `IDLE_NETWORK_MB_PER_DAY` a day, with
    /// enough data to say so.
    case idle(Figures)
    /// CPU peak or network at or above its threshold.
    case busy(Figures)
    /// Not enough data to say, and why.
    case unknown(reason: String)

    /// What the evidence showed, over how long.
    public struct Figures: Sendable, Equatable {
        public var windowHours: Int
        public var cpuPeakPercent: Double
        /// Network in and out, in MB (10^6 bytes) a day, averaged over the window.
        public var networkMBPerDay: Double
    }

    public var isIdle: Bool {
        if case .idle = self { return true }
        return false
    }

    public var isBusy: Bool {
        if case .busy = self { return true }
        return false
    }

    /// `Idle for the last 26h: CPU peak 1.8%, network 0.4 MB a day`, `Busy: CPU peak 63%, …`,
    /// `Unknown: no CPU data`.
    public var sentence: String {
        switch self {
        case .idle(let figures):
            return "Idle for the last \(DurationSetting.describe(seconds: figures.windowHours * 3600)): \(Self.figures(figures))"
        case .busy(let figures):
            return "Busy: \(Self.figures(figures)) over the last \(DurationSetting.describe(seconds: figures.windowHours * 3600))"
        case .unknown(let reason):
            return "Activity unknown: \(reason)"
        }
    }

    static func figures(_ figures: Figures) -> String {
        "CPU peak \(percent(figures.cpuPeakPercent)), network \(megabytes(figures.networkMBPerDay)) a day"
    }

    static func percent(_ value: Double) -> String {
        value >= 10 ? "\(Int(value.rounded()))%" : "\(Double(Int((value * 10).rounded())) / 10)%"
    }

    static func megabytes(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded())) MB" : "\(Double(Int((value * 10).rounded())) / 10) MB"
    }
}

/// The idle rule, on values: hourly CPU maxima and hourly network sums over a window.
public enum ActivityRule {
    /// Enough data: CPU datapoints for at least half of the window's hours. EC2 sends CPU every
    /// five minutes (one datapoint an hour at least, at the hourly period asked for); an instance
    /// with fewer has been stopped, just started, or its metrics are missing, and a few quiet samples
    /// must not make a busy instance look idle. A window of one hour needs its one datapoint.
    public static func enoughHours(windowHours: Int) -> Int { max(1, (windowHours + 1) / 2) }

    public static func judge(cpuMaxima: [Double], networkBytes: [Double], windowHours: Int,
                             cpuPercent: Double, networkMBPerDay: Double) -> Activity {
        guard !cpuMaxima.isEmpty else { return .unknown(reason: "no CPU data in the last \(DurationSetting.describe(seconds: windowHours * 3600))") }
        let days = Double(windowHours) / 24
        let figures = Activity.Figures(windowHours: windowHours, cpuPeakPercent: cpuMaxima.max() ?? 0,
                                       networkMBPerDay: networkBytes.reduce(0, +) / 1_000_000 / days)
        // Busy shows in any datapoint, however few: a peak is a peak.
        if figures.cpuPeakPercent >= cpuPercent || figures.networkMBPerDay >= networkMBPerDay { return .busy(figures) }
        let needed = enoughHours(windowHours: windowHours)
        guard cpuMaxima.count >= needed else {
            return .unknown(reason: "CPU data for \(cpuMaxima.count) of the last \(windowHours) hours; at least \(needed) needed to call it idle")
        }
        return .idle(figures)
    }
}
