import InstanceWatchCore
import Support

/// The weekly report in words: the subject every channel uses, and the plain text that SNS e-mail
/// carries whole and the other channels take their parts from. Lists are capped: a report for a
/// thousand accounts must still fit a message.
public enum WeeklyReportText {
    /// Lines listed per section; the rest are counted.
    public static let listLimit = 20

    /// `instance-watch weekly, week to 2026-12-04: $12.34 saved, 3 stops, 2 past limit` (`weekly for alice, …`
    /// for an owner). At most 100 characters, SNS's limit for an e-mail subject; unpriced hours are in the body.
    public static func subject(_ report: WeeklyReport) -> String {
        let whom = report.owner.map { " for \($0)" } ?? ""
        let text = "instance-watch weekly\(whom), week to \(day(report.periodEnd)): \(InstancePrice.dollars(report.savings.dollars)) saved, "
            + "\(count(report.stops.count, "stop")), \(report.overdue.count) past limit"
        return String(text.filter { !$0.isNewline }.prefix(100))
    }

    /// `2026-11-27`.
    public static func day(_ time: UTCDateTime) -> String { String(time.extendedISO8601.prefix(10)) }

    /// `$12.34`, or `$12.34 and 5.0 h unpriced` when some stops had no price.
    public static func dollars(_ savings: Savings) -> String {
        InstancePrice.dollars(savings.dollars) + (savings.unpricedHours > 0 ? " and \(hours(savings.unpricedHours)) unpriced" : "")
    }

    static func hours(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) h"
    }

    static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }

    /// The headline figures, a line each.
    public static func figures(_ report: WeeklyReport) -> [String] {
        var lines = [
            "Saved this week: \(dollars(report.savings)) (\(hours(report.savings.pricedHours + report.savings.unpricedHours)) stopped).",
            "Saved since the ledger began\(report.ledgerBegan.map { " (\(day($0)))" } ?? ""): \(dollars(report.savingsToDate)).",
        ]
        let overdueCost = report.overdue.compactMap(\.costSoFarUSD).reduce(0, +)
        lines.append("Running past their limit now: \(report.overdue.count)\(overdueCost > 0 ? ", \(InstancePrice.dollars(overdueCost)) so far" : "").")
        lines.append(report.idleHourlyUSD > 0 ? "Idle instances past their limit cost \(InstancePrice.hourly(report.idleHourlyUSD)) an hour together."
                     : "No priced instance past its limit is idle.")
        lines.append("Compute only: a stopped instance's volumes are still billed.")
        return lines
    }

    /// `2026-12-01 10:00  i-0abc (web, alice) m5.large in 111111111111/eu-west-1: after-alert; saved $1.23 (12.8 h at $0.096/h)`.
    public static func stopLine(_ stop: WeeklyReport.Stop) -> String {
        let item = stop.item
        let when = item.stoppedAt.extendedISO8601.prefix(16).replacing("T", with: " ")
        let who = [item.name, item.owner].compactMap { $0 }.joined(separator: ", ")
        let saved = stop.savedUSD.map { "\(InstancePrice.dollars($0)) (\(hours(stop.savedHours)) at \(InstancePrice.hourly(item.hourlyUSD ?? 0))/h)" }
            ?? "\(hours(stop.savedHours)), unpriced"
        return "\(when)  \(item.instanceId)\(who.isEmpty ? "" : " (\(who))")\(item.instanceType.map { " " + $0 } ?? "")"
            + " in \(item.account ?? "?")/\(item.region ?? "?"): \(how(item)); saved \(saved)"
    }

    /// `auto-stop`, `Stop now by Slack user U024BE7LH`, `after an alert at 2026-12-01T09:00:00Z`.
    public static func how(_ item: LedgerItem) -> String {
        if item.stoppedBy.hasPrefix("slack:") { return "Stop now by Slack user \(item.stoppedBy.dropFirst("slack:".count))" }
        if item.stoppedBy == StopCredit.afterAlert { return "stopped after an alert\(item.alertedAt.map { " at \($0.extendedISO8601)" } ?? "")" }
        return item.stoppedBy
    }

    public static func overdueLine(_ overdue: WeeklyReport.Overdue) -> String {
        let who = [overdue.name, overdue.owner].compactMap { $0 }.joined(separator: ", ")
        let cost = overdue.costSoFarUSD.map { ", \(InstancePrice.dollars($0)) so far at \(InstancePrice.hourly(overdue.hourlyUSD ?? 0))/h" } ?? ""
        return "\(overdue.instanceId)\(who.isEmpty ? "" : " (\(who))") in \(overdue.place): running \(DurationSetting.describe(seconds: overdue.runningSeconds))"
            + " (limit \(overdue.limit))\(cost)\(overdue.idle ? ", idle" : "")"
    }

    /// A section: its heading with the count, then its lines, capped.
    public static func section(_ title: String, _ lines: [String]) -> [String] {
        guard !lines.isEmpty else { return [] }
        var section = ["\(title) (\(lines.count)):"] + lines.prefix(listLimit).map { "  " + $0 }
        if lines.count > listLimit { section.append("  …and \(lines.count - listLimit) more") }
        return section
    }

    /// Eight weeks, a line each: `2026-11-27  saved $12.34  overdue $45.67`.
    public static func weekLines(_ report: WeeklyReport) -> [String] {
        report.weeks.map { week in
            "\(day(week.start))  saved \(InstancePrice.dollars(week.savingsUSD))  overdue \(week.overdueCostUSD.map(InstancePrice.dollars) ?? "not measured")"
        }
    }

    /// The whole report as plain text (SNS e-mail, and the text part of the others).
    public static func body(_ report: WeeklyReport) -> String {
        var lines = ["The week \(report.periodStart.extendedISO8601) to \(report.periodEnd.extendedISO8601), for \(report.audience).", ""]
        lines += figures(report)
        lines.append("")
        lines += section("Stopped this week", report.stops.map(stopLine))
        lines += section("Running past their limit now", report.overdue.map(overdueLine))
        lines += section("Snoozed", report.snoozed)
        lines += section("Left out of the figures", report.leftOut)
        lines += ["", "Savings and overdue cost, week by week (the week starting):"] + weekLines(report).map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}
