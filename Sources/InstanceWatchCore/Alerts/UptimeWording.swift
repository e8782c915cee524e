import Lambda
import AWS
import CurlHTTP
import Support
/// How instance-watch words an instance's uptime, cost and auto-stop, the same in every channel.
public enum UptimeWording {
    /// How many characters a subject or notification title may have (SNS's Subject limit).
    public static let subjectLimit = 100

    /// What `AUTO_STOP` did, as a sentence; nil when it did nothing.
    /// What asked for the stop: `tag instance-watch:stop-after`, or `policy ou:ou-…`.
    public static func stopAsker(_ instance: RunningInstance) -> String {
        guard let source = instance.policy.stopAfterSource, source.isDocument else { return "tag \(UptimePolicy.stopAfterTag)" }
        return "policy \(source)"
    }

    public static func stopSentence(_ instance: RunningInstance) -> String? {
        switch instance.stop {
        case .stopped(let after)? where instance.stoppedAt != nil:
            return "Stopped by instance-watch at \(instance.stoppedAt!.extendedISO8601) after \(DurationSetting.describe(seconds: after)) (\(stopAsker(instance))); "
                + "it was not terminated. Announced late: the run that stopped it could not send this alert."
        case .stopped(let after)?:
            return "Stopped by instance-watch after \(DurationSetting.describe(seconds: after)) (\(stopAsker(instance))); it was not terminated."
        case .heldBack(let reason)?:
            return "Due to be stopped, held back: \(reason)."
        case .notStoppable(let reason)?:
            return "Not stopped: \(reason)."
        case .wouldStop(let after)?:
            return "Would be stopped by instance-watch after \(DurationSetting.describe(seconds: after)) (\(stopAsker(instance))), but AUTO_STOP=dry-run."
        case .refused(let reason)?:
            return "Not stopped: \(reason)."
        case .failed(let reason)?:
            return "Stopping it failed this run (\(reason)); instance-watch tries again next run."
        case nil:
            return nil
        }
    }

    /// `about $0.96 so far, $0.096 an hour (estimate: on-demand Linux price)`, or nil.
    public static func costText(_ instance: RunningInstance, _ now: UTCDateTime) -> String? {
        instance.price?.summary(forSeconds: instance.uptimeSeconds(at: now))
    }

    /// The total of the known prices, for a digest: `about $12.40 so far in all (estimate, 3 of 4 instances priced)`.
    public static func totalCostText(_ instances: [RunningInstance], _ now: UTCDateTime) -> String? {
        let priced = instances.filter { $0.price != nil }
        guard !priced.isEmpty else { return nil }
        let total = priced.reduce(0.0) { $0 + $1.price!.cost(forSeconds: $1.uptimeSeconds(at: now)) }
        let coverage = priced.count == instances.count ? "" : ", \(priced.count) of \(instances.count) instances priced"
        return "about \(InstancePrice.dollars(total)) so far in all (estimate\(coverage))"
    }

    public static let advice = """
        If nobody needs it, stop it. To allow an instance longer, tag it \(UptimePolicy.overrideTag)=12h (any duration); \
        to silence these alerts for it, tag it \(UptimePolicy.overrideTag)=off.
        """

    public static func uptime(_ instance: RunningInstance, _ now: UTCDateTime) -> String {
        DurationSetting.describe(seconds: instance.uptimeSeconds(at: now))
    }

    public static func limitText(_ limit: UptimePolicy.Limit) -> String {
        limit.seconds.map { DurationSetting.describe(seconds: $0) } ?? "off"
    }

    /// `prefix (name)suffix` in at most `subjectLimit` printable ASCII characters: the name is made
    /// ASCII and shortened first, then the longer suffix gives way to the shorter one.
    public static func fit(prefix: String, name: String?, suffixes: [String]) -> String {
        let prefix = asciiLine(prefix)
        let name = name.map { asciiLine($0).trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        for suffix in suffixes.map(asciiLine) {
            var room = subjectLimit - prefix.count - suffix.count
            guard let name else {
                if room >= 0 { return prefix + suffix }
                continue
            }
            room -= 3 // " (" and ")"
            if room >= name.count { return prefix + " (\(name))" + suffix }
            if room >= 8 { return prefix + " (\(name.prefix(room - 3))...)" + suffix }
        }
        return String(prefix.prefix(subjectLimit))
    }

    /// One line of printable ASCII: control characters and line breaks become spaces, each run of
    /// other characters one `?`, and runs of spaces one space.
    public static func asciiLine(_ text: String) -> String {
        var result = ""
        var lastWasReplacement = false
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                if scalar == " " && result.hasSuffix(" ") { continue }
                result.unicodeScalars.append(scalar)
                lastWasReplacement = false
            } else if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
                if !result.hasSuffix(" ") { result += " " }
                lastWasReplacement = false
            } else if !lastWasReplacement {
                result += "?"
                lastWasReplacement = true
            }
        }
        return result
    }
}

extension String {
    /// Left-aligned in a column of `length` characters (at least one space after).
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
