import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("AWS error parsing")
struct AWSServiceErrorTests {
    func parse(_ body: String, status: Int = 400, headers: HTTPHeaders = [:], service: AWSService = .dynamoDB) -> AWSServiceError {
        AWSServiceError.parse(HTTPResponse(status: status, headers: headers, body: Data(body.utf8)), service: service, operation: "Op")
    }

    @Test("JSON: __type with a namespace, message or Message, request id from the header")
    func json() {
        let error = parse(#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"}"#,
                          headers: ["x-amzn-RequestId": "RID"])
        #expect(error.code == "ResourceNotFoundException")
        #expect(error.message == "no table")
        #expect(error.requestId == "RID")
        #expect(parse(#"{"__type":"ParameterNotFound","Message":"gone"}"#, service: .ssm).message == "gone")
    }

    @Test("the x-amzn-ErrorType header when the body names nothing")
    func header() {
        #expect(parse("", headers: ["x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/"]).code == "ValidationException")
    }

    @Test("XML: SNS's ErrorResponse and EC2's Response/Errors, with their request ids")
    func xml() {
        let sns = parse("<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>", status: 404, service: .sns)
        #expect(sns.code == "NotFound" && sns.message == "Topic does not exist" && sns.requestId == "r-1")
        let ec2 = parse(#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1' does not exist</Message></Error></Errors><RequestID>r-2</RequestID></Response>"#, service: .ec2)
        #expect(ec2.isInstanceNotFound && ec2.requestId == "r-2")
    }

    @Test("an XML auth error sent to a JSON client is still read")
    func xmlToJSONClient() {
        let error = parse(#"<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error></Errors></ErrorResponse>"#, status: 403)
        #expect(error.code == "SignatureDoesNotMatch" && error.isAuthenticationFailure)
    }

    @Test("an unreadable body still gives the status and an excerpt")
    func unreadable() {
        let error = parse("Bad Gateway from proxy", status: 502)
        #expect(error.code == "HTTP502")
        #expect(error.message == "Bad Gateway from proxy")
        #expect(error.isRetryable)
        #expect(parse("", status: 503).description.contains("HTTP 503"))
    }
}
