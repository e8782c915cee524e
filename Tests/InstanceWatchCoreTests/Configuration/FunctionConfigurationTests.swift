import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("function configuration")
struct FunctionConfigurationTests {
    @Test("defaults are the design's")
    func defaults() throws {
        let configuration = try FunctionConfiguration.fromEnvironment([:])
        #expect(configuration.tableName == "instance_operating_time_table")
        #expect(configuration.uptimeThreshold == 6 * 3600)
        #expect(configuration.notifyInterval == 0)
        #expect(configuration.notifyMode == .each)
        #expect(configuration.topicArn == nil && configuration.slackWebhook == nil && configuration.slackChannel == nil)
    }

    @Test("every variable is read")
    func reads() throws {
        let configuration = try FunctionConfiguration.fromEnvironment([
            "TABLE_NAME": "states", "TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:alerts",
            "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X", "SLACK_CHANNEL": "#ops",
            "UPTIME_THRESHOLD": "90m", "NOTIFY_INTERVAL": "2d", "NOTIFY_MODE": "digest",
        ])
        #expect(configuration.tableName == "states")
        #expect(configuration.topicArn == "arn:aws:sns:eu-west-1:123456789012:alerts")
        #expect(configuration.slackWebhook == .url(URL(string: "https://hooks.slack.com/services/T/B/X")!))
        #expect(configuration.slackChannel == "#ops")
        #expect(configuration.uptimeThreshold == 5400)
        #expect(configuration.notifyInterval == 172_800)
        #expect(configuration.notifyMode == .digest)
    }

    @Test("organisation-wide settings: the role name, watched accounts and regions as lists without repeats, the pool size")
    func organisationWide() throws {
        let configuration = try FunctionConfiguration.fromEnvironment([
            "MEMBER_ROLE_NAME": "instance-watch-reader", "WATCHED_ACCOUNTS": " 111111111111, 222222222222,,111111111111",
            "WATCHED_REGIONS": "us-east-1, eu-central-1", "CHECK_CONCURRENCY": "16",
        ])
        #expect(configuration.memberRoleName == "instance-watch-reader")
        #expect(configuration.watchedAccounts == ["111111111111", "222222222222"])
        #expect(configuration.watchedRegions == ["us-east-1", "eu-central-1"] && configuration.checkConcurrency == 16)
        #expect(try FunctionConfiguration.fromEnvironment([:]).checkConcurrency == 32, "the default measured at AWS's latencies (docs/deploying.md)")
        #expect {
            _ = try FunctionConfiguration.fromEnvironment(["WATCHED_ACCOUNTS": "111111111111"])
        } throws: { error in
            "\(error)".contains("MEMBER_ROLE_NAME") && "\(error)".contains("WATCHED_ACCOUNTS")
        }
    }

    @Test("the webhook comes from SSM when only the parameter is named")
    func ssmParameter() throws {
        let configuration = try FunctionConfiguration.fromEnvironment(["SLACK_WEBHOOK_PARAMETER": "/instance-watch/slack"])
        #expect(configuration.slackWebhook == .ssmParameter("/instance-watch/slack"))
    }

    @Test("a bad value is an error that names its variable", arguments: [
        ("UPTIME_THRESHOLD", "abc"), ("UPTIME_THRESHOLD", "0"), ("UPTIME_THRESHOLD", "6"), ("UPTIME_THRESHOLD", "-1h"),
        ("NOTIFY_INTERVAL", "soon"), ("NOTIFY_MODE", "sometimes"), ("TOPIC_ARN", "alerts"),
        ("TOPIC_ARN", "arn:aws:sqs:eu-west-1:123456789012:q"), ("TABLE_NAME", "a"), ("SLACK_WEBHOOK_URL", "not a url"),
        ("MEMBER_ROLE_NAME", "arn:aws:iam::111111111111:role/reader"), ("WATCHED_ACCOUNTS", "1111,222222222222"),
        ("WATCHED_REGIONS", "eu-west-1,EU WEST"), ("CHECK_CONCURRENCY", "0"), ("CHECK_CONCURRENCY", "many"),
        ("AUTO_STOP", "always"), ("PRICING", "maybe"),
    ])
    func namesTheVariable(_ variable: String, _ value: String) {
        #expect {
            _ = try FunctionConfiguration.fromEnvironment([variable: value])
        } throws: { error in
            "\(error)".contains(variable)
        }
    }

    @Test("a bad webhook URL is never repeated in the error")
    func webhookIsSecret() {
        #expect {
            _ = try FunctionConfiguration.fromEnvironment(["SLACK_WEBHOOK_URL": "ftp://hooks.example/SECRET-MARKER"])
        } throws: { error in
            !"\(error)".contains("SECRET-MARKER") && "\(error)".contains("SLACK_WEBHOOK_URL")
        }
        let source = WebhookSource.url(URL(string: "https://hooks.slack.com/SECRET-MARKER")!)
        #expect(!"\(source)".contains("SECRET-MARKER"))
    }
}

@Suite("duration settings")
struct DurationSettingTests {
    @Test("90m, 6h, 2d, 45s and 0 are read as seconds")
    func parses() {
        #expect(DurationSetting.seconds(from: "90m") == 5400)
        #expect(DurationSetting.seconds(from: "6h") == 21_600)
        #expect(DurationSetting.seconds(from: "2d") == 172_800)
        #expect(DurationSetting.seconds(from: "45s") == 45)
        #expect(DurationSetting.seconds(from: "0") == 0)
        #expect(DurationSetting.seconds(from: " 12H ") == 43_200)
    }

    @Test("anything else is rejected", arguments: ["", "6", "h", "6x", "1.5h", "-2h", "٣h", "99999999999999999999d", "6 h"])
    func rejects(_ text: String) {
        #expect(DurationSetting.seconds(from: text) == nil)
    }

    @Test("durations read naturally in messages")
    func describes() {
        #expect(DurationSetting.describe(seconds: 5400) == "1h 30m")
        #expect(DurationSetting.describe(seconds: 7 * 3600 + 5 * 60) == "7h 5m")
        #expect(DurationSetting.describe(seconds: 2 * 86_400 + 3600) == "2d 1h")
        #expect(DurationSetting.describe(seconds: 45) == "45s")
    }

    @Test("a webhook must be https: plain http only to a loopback address; refused at start naming the variable, never the URL", arguments: [
        ("https://hooks.slack.com/services/T/B/SECRET", true), ("http://127.0.0.1:8080/services/T/B/SECRET", true),
        ("http://localhost:8080/x/SECRET", true), ("http://[::1]:8080/x/SECRET", true), ("http://127.4.5.6/x/SECRET", true),
        ("http://hooks.slack.com/services/T/B/SECRET", false), ("http://10.0.0.1/x/SECRET", false), ("http://127.0.0.1.evil.example/x/SECRET", false),
        ("ftp://hooks.slack.com/SECRET", false), ("hooks.slack.com/SECRET", false),
    ])
    func webhookScheme(_ url: String, _ accepted: Bool) throws {
        if accepted {
            #expect(try FunctionConfiguration.fromEnvironment(["SLACK_WEBHOOK_URL": url]).slackWebhook != nil)
        } else {
            let error = try #require(throws: ConfigurationError.self) { try FunctionConfiguration.fromEnvironment(["SLACK_WEBHOOK_URL": url]) }
            #expect("\(error)".contains("SLACK_WEBHOOK_URL") && "\(error)".contains("https://") && !"\(error)".contains("SECRET"), "\(error)")
        }
    }

    @Test("auto-stop bounds: MAX_STOPS_PER_RUN (default 10), the member stop role (<MEMBER_ROLE_NAME>-stop unless named)")
    func autoStopBounds() throws {
        #expect(try FunctionConfiguration.fromEnvironment([:]).maximumStopsPerRun == 10)
        #expect(try FunctionConfiguration.fromEnvironment(["MAX_STOPS_PER_RUN": "2"]).maximumStopsPerRun == 2)
        #expect(throws: ConfigurationError.self) { try FunctionConfiguration.fromEnvironment(["MAX_STOPS_PER_RUN": "-1"]) }
        #expect(throws: ConfigurationError.self) { try FunctionConfiguration.fromEnvironment(["MAX_STOPS_PER_RUN": "ten"]) }
        #expect(try FunctionConfiguration.fromEnvironment(["MEMBER_ROLE_NAME": "reader"]).memberStopRoleName == "reader-stop")
        #expect(try FunctionConfiguration.fromEnvironment(["MEMBER_ROLE_NAME": "reader", "MEMBER_STOP_ROLE_NAME": "stopper"]).memberStopRoleName == "stopper")
        #expect(try FunctionConfiguration.fromEnvironment([:]).memberStopRoleName == nil)
    }

    @Test("activity settings: ALERT_ON, the idle thresholds and look-back, AUTO_STOP_REQUIRE_IDLE, MANAGED_INSTANCES; bad values named")
    func activity() throws {
        let defaults = try FunctionConfiguration.fromEnvironment([:])
        #expect(defaults.alertOn == .uptime && defaults.idleCPUPercent == 5 && defaults.idleNetworkMBPerDay == 5 && defaults.idleLookback == 14 * 86_400)
        #expect(defaults.autoStopRequiresIdle && defaults.managedInstances == .skip)
        let set = try FunctionConfiguration.fromEnvironment([
            "ALERT_ON": "idle", "IDLE_CPU_PERCENT": "2.5", "IDLE_NETWORK_MB_PER_DAY": "50", "IDLE_LOOKBACK": "3d",
            "AUTO_STOP_REQUIRE_IDLE": "false", "MANAGED_INSTANCES": "alert",
        ])
        #expect(set.alertOn == .idle && set.idleCPUPercent == 2.5 && set.idleNetworkMBPerDay == 50 && set.idleLookback == 3 * 86_400)
        #expect(!set.autoStopRequiresIdle && set.managedInstances == .alert)
        for (name, value) in [("ALERT_ON", "busy"), ("IDLE_CPU_PERCENT", "0"), ("IDLE_CPU_PERCENT", "101"), ("IDLE_LOOKBACK", "30m"),
                              ("IDLE_LOOKBACK", "90d"), ("AUTO_STOP_REQUIRE_IDLE", "yes"), ("MANAGED_INSTANCES", "stop")] {
            let error = try #require(throws: ConfigurationError.self) { try FunctionConfiguration.fromEnvironment([name: value]) }
            #expect("\(error)".contains(name), "\(error)")
        }
    }
}
