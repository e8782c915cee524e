import AWS
import Lambda

// The errors of the layers below that a handler lets through reach Lambda with their own type name
// (`Function.DynamoDB.ProvisionedThroughputExceededException`). The AWS layer knows nothing of
// Lambda; the product, which uses both, says so here.
extension AWSClientError: LambdaReportableError {}
