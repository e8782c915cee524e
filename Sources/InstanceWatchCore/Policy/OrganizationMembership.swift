import FoundationEssentials
import AWS
import CurlHTTP

/// Where accounts and OUs sit in the organisation: Organizations through `ORGANIZATION_ROLE_ARN`,
/// or a fake in tests.
public protocol OrganizationStructure {
    func parent(of childId: String, deadline: Date?) throws(AWSClientError) -> OrganizationsClient.Parent
    func organizationalUnitName(_ id: String, deadline: Date?) throws(AWSClientError) -> String
}

extension OrganizationsClient: OrganizationStructure {}

/// What one run learnt of the organisation: each account's OUs, nearest first (its parent, then
/// that OU's parent, up to the root), and the accounts it could not place.
public struct OrganizationMembership: Sendable, Equatable {
    /// Account id → OU ids, nearest first (empty: directly under the root).
    public var units: [String: [String]] = [:]
    /// Account id → why its OUs are unknown this run.
    public var unreadable: [String: String] = [:]
    /// What the result and the log should say (an OU the document names that does not exist).
    public var problems: [String] = []

    public init(units: [String: [String]] = [:], unreadable: [String: String] = [:]) {
        self.units = units
        self.unreadable = unreadable
    }

    /// Organizations allows five levels of OUs under the root; a walk longer than this is a loop.
    static let deepestWalk = 8

    /// Reads the OUs of `accounts` (`ListParents` up to the root, each OU asked once a run), and
    /// checks that each OU `documentUnits` names exists (`DescribeOrganizationalUnit`): a policy for
    /// an OU that is not there would quietly apply to nobody.
    /// - Parameter structure: connects (assumes the organisation role); a failure leaves every
    ///   account unplaced, and the run falls back to account and default policies.
    public static func read(accounts: [String], documentUnits: [String], deadline: Date,
                            structure connect: (_ deadline: Date) throws -> any OrganizationStructure) -> OrganizationMembership {
        var membership = OrganizationMembership()
        guard !accounts.isEmpty else { return membership }
        let structure: any OrganizationStructure
        do {
            structure = try connect(deadline)
        } catch {
            membership.unplaced(accounts, because: "the organisation role could not be assumed: \(error)")
            return membership
        }
        for unit in documentUnits.sorted() {
            do throws(AWSClientError) {
                _ = try structure.organizationalUnitName(unit, deadline: deadline)
            } catch {
                guard case .service(let service, _) = error, service.code == "OrganizationalUnitNotFoundException" else {
                    membership.unplaced(accounts, because: "Organizations could not be asked (DescribeOrganizationalUnit \(unit): \(error))")
                    return membership
                }
                membership.problems.append("policies: organizationalUnits.\(unit) names an OU this organisation does not have; its policy applies to no account")
            }
        }
        // Parents of OUs are shared by many accounts: each is asked once.
        var parentOf: [String: OrganizationsClient.Parent] = [:]
        for account in accounts.sorted() {
            var chain: [String] = []
            var child = account
            do throws(AWSClientError) {
                for _ in 0..<deepestWalk {
                    let parent: OrganizationsClient.Parent
                    if let known = parentOf[child] { parent = known } else { parent = try structure.parent(of: child, deadline: deadline) }
                    parentOf[child] = parent
                    if parent.isRoot { break }
                    chain.append(parent.id)
                    child = parent.id
                }
                membership.units[account] = chain
            } catch {
                membership.unreadable[account] = "ListParents: \(error)"
            }
        }
        if !membership.unreadable.isEmpty {
            let accounts = membership.unreadable.keys.sorted()
            membership.problems.append("""
                policies: the OUs of \(accounts.count) account(s) could not be read (\(accounts.prefix(5).joined(separator: ", "))\(accounts.count > 5 ? ", …" : "")): \
                \(membership.unreadable[accounts[0]] ?? ""); they are judged by their account and default policies, and no stop is made in them this run
                """)
        }
        return membership
    }

    private mutating func unplaced(_ accounts: [String], because reason: String) {
        for account in accounts { unreadable[account] = reason }
        problems.append("""
            policies: OU membership could not be read (\(reason)); every account is judged by its account and default policies, \
            and no stop is made in them this run
            """)
    }
}
