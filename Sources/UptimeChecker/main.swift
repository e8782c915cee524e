import InstanceWatchCore

let function = FunctionDescription(
    name: "UptimeChecker",
    summary: "On a schedule, finds instances running longer than allowed and notifies by SNS e-mail and Slack."
)

LambdaMain.run(function) { environment, _ in
    _ = try FunctionConfiguration.fromEnvironment(environment)
    return NotYetImplementedHandler(function: function.name)
}
