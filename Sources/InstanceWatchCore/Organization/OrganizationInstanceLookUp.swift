import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The StateChangeHandler's look-up: in the event's own account and region, through the member role
/// when the account is not the function's (organisation-wide mode). In single-account mode every
/// look-up uses the function's own credentials, in the event's region.
public final class OrganizationInstanceLookUp: InstanceLookingUp {
    private let access: OrganizationAccess
    private let http: any HTTPClient

    public init(access: OrganizationAccess, http: any HTTPClient) {
        self.access = access
        self.http = http
    }

    public func instance(id: String, account: String?, region: String, ownAccountHint: String?, deadline: Date?) throws -> EC2Instance? {
        let region = region.isEmpty ? access.home.region : region
        access.startRun() // each event is a run of its own: a role refused for the last one is tried again
        let aws: AWSClient
        if let account, access.members != nil {
            let own = try access.ownAccount(hint: ownAccountHint, http: http, deadline: deadline)
            aws = try access.client(for: AccountRegion(account: account, region: region), ownAccount: own, http: http, deadline: deadline)
        } else {
            aws = AWSClient(environment: access.home.with(region: region), http: http)
        }
        return try EC2Client(aws: aws).describeInstances(ids: [id], deadline: deadline).first
    }
}
