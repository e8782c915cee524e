import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Embedded Metric Format")
struct EmbeddedMetricFormatTests {
    @Test("the rules catch what CloudWatch would not extract")
    func rulesCanFail() {
        let good = #"{"_aws":{"Timestamp":1764633600000,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["F"]],"Metrics":[{"Name":"M","Unit":"Count"}]}]},"F":"f","M":1}"#
        #expect(EmbeddedMetricFormatRules.check(good).problems.isEmpty)
        let bad = [
            (#"{"M":1}"#, "no _aws object"),
            (good.replacing(#""Timestamp":1764633600000"#, with: #""Timestamp":"now""#), "_aws.Timestamp is not a number of milliseconds since the epoch"),
            (good.replacing(#""M":1}"#, with: #""M":"1"}"#), "M is not a number at the top level"),
            (good.replacing(#""M":1}"#, with: #""M":true}"#), "M is not a number at the top level"),
            (good.replacing(#""Unit":"Count""#, with: #""Unit":"Things""#), "M: unit Things is not one of CloudWatch's"),
            (good.replacing(#""F":"f","#, with: ""), "CloudWatchMetrics[0]: dimension F is not a string member of the root"),
        ]
        for (line, problem) in bad {
            #expect(EmbeddedMetricFormatRules.check(line).problems.contains(problem), "\(line) should give \(problem)")
        }
    }

    @Test("a line holds the namespace, the FunctionName dimension and every metric as a number")
    func encodedLine() {
        let line = EmbeddedMetricFormat.line(functionName: "fn", metrics: [("A", 3), ("B", 0), ("C", 2.5)], at: Date(timeIntervalSince1970: 1_764_633_600.25))
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"), "one line")
        let (problems, extracted) = EmbeddedMetricFormatRules.check(line)
        #expect(problems.isEmpty, "\(problems)")
        #expect(extracted == [.init(namespace: "InstanceWatch", dimensions: ["FunctionName": "fn"], values: ["A": 3, "B": 0, "C": 2.5])])
        #expect(line.contains(#""Timestamp":1764633600250"#) && line.contains(#""A":3,"#))
    }

    @Test("declared metrics start at zero and add up; undeclared ones are never reported")
    func invocationMetrics() {
        let metrics = InvocationMetrics(names: ["A", "B"])
        metrics.count("A")
        metrics.count("A", by: 2)
        #expect(metrics.snapshot.map(\.name) == ["A", "B"] && metrics.snapshot.map(\.value) == [3, 0])
        metrics.set("B", to: 7)
        metrics.count("C")
        metrics.set("D", to: 1)
        #expect(metrics["B"] == 7 && metrics["C"] == nil && metrics.snapshot.count == 2)
    }
}

/// The metric lines of both functions from real runs under the Runtime API emulator, against moto
/// (signatures checked) and a Slack sink, read from the process's stdout as Lambda would ship them.
@Suite("Metrics from the functions under the Runtime API emulator")
struct FunctionMetricsTests {
    let moto: MotoServer
    init() throws { moto = try MotoServer.get() }

    /// Every EMF line in `output`, each checked against the format, as what CloudWatch extracts.
    func extracted(_ output: String, expectedLines: Int, names: [String], functionName: String) -> [[String: Double]] {
        let lines = EmbeddedMetricFormatRules.lines(in: output)
        #expect(lines.count == expectedLines, "one metrics line per invocation: \(output)")
        return lines.compactMap { line in
            let (problems, extracted) = EmbeddedMetricFormatRules.check(line)
            #expect(problems.isEmpty, "\(problems) in \(line)")
            guard let metrics = extracted.first else { return nil }
            #expect(extracted.count == 1 && metrics.namespace == "InstanceWatch" && metrics.dimensions == ["FunctionName": functionName])
            #expect(Set(metrics.values.keys) == Set(names), "every declared metric, and only those: \(line)")
            return metrics.values
        }
    }

    func total(_ lines: [[String: Double]], _ name: String) -> Double { lines.reduce(0) { $0 + ($1[name] ?? 0) } }

    @Test("StateChangeHandler: state changes recorded, stale events, interruption warnings and Slack failures")
    func stateChangeHandler() throws {
        let table = MotoServer.uniqueName("metrics")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        try sink.script([["status": 400, "body": "invalid_payload"]])  // the first warning's post is refused
        let id = try moto.launch(tags: ["Name": "metrics"], spot: true).id
        let events = [
            try TestEvents.sample("state-change-running.json", instanceId: id), try TestEvents.sample("state-change-running.json", instanceId: id),
            try TestEvents.sample("spot-interruption-warning.json", instanceId: id), try TestEvents.sample("rebalance-recommendation.json", instanceId: id),
            try TestEvents.sample("unrelated-s3-object-created.json"),
        ]
        let served = try RuntimeEmulator().serve("StateChangeHandler", events: events, environment: moto.environmentVariables.merging([
            "TABLE_NAME": table, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X", "AWS_LAMBDA_FUNCTION_NAME": "iw-state-change",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
        ]) { $1 })
        #expect(served.results.map(\.kind) == ["response", "response", "error", "response", "response"], "\(served.stderr)")
        let lines = extracted(served.stdout, expectedLines: 5, names: StateChangeEventHandler.metricNames, functionName: "iw-state-change")
        #expect(lines.map { $0["StateChangesRecorded"] } == [1, 0, 0, 0, 0])
        #expect(lines.map { $0["StaleEvents"] } == [0, 1, 0, 0, 0])
        #expect(total(lines, "InterruptionWarnings") == 2 && lines.map { $0["SlackFailures"] } == [0, 0, 1, 0, 0])
        #expect(!served.stderr.contains("\"_aws\""), "metrics go to stdout, logs to stderr")
    }

    @Test("UptimeChecker: a full run reports its figures and ChecksCompleted 1; a run that cannot read the table reports 0")
    func uptimeChecker() throws {
        let region = MotoServer.privateRegion()
        let table = MotoServer.uniqueName("metrics")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        let topic = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("alerts"), "region": region])["arn"] as? String)
        _ = try moto.launch(region: region)
        let ec2 = try AgingProxy(moto)
        try ec2.age(7 * 3600)
        try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [
            ["instance_id": "i-0000000000000aaaa", "start_time": "2026-11-21T08:00:00Z", "stop_time": "2026-11-21T09:00:00Z"],
        ]])
        let tick = TestEvents.tick(at: AgingProxy.now, region: region)
        let environment = moto.environmentVariables(region: region).merging([
            "TABLE_NAME": table, "TOPIC_ARN": topic, "AWS_LAMBDA_FUNCTION_NAME": "iw-checker",
        ]) { $1 }.merging(ec2.environment) { $1 }
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment)
        #expect(served.results.first?.kind == "response", "\(served.results.first?.body ?? "") \(served.stderr)")
        let full = extracted(served.stdout, expectedLines: 1, names: UptimeCheckHandler.metricNames, functionName: "iw-checker")
        #expect(full.first == ["RecordsScanned": 1, "InstancesRunning": 1, "InstancesOverdue": 1, "AlertsSent": 1, "AlertFailures": 0,
                               "RecordsRepaired": 1, "InstancesStopped": 0, "StopFailures": 0, "InstancesIdle": 0, "RoutedAlerts": 0,
                               "RouteFailures": 0, "ChecksCompleted": 1, "EstimatedSavingsUSD": 0])

        let broken = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment.merging(["TABLE_NAME": "no-such-table"]) { $1 })
        #expect(broken.results.first?.kind == "error")
        let failed = extracted(broken.stdout, expectedLines: 1, names: UptimeCheckHandler.metricNames, functionName: "iw-checker")
        #expect(failed.first?["ChecksCompleted"] == 0, "a failed run is no heartbeat")
    }
}
