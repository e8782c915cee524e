import FoundationEssentials
import Synchronization
import Lambda
import AWS
import CurlHTTP
import Support

/// How both functions reach EC2 in any account and region: with their own credentials in their own
/// account, and with the member role (`MEMBER_ROLE_NAME`) in every other. Shared by threads; each
/// call takes the caller's HTTP handle, so no libcurl handle is ever used by two threads.
public final class OrganizationAccess: Sendable {
    /// The function's own credentials, region and endpoint overrides.
    public let home: AWSEnvironment
    /// nil in single-account mode: another account's instances cannot be looked at.
    public let members: MemberCredentials?
    /// The member role that may stop instances (the checker's only); nil where nothing may be stopped.
    public let stoppers: MemberCredentials?
    private let knownOwnAccount = Mutex<String?>(nil)

    /// Which member role a call acts with.
    public enum MemberRole: Sendable {
        case reading
        case stopping
    }

    public init(home: AWSEnvironment, members: MemberCredentials?, stoppers: MemberCredentials? = nil) {
        self.home = home
        self.members = members
        self.stoppers = stoppers
    }

    /// A new run: accounts whose role could not be assumed during the last one are tried again.
    public func startRun() {
        members?.forgetFailures()
        stoppers?.forgetFailures()
    }

    /// The function's own account: `hint` when it is one (a tick's `account`, the function's ARN),
    /// else what STS `GetCallerIdentity` said the first time it was asked (no permission needed).
    public func ownAccount(hint: String?, http: any HTTPClient, deadline: Date?) throws(AWSClientError) -> String {
        if let hint, AccountRegion.isAccountId(hint) {
            knownOwnAccount.withLock { $0 = hint }
            return hint
        }
        if let known = knownOwnAccount.withLock({ $0 }) { return known }
        let account = try STSClient(aws: AWSClient(environment: home, http: http)).callerIdentity(deadline: deadline).account
        knownOwnAccount.withLock { $0 = account }
        return account
    }

    /// An AWS client acting in `pair` over `http`: own credentials when the pair's account is
    /// `ownAccount`, the member role's otherwise (assumed through the home region's STS).
    public func client(for pair: AccountRegion, ownAccount: String, http: any HTTPClient, deadline: Date?,
                       role: MemberRole = .reading) throws(MemberAccessError) -> AWSClient {
        if pair.account == ownAccount {
            return AWSClient(environment: home.with(region: pair.region), http: http)
        }
        let roles = switch role {
        case .reading: members
        case .stopping: stoppers
        }
        guard let members = roles else { throw .noMemberRole(account: pair.account) }
        let sts = STSClient(aws: AWSClient(environment: home, http: http))
        let credentials = try members.credentials(account: pair.account, region: pair.region, sts: sts, deadline: deadline)
        return AWSClient(environment: home.with(credentials: credentials, region: pair.region), http: http)
    }
}
