import FoundationEssentials
import InstanceWatchCore
import Support

/// The weekly report as an e-mail: HTML with the chart inline (`multipart/related`, the picture by
/// `cid:`), the text version beside it (`multipart/alternative`), as SES's SendRawEmail takes it.
enum EmailReport {
    /// The raw message, CRLF line ends, every part's text base64 so that no line is too long.
    static func mime(_ report: WeeklyReport, chart: ReportChart, from: String, to: String, boundary: String) -> String {
        let related = "related-\(boundary)", alternative = "alternative-\(boundary)"
        func base64Lines(_ bytes: [UInt8]) -> String {
            // RFC 2045: lines of at most 76 characters.
            let text = Array(Data(bytes).base64EncodedString().utf8)
            return stride(from: 0, to: text.count, by: 76).map { start in
                String(decoding: text[start..<min(start + 76, text.count)], as: UTF8.self)
            }.joined(separator: "\r\n")
        }
        let lines = [
            "From: \(from)", "To: \(to)", "Subject: \(encodedHeader(WeeklyReportText.subject(report)))", "MIME-Version: 1.0",
            "Content-Type: multipart/related; boundary=\"\(related)\"; type=\"multipart/alternative\"", "",
            "--\(related)", "Content-Type: multipart/alternative; boundary=\"\(alternative)\"", "",
            "--\(alternative)", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "",
            base64Lines(Array(WeeklyReportText.body(report).utf8)), "",
            "--\(alternative)", "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", "",
            base64Lines(Array(html(report, chart: chart).utf8)), "",
            "--\(alternative)--", "",
            "--\(related)", "Content-Type: image/png; name=\"\(chart.fileName)\"", "Content-Transfer-Encoding: base64",
            "Content-ID: <chart@instance-watch>", "Content-Disposition: inline; filename=\"\(chart.fileName)\"", "",
            base64Lines(chart.png), "",
            "--\(related)--", "",
        ]
        return lines.joined(separator: "\r\n")
    }

    /// `=?UTF-8?B?…?=` when the subject is not plain ASCII (an owner's name may not be).
    static func encodedHeader(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }

    /// The HTML part: the figures, the chart, and the lists.
    static func html(_ report: WeeklyReport, chart: ReportChart) -> String {
        func list(_ title: String, _ lines: [String]) -> String {
            let section = WeeklyReportText.section(title, lines)
            guard let heading = section.first else { return "" }
            return "<h3>\(escape(heading))</h3><ul>" + section.dropFirst().map { "<li>\(escape($0.trimmingWhitespace()))</li>" }.joined() + "</ul>"
        }
        return """
            <html><body style="font-family: sans-serif">\
            <h2>\(escape(WeeklyReportText.subject(report)))</h2>\
            <p>\(WeeklyReportText.figures(report).map(escape).joined(separator: "<br>"))</p>\
            <p><img src="cid:chart@instance-watch" alt="\(escape(chart.altText))" width="900" height="420"></p>\
            \(list("Stopped this week", report.stops.map(WeeklyReportText.stopLine)))\
            \(list("Running past their limit now", report.overdue.map(WeeklyReportText.overdueLine)))\
            \(list("Snoozed", report.snoozed))\
            \(list("Left out of the figures", report.leftOut))\
            </body></html>
            """
    }
}
