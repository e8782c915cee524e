import InstanceWatchCore

let function = FunctionDescription(
    name: "StateChangeHandler",
    summary: "Records EC2 instance state changes in DynamoDB and warns in Slack about Spot interruptions."
)

LambdaMain.run(function) { environment, _ in
    _ = try FunctionConfiguration.fromEnvironment(environment)
    return NotYetImplementedHandler(function: function.name)
}
