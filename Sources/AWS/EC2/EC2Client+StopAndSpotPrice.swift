import FoundationEssentials
import CurlHTTP
import Support

/// Stopping instances and reading Spot prices (the rest of EC2 is in `EC2Client.swift`).
extension EC2Client {
    public func instance(id: String, deadline: Date?) throws(AWSClientError) -> EC2Instance? {
        do {
            return try describeInstances(ids: [id], deadline: deadline).first { $0.id == id }
        } catch .service(let error, _) where error.code == "InvalidInstanceID.NotFound" {
            return nil
        }
    }

    public func stopInstance(id: String, deadline: Date?) throws(AWSClientError) -> String {
        let answer = try aws.callQuery(.ec2, action: "StopInstances", version: "2016-11-15", parameters: [("InstanceId.1", id)], deadline: deadline)
        let item = answer.child("instancesSet")?.children("item").first { $0.string("instanceId") == id }
        return item?.string("currentState", "name") ?? "stopping"
    }

    /// Whether IAM lets these credentials stop the instance, asked without stopping it (`DryRun`):
    /// EC2 answers `DryRunOperation` when it would, `UnauthorizedOperation` when it would not. A
    /// stop by policy (no opt-in tag) asks first, so a member whose IAM allows only tagged
    /// instances gets a held-back line instead of a failed stop.
    public func mayStopInstance(id: String, deadline: Date?) throws(AWSClientError) -> Bool {
        do throws(AWSClientError) {
            _ = try aws.callQuery(.ec2, action: "StopInstances", version: "2016-11-15", parameters: [("DryRun", "true"), ("InstanceId.1", id)], deadline: deadline)
            // An answer without the dry run's error: EC2 did not take it as a dry run, so nothing is assumed.
            throw .malformedResponse(service: .ec2, operation: "StopInstances", reason: "a dry run answered as if it were done")
        } catch .service(let error, _) where error.code == "DryRunOperation" {
            return true
        } catch .service(let error, _) where error.code == "UnauthorizedOperation" {
            return false
        }
    }

    public func spotPrice(instanceType: String, zone: String, deadline: Date?) throws(AWSClientError) -> Double? {
        let answer = try aws.callQuery(.ec2, action: "DescribeSpotPriceHistory", version: "2016-11-15", parameters: [
            ("InstanceType.1", instanceType), ("ProductDescription.1", "Linux/UNIX"), ("AvailabilityZone", zone),
            ("StartTime", UTCDateTime(Date()).extendedISO8601), ("MaxResults", "100"),
        ], deadline: deadline)
        // The newest entry for exactly this zone and a Linux/UNIX description (EC2 also writes
        // "Linux/UNIX (Amazon VPC)"); the zone filter is applied here too, in case it was not there.
        let entries = (answer.child("spotPriceHistorySet")?.children("item") ?? []).compactMap { item -> (time: String, price: Double)? in
            guard item.string("availabilityZone") == zone, item.string("instanceType") == instanceType,
                  item.string("productDescription")?.hasPrefix("Linux/UNIX") == true,
                  let price = item.string("spotPrice").flatMap(Double.init), price >= 0
            else { return nil }
            return (item.string("timestamp") ?? "", price)
        }
        return entries.max { $0.time < $1.time }?.price
    }
}
