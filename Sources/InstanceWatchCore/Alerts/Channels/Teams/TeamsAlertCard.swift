import Support

/// An alert as Microsoft Teams shows it: an Adaptive Card with the headline, the facts as a
/// FactSet, and a button to the instance in the console; a digest lists each account's instances
/// with their own facts. Instance text is escaped (`TeamsMessage.escape`).
public enum TeamsAlertCard {
    /// Teams shows cards of up to about 28 KB; a digest lists this many instances, the rest counted.
    public static let digestListLimit = 40

    public static func message(_ alert: Alert) -> TeamsMessage {
        let headline = TeamsMessage.escape(alert.headline)
        return TeamsMessage(card: TeamsMessage.AdaptiveCard(
            body: [
                .text(alert.title, style: .heading),
                .text(headline, style: alert.kind == .overdue ? .plain : .attention),
                .facts(alert.facts.map { TeamsMessage.Fact(title: $0.label, value: TeamsMessage.escape($0.value)) }),
                .text(footer(alert.dated), style: .subtle),
            ],
            actions: [TeamsMessage.Action(title: "Open in the EC2 console", url: alert.consoleURL)],
            fallbackText: headline
        ))
    }

    public static func message(_ digest: AlertDigest) -> TeamsMessage {
        var body: [TeamsMessage.Element] = [.text(digest.title, style: .heading)]
        if let total = digest.totalCost { body.append(.text("Cost: \(TeamsMessage.escape(total))")) }
        if let idle = digest.idleCost { body.append(.text("Idle: \(TeamsMessage.escape(idle))")) }
        var listed = 0
        for (account, alerts) in AlertDigest.byAccount(digest.alerts) where listed < digestListLimit {
            var items: [TeamsMessage.Element] = [.text("Account \(TeamsMessage.escape(account ?? "(unknown)")) · \(alerts.count == 1 ? "1 instance" : "\(alerts.count) instances")", style: .attention)]
            for alert in alerts where listed < digestListLimit {
                guard let uptime = alert.uptime else { continue }
                var facts = [
                    TeamsMessage.Fact(title: "Instance", value: "[\(alert.instanceId)](\(alert.consoleURL))"),
                    TeamsMessage.Fact(title: "Name", value: TeamsMessage.escape(uptime.displayName)),
                    TeamsMessage.Fact(title: "Type, region", value: TeamsMessage.escape("\(uptime.type ?? "type unknown"), \(alert.region)")),
                    TeamsMessage.Fact(title: "Running for", value: "\(uptime.runningFor) since \(uptime.since.extendedISO8601)"),
                    TeamsMessage.Fact(title: "Limit", value: TeamsMessage.escape(uptime.limit)),
                ]
                if let reason = alert.undeliveredToOwner {
                    facts.append(TeamsMessage.Fact(title: "Undelivered", value: TeamsMessage.escape("not delivered to its owner \(alert.owner ?? "(unknown)"): \(reason)")))
                } else if let owner = alert.owner {
                    facts.append(TeamsMessage.Fact(title: "Owner", value: TeamsMessage.escape(owner)))
                }
                if let activity = uptime.activity { facts.append(TeamsMessage.Fact(title: "Activity", value: TeamsMessage.escape(activity))) }
                if let cost = uptime.cost { facts.append(TeamsMessage.Fact(title: "Cost", value: TeamsMessage.escape(cost))) }
                if let stop = uptime.autoStop { facts.append(TeamsMessage.Fact(title: "Auto-stop", value: TeamsMessage.escape(stop))) }
                items.append(.facts(facts))
                listed += 1
            }
            body.append(.container(items))
        }
        if digest.alerts.count > listed { body.append(.text("…and \(digest.alerts.count - listed) more, not listed here.")) }
        if !digest.snoozed.isEmpty {
            body.append(.text("Snoozed (not alerted): " + digest.snoozed.prefix(10).map(TeamsMessage.escape).joined(separator: "; "), style: .subtle))
        }
        body.append(.text(footer(("check of", digest.checkedAt)), style: .subtle))
        return TeamsMessage(card: TeamsMessage.AdaptiveCard(body: body, actions: [], fallbackText: TeamsMessage.escape(digest.headline)))
    }

    public static func message(_ note: AlertNote) -> TeamsMessage {
        let body: [TeamsMessage.Element] = [.text(TeamsMessage.escape(note.title), style: .heading)]
            + note.lines.map { .text(TeamsMessage.escape($0)) } + [.text(footer(("check of", note.checkedAt)), style: .subtle)]
        return TeamsMessage(card: TeamsMessage.AdaptiveCard(body: body, actions: [], fallbackText: TeamsMessage.escape(note.title)))
    }

    static func footer(_ dated: (label: String, time: UTCDateTime)) -> String {
        "instance-watch · \(dated.label) \(dated.time.extendedISO8601)"
    }
}
