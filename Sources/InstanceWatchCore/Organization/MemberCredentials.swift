import FoundationEssentials
import Synchronization
import Lambda
import AWS
import CurlHTTP
import Support

/// What assumes a member role: STS, or a fake in tests.
public protocol RoleAssuming {
    func assumeRole(roleArn: String, sessionName: String, durationSeconds: Int, deadline: Date?) throws(AWSClientError) -> AssumedRoleCredentials
}

extension STSClient: RoleAssuming {}

/// Credentials for member accounts, assumed once and kept for the life of the warm process, per
/// account; renewed `renewalWindow` before they expire, so no call ever starts with credentials
/// about to lapse. Safe to use from several threads: each account has its own lock, so two pairs
/// of one account wait for one `AssumeRole` rather than making two, and accounts do not wait for
/// each other. The credentials themselves are never logged (their description redacts them).
public final class MemberCredentials: Sendable {
    /// Sessions last an hour (the role's default maximum); renewed in their last five minutes.
    public static let sessionSeconds = 3600
    public static let renewalWindow = 300

    public let roleName: String
    private let sessionName: String
    private let clock: @Sendable () -> Date
    private let accounts = Mutex<[String: Slot]>([:])

    private final class Slot: Sendable {
        let held = Mutex<AssumedRoleCredentials?>(nil)
        /// The failure of this run's attempt: the account is not asked again until `forgetFailures`.
        let failure = Mutex<MemberAccessError?>(nil)
    }

    /// Forgets the accounts whose role could not be assumed, so the next run asks each once more.
    public func forgetFailures() {
        let slots = accounts.withLock { Array($0.values) }
        for slot in slots { slot.failure.withLock { $0 = nil } }
    }

    public init(roleName: String, sessionName: String, clock: @escaping @Sendable () -> Date) {
        self.roleName = roleName
        self.sessionName = sessionName
        self.clock = clock
    }

    /// `arn:<partition>:iam::<account>:role/<name>`, the partition taken from a region of it.
    public func roleArn(account: String, region: String) -> String {
        "arn:\(AWSEnvironment.partition(ofRegion: region)):iam::\(account):role/\(roleName)"
    }

    /// The account's credentials: cached while more than `renewalWindow` seconds remain, otherwise
    /// assumed anew through `sts` (the caller's own client: its HTTP handle is the caller's thread's).
    public func credentials(account: String, region: String, sts: any RoleAssuming, deadline: Date?) throws(MemberAccessError) -> AWSCredentials {
        let slot = accounts.withLock { slots in
            if let slot = slots[account] { return slot }
            let slot = Slot()
            slots[account] = slot
            return slot
        }
        let roleArn = roleArn(account: account, region: region)
        return try slot.held.withLock { (held: inout AssumedRoleCredentials?) throws(MemberAccessError) -> AWSCredentials in
            let now = clock().timeIntervalSince1970
            if let current = held, Double(current.expiration.epochSeconds) - now > Double(Self.renewalWindow) {
                return current.credentials
            }
            // One try per account per run: its other regions are not asked again in this run.
            if let failure = slot.failure.withLock({ $0 }) { throw failure }
            do throws(AWSClientError) {
                let fresh = try sts.assumeRole(roleArn: roleArn, sessionName: sessionName, durationSeconds: Self.sessionSeconds, deadline: deadline)
                held = fresh
                return fresh.credentials
            } catch {
                // Remembered for this run only: the next run tries again (the role may be deployed by then).
                let failure = MemberAccessError.assumeRoleFailed(roleArn: roleArn, error)
                slot.failure.withLock { $0 = failure }
                throw failure
            }
        }
    }
}
