import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("XML reader on expat")
struct XMLElementTests {
    @Test("elements, paths and text, with entities decoded and namespaces left as written")
    func parses() throws {
        let root = try XMLElement.parse(Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <reservationSet><item><instancesSet><item>
                <instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState>
                <tagSet><item><key>Name</key><value>a &amp; b &lt;c&gt; ü</value></item></tagSet>
              </item></instancesSet></item></reservationSet>
            </DescribeInstancesResponse>
            """.utf8))
        #expect(root.name == "DescribeInstancesResponse")
        let instance = try #require(root["reservationSet", "item", "instancesSet", "item"])
        #expect(instance.string("instanceId") == "i-1")
        #expect(instance.string("instanceState", "name") == "running")
        #expect(EC2Instance(xml: instance)?.name == "a & b <c> ü")
        #expect(root.firstDescendant("code")?.text == "16")
    }

    @Test("malformed XML is an error with a line number")
    func malformed() {
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Data("<a><b></a>".utf8)) }
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Data()) }
    }
}
