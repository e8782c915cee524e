import Lambda
import AWS
import CurlHTTP
import Support
/// Why the functions cannot act in a member account: the member role could not be assumed (no such
/// role, a trust policy that does not name us, STS unreachable), or no role is configured at all.
public enum MemberAccessError: Error, Equatable, CustomStringConvertible {
    case assumeRoleFailed(roleArn: String, AWSClientError)
    case noMemberRole(account: String)

    public var description: String {
        switch self {
        case .assumeRoleFailed(let roleArn, let error):
            return "could not assume \(roleArn): \(error)"
        case .noMemberRole(let account):
            return "account \(account) is not this function's and MEMBER_ROLE_NAME is not set, so there is no role to look with"
        }
    }

    /// A few words for a message: `AssumeRole AccessDenied`, `no member role`.
    public var shortReason: String {
        switch self {
        case .assumeRoleFailed(_, .service(let error, _)): return "AssumeRole \(error.code)"
        case .assumeRoleFailed(_, .deadlineExceeded): return "AssumeRole timed out"
        case .assumeRoleFailed(_, .transport(_, _, let error, _)): return "AssumeRole: \(error)"
        case .assumeRoleFailed(_, let error): return "AssumeRole: \(error)"
        case .noMemberRole: return "MEMBER_ROLE_NAME not set"
        }
    }
}

extension MemberAccessError: LambdaReportableError {
    public var errorType: String {
        switch self {
        case .assumeRoleFailed(_, let error): return error.errorType
        case .noMemberRole: return "NoMemberRole"
        }
    }
}
