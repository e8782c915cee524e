import Lambda
import AWS
import CurlHTTP
import Support
/// The SNS e-mail about instances running too long: a Subject SNS accepts (printable ASCII, one
/// line, at most 100 characters) and a plain-text body a person reads in a mail client.
public enum UptimeNotice {
    public static let subjectLimit = 100
    /// A digest lists this many instances at most; SNS takes 256 KB, and nobody reads further.
    public static let digestListLimit = 200

    /// `instance-watch: i-0123456789abcdef0 (web-server) running 7h, limit 6h`
    public static func subject(for instance: RunningInstance, now: UTCDateTime) -> String {
        if case .stopped(let after)? = instance.stop {
            return fit(prefix: "instance-watch: \(instance.id)", name: instance.name,
                       suffixes: [" stopped after \(uptime(instance, now)) (stop-after \(DurationSetting.describe(seconds: after)))", " stopped"])
        }
        return fit(
            prefix: "instance-watch: \(instance.id)", name: instance.name,
            suffixes: [" running \(uptime(instance, now)), limit \(limitText(instance.limit))", " running \(uptime(instance, now))"]
        )
    }

    /// What `AUTO_STOP` did, as a sentence; nil when it did nothing.
    public static func stopSentence(_ instance: RunningInstance) -> String? {
        switch instance.stop {
        case .stopped(let after)? where instance.stoppedAt != nil:
            return "Stopped by instance-watch at \(instance.stoppedAt!.extendedISO8601) after \(DurationSetting.describe(seconds: after)) (tag \(UptimePolicy.stopAfterTag)); "
                + "it was not terminated. Announced late: the run that stopped it could not send this alert."
        case .stopped(let after)?:
            return "Stopped by instance-watch after \(DurationSetting.describe(seconds: after)) (tag \(UptimePolicy.stopAfterTag)); it was not terminated."
        case .heldBack(let reason)?:
            return "Due to be stopped, held back: \(reason)."
        case .notStoppable(let reason)?:
            return "Not stopped: \(reason)."
        case .wouldStop(let after)?:
            return "Would be stopped by instance-watch after \(DurationSetting.describe(seconds: after)) (tag \(UptimePolicy.stopAfterTag)), but AUTO_STOP=dry-run."
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

    /// `instance-watch: 3 instances running too long, longest i-0123456789abcdef0 (web-server) 2d 3h`
    public static func digestSubject(_ overdue: [RunningInstance], now: UTCDateTime) -> String {
        guard let longest = overdue.first else { return "instance-watch: no instance running too long" }
        let count = overdue.count == 1 ? "1 instance" : "\(overdue.count) instances"
        return fit(
            prefix: "instance-watch: \(count) running too long, longest \(longest.id)", name: longest.name,
            suffixes: [" \(uptime(longest, now))", ""]
        )
    }

    public static func body(for instance: RunningInstance, now: UTCDateTime) -> String {
        var rows = [
            ("Instance ID", instance.id), ("Name", instance.displayName), ("Type", instance.type ?? "(unknown)"),
            ("Region", instance.region), ("Account", instance.account ?? "(unknown)"),
            ("Running since", instance.since.extendedISO8601), ("Running for", uptime(instance, now)),
            ("Limit", instance.limit.explained),
        ]
        if let cost = costText(instance, now) { rows.append(("Cost", cost)) }
        if let stop = stopSentence(instance) { rows.append(("Auto-stop", stop)) }
        rows.append(("Console", InterruptionAlert.consoleURL(instanceId: instance.id, region: instance.region)))
        let table = rows.map { "  " + $0.0.padding(toLength: 15) + $0.1 }.joined(separator: "\n")
        let opening = if case .stopped? = instance.stop {
            "\(instance.id) (\(instance.displayName)) ran for \(uptime(instance, now)) and has been stopped by instance-watch, as its tag \(UptimePolicy.stopAfterTag) asked."
        } else {
            "\(instance.id) (\(instance.displayName)) has been running for \(uptime(instance, now)), longer than its limit of \(instance.limit.explained)."
        }
        return """
            \(opening)

            \(table)

            \(advice)

            instance-watch, check of \(now.extendedISO8601)
            """
    }

    /// Grouped by account (an organisation's digest reads account by account), the account with the
    /// longest-running instance first; within each, longest-running first.
    public static func digestBody(_ overdue: [RunningInstance], now: UTCDateTime) -> String {
        let count = overdue.count == 1 ? "1 instance has" : "\(overdue.count) instances have"
        let groups = byAccount(overdue.prefix(digestListLimit))
        var lines = ["\(count) been running longer than allowed, by account, longest first:", ""]
        if let total = totalCostText(overdue, now) {
            lines.insert("Cost: \(total).", at: 1)
            lines.insert("", at: 1)
        }
        var number = 0
        for (account, instances) in groups {
            lines.append("Account \(account ?? "(unknown)") (\(instances.count == 1 ? "1 instance" : "\(instances.count) instances")):")
            lines.append("")
            for instance in instances {
                number += 1
                lines.append("\(number). \(instance.id) (\(instance.displayName)), \(instance.type ?? "type unknown"), \(instance.region)")
                lines.append("   running for \(uptime(instance, now)) since \(instance.since.extendedISO8601); limit \(instance.limit.explained)")
                if let cost = costText(instance, now) { lines.append("   cost: \(cost)") }
                if let stop = stopSentence(instance) { lines.append("   \(stop)") }
                lines.append("   " + InterruptionAlert.consoleURL(instanceId: instance.id, region: instance.region))
                lines.append("")
            }
        }
        if overdue.count > digestListLimit {
            lines.append("... and \(overdue.count - digestListLimit) more, not listed here (the table holds them all).")
            lines.append("")
        }
        lines.append(advice)
        lines.append("")
        lines.append("instance-watch, check of \(now.extendedISO8601)")
        return lines.joined(separator: "\n")
    }

    /// The instances by account, in the order each account first appears (so the account holding
    /// the longest-running instance comes first); the order within an account is kept.
    static func byAccount<Instances: Sequence<RunningInstance>>(_ instances: Instances) -> [(account: String?, instances: [RunningInstance])] {
        var groups: [(account: String?, instances: [RunningInstance])] = []
        var index: [String?: Int] = [:]
        for instance in instances {
            if let position = index[instance.account] {
                groups[position].instances.append(instance)
            } else {
                index[instance.account] = groups.count
                groups.append((instance.account, [instance]))
            }
        }
        return groups
    }

    static let advice = """
        If nobody needs it, stop it. To allow an instance longer, tag it \(UptimePolicy.overrideTag)=12h (any duration); \
        to silence these alerts for it, tag it \(UptimePolicy.overrideTag)=off.
        """

    static func uptime(_ instance: RunningInstance, _ now: UTCDateTime) -> String {
        DurationSetting.describe(seconds: instance.uptimeSeconds(at: now))
    }

    static func limitText(_ limit: UptimePolicy.Limit) -> String {
        limit.seconds.map { DurationSetting.describe(seconds: $0) } ?? "off"
    }

    /// `prefix (name)suffix` in at most `subjectLimit` printable ASCII characters: the name is made
    /// ASCII and shortened first, then the longer suffix gives way to the shorter one.
    static func fit(prefix: String, name: String?, suffixes: [String]) -> String {
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
    static func asciiLine(_ text: String) -> String {
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
