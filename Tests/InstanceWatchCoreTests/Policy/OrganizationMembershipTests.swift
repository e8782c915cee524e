import Foundation
import Testing
@testable import InstanceWatchCore
@testable import AWS
@testable import Support

@Suite("Reading OU membership")
struct OrganizationMembershipTests {
    /// An organisation in memory: child → parent, and the OUs that exist.
    final class FakeOrganization: OrganizationStructure {
        var parents: [String: String]
        var failing: Set<String> = []
        var asked: [String] = []
        init(parents: [String: String]) { self.parents = parents }

        func parent(of childId: String, deadline: Date?) throws(AWSClientError) -> OrganizationsClient.Parent {
            asked.append("ListParents \(childId)")
            if failing.contains(childId) { throw .service(AWSServiceError(service: .organizations, operation: "X", status: 400, code: "AccessDeniedException", message: "denied", requestId: nil), attempts: 1) }
            guard let parent = parents[childId] else { throw .service(AWSServiceError(service: .organizations, operation: "X", status: 400, code: "ChildNotFoundException", message: "no", requestId: nil), attempts: 1) }
            return .init(id: parent, isRoot: parent.hasPrefix("r-"))
        }

        func organizationalUnitName(_ id: String, deadline: Date?) throws(AWSClientError) -> String {
            asked.append("DescribeOrganizationalUnit \(id)")
            guard parents[id] != nil else { throw .service(AWSServiceError(service: .organizations, operation: "X", status: 400, code: "OrganizationalUnitNotFoundException", message: "no", requestId: nil), attempts: 1) }
            return id
        }
    }

    static let organization = [
        "111111111111": "ou-ab12-team0001", "222222222222": "ou-ab12-team0001", "333333333333": "r-ab12",
        "ou-ab12-team0001": "ou-ab12-sandbox1", "ou-ab12-sandbox1": "r-ab12",
    ]

    @Test("up to the root, nearest first; each OU's parent asked once; an OU the document names that does not exist is a problem")
    func chains() {
        let fake = FakeOrganization(parents: Self.organization)
        let membership = OrganizationMembership.read(accounts: ["111111111111", "222222222222", "333333333333"],
                                                     documentUnits: ["ou-ab12-sandbox1", "ou-ab12-missing1"], deadline: .distantFuture) { _ in fake }
        #expect(membership.units == ["111111111111": ["ou-ab12-team0001", "ou-ab12-sandbox1"], "222222222222": ["ou-ab12-team0001", "ou-ab12-sandbox1"],
                                     "333333333333": []])
        #expect(membership.unreadable.isEmpty)
        #expect(fake.asked.filter { $0.hasPrefix("ListParents ou-") }.count == 2)
        #expect(membership.problems == ["policies: organizationalUnits.ou-ab12-missing1 names an OU this organisation does not have; its policy applies to no account"])
    }

    @Test("a refused account is named, the others placed; a role that cannot be assumed leaves every account unplaced")
    func failures() {
        let fake = FakeOrganization(parents: Self.organization)
        fake.failing = ["222222222222"]
        let membership = OrganizationMembership.read(accounts: ["111111111111", "222222222222"], documentUnits: [], deadline: .distantFuture) { _ in fake }
        #expect(membership.units.keys.sorted() == ["111111111111"] && membership.unreadable.keys.sorted() == ["222222222222"])
        #expect(membership.problems.count == 1 && membership.problems[0].contains("222222222222") && membership.problems[0].contains("AccessDeniedException"))

        struct Refused: Error, CustomStringConvertible { var description: String { "AssumeRole: AccessDenied" } }
        let none = OrganizationMembership.read(accounts: ["111111111111", "222222222222"], documentUnits: [], deadline: .distantFuture) { _ in throw Refused() }
        #expect(none.units.isEmpty && none.unreadable.keys.sorted() == ["111111111111", "222222222222"])
        #expect(none.problems.count == 1 && none.problems[0].contains("AssumeRole: AccessDenied") && none.problems[0].contains("no stop is made in them"))
    }
}
