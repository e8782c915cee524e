import FoundationEssentials
import CurlHTTP
import Support

/// AWS Organizations over its JSON 1.1 protocol (`X-Amz-Target: AWSOrganizationsV20161128.<Operation>`),
/// for the two read-only calls the policies need: where an account or OU sits, and whether an OU exists.
public final class OrganizationsClient {
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// The container directly above an account or OU: an OU (`ORGANIZATIONAL_UNIT`) or the root (`ROOT`).
    public struct Parent: Sendable, Equatable {
        public var id: String
        public var isRoot: Bool

        public init(id: String, isRoot: Bool) {
            self.id = id
            self.isRoot = isRoot
        }
    }

    /// `ListParents`: the parent of an account or OU. Organizations gives every child exactly one;
    /// its answer is a list (paged) only by the shape of the API, and the first is taken.
    public func parent(of childId: String, deadline: Date? = nil) throws(AWSClientError) -> Parent {
        struct Input: Encodable { let ChildId: String }
        struct Output: Decodable {
            struct Entry: Decodable { let Id: String?; let `Type`: String? }
            let Parents: [Entry]?
        }
        let output: Output = try aws.callJSON(.organizations, targetPrefix: "AWSOrganizationsV20161128", jsonVersion: "1.1",
                                              operation: "ListParents", input: Input(ChildId: childId), deadline: deadline)
        guard let entry = output.Parents?.first, let id = entry.Id, !id.isEmpty else {
            throw .malformedResponse(service: .organizations, operation: "ListParents", reason: "no parent in the answer for \(childId)")
        }
        return Parent(id: id, isRoot: entry.Type == "ROOT")
    }

    /// `DescribeOrganizationalUnit`: the OU's name; throws `OrganizationalUnitNotFoundException`
    /// (a service error) when the organisation has no such OU.
    public func organizationalUnitName(_ id: String, deadline: Date? = nil) throws(AWSClientError) -> String {
        struct Input: Encodable { let OrganizationalUnitId: String }
        struct Output: Decodable {
            struct Unit: Decodable { let Name: String? }
            let OrganizationalUnit: Unit?
        }
        let output: Output = try aws.callJSON(.organizations, targetPrefix: "AWSOrganizationsV20161128", jsonVersion: "1.1",
                                              operation: "DescribeOrganizationalUnit", input: Input(OrganizationalUnitId: id), deadline: deadline)
        return output.OrganizationalUnit?.Name ?? ""
    }
}
