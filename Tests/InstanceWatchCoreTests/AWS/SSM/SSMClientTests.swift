import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("SSM client against moto")
struct SSMClientTests {
    let moto: MotoServer
    let ssm: SSMClient

    init() throws {
        moto = try MotoServer.get()
        ssm = SSMClient(aws: try moto.awsClient())
    }

    @Test("GetParameter with decryption returns a SecureString's value")
    func secureString() throws {
        let name = "/instance-watch/" + MotoServer.uniqueName("slack")
        try moto.fixture(["op": "put_parameter", "name": name, "value": "https://hooks.slack.com/services/T0/B0/SECRET", "type": "SecureString"])
        #expect(try ssm.getParameter(name: name) == "https://hooks.slack.com/services/T0/B0/SECRET")
        #expect(try ssm.getParameter(name: name, withDecryption: false) != "https://hooks.slack.com/services/T0/B0/SECRET")
    }

    @Test("a missing parameter is ParameterNotFound")
    func missing() throws {
        #expect {
            _ = try ssm.getParameter(name: "/instance-watch/none")
        } throws: { error in
            (error as? AWSClientError)?.serviceError?.code == "ParameterNotFound"
        }
    }

    @Test("a wrong secret key is rejected even though SSM answers this JSON client in XML")
    func wrongSecretKey() throws {
        let client = SSMClient(aws: try moto.awsClient(credentials: AWSCredentials(accessKeyId: moto.credentials.accessKeyId, secretAccessKey: "wrong")))
        #expect {
            _ = try client.getParameter(name: "/instance-watch/none")
        } throws: { error in
            (error as? AWSClientError)?.serviceError?.code == "SignatureDoesNotMatch"
        }
    }
}
