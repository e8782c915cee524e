import FoundationEssentials
import CurlHTTP
import Support

/// EC2 over its query protocol (version 2016-11-15), answers in XML parsed with expat.
public final class EC2Client {
    let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// Instances by id, every page. An id EC2 does not know throws `InvalidInstanceID.NotFound`
    /// (see `AWSServiceError.isInstanceNotFound`).
    public func describeInstances(ids: [String], deadline: Date? = nil) throws(AWSClientError) -> [EC2Instance] {
        let parameters = ids.enumerated().map { ("InstanceId.\($0.offset + 1)", $0.element) }
        return try describeAllPages(parameters, deadline: deadline)
    }

    /// Instances matching filters (`["instance-state-name": ["running"]]`), every page.
    public func describeInstances(filters: [String: [String]], pageSize: Int? = nil, deadline: Date? = nil) throws(AWSClientError) -> [EC2Instance] {
        var parameters: [(String, String)] = []
        for (index, filter) in filters.sorted(by: { $0.key < $1.key }).enumerated() {
            parameters.append(("Filter.\(index + 1).Name", filter.key))
            for (valueIndex, value) in filter.value.enumerated() {
                parameters.append(("Filter.\(index + 1).Value.\(valueIndex + 1)", value))
            }
        }
        if let pageSize { parameters.append(("MaxResults", String(pageSize))) }
        return try describeAllPages(parameters, deadline: deadline)
    }

    private func describeAllPages(_ parameters: [(String, String)], deadline: Date?) throws(AWSClientError) -> [EC2Instance] {
        var instances: [EC2Instance] = []
        var nextToken: String?
        repeat {
            var pageParameters = parameters
            if let nextToken { pageParameters.append(("NextToken", nextToken)) }
            let answer = try aws.callQuery(.ec2, action: "DescribeInstances", version: "2016-11-15", parameters: pageParameters, deadline: deadline)
            for reservation in answer.child("reservationSet")?.children("item") ?? [] {
                for item in reservation.child("instancesSet")?.children("item") ?? [] {
                    guard let instance = EC2Instance(xml: item) else {
                        throw .malformedResponse(service: .ec2, operation: "DescribeInstances", reason: "an instance without instanceId or instanceState")
                    }
                    instances.append(instance)
                }
            }
            nextToken = answer.string("nextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return instances
    }
}
