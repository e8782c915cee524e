import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// EC2 across every account and region the checker watches.
public protocol FleetInventory {
    /// The function's own account: `hint` (the tick's account) when it is one, else asked of STS.
    func ownAccount(hint: String?, deadline: Date?) throws(AWSClientError) -> String
    /// Runs `work` for every pair, several pairs at once; each call gets the pair's EC2, or why it
    /// cannot be reached. The outputs come back in the pairs' order.
    func forEachPair<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any InstanceInventory, MemberAccessError>) -> Output
    ) -> [Output]
    /// EC2 in one pair, for the calling thread, with the reading role: Spot prices.
    func ec2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2
    /// EC2 in one pair, for the calling thread, with the role that may stop (in a member account,
    /// the stop role, which only the checker may assume).
    func stoppingEC2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2
    /// Runs `work` for every pair with the pair's CloudWatch metrics (the reading role), several
    /// pairs at once; the outputs come back in the pairs' order.
    func forEachPairMetrics<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any MetricReading, MemberAccessError>) -> Output
    ) -> [Output]
    /// Runs `work` for every pair with the pair's EC2 (the reading role: Spot prices), several pairs
    /// at once; the outputs come back in the pairs' order.
    func forEachPairEC2<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any FleetEC2, MemberAccessError>) -> Output
    ) -> [Output]
    /// A new run begins: an account whose role could not be assumed is asked again (once).
    func startRun()
}

/// The fleet as AWS has it: a bounded pool of threads, each with its own libcurl handle, reaching
/// every pair through `OrganizationAccess` (own credentials at home, the member role elsewhere).
public final class EC2Fleet: FleetInventory {
    private let access: OrganizationAccess
    private let concurrency: Int
    private let httpConfiguration: CurlHTTPClient.Configuration
    /// The calling thread's own handle (the workers make theirs), made when first needed.
    private lazy var callerHTTP = CurlHTTPClient(configuration: httpConfiguration)

    public init(access: OrganizationAccess, concurrency: Int, httpConfiguration: CurlHTTPClient.Configuration) {
        self.access = access
        self.concurrency = concurrency
        self.httpConfiguration = httpConfiguration
    }

    public func ec2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2 {
        EC2Client(aws: try access.client(for: pair, ownAccount: ownAccount, http: callerHTTP, deadline: deadline))
    }

    public func stoppingEC2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2 {
        EC2Client(aws: try access.client(for: pair, ownAccount: ownAccount, http: callerHTTP, deadline: deadline, role: .stopping))
    }

    public func forEachPairMetrics<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any MetricReading, MemberAccessError>) -> Output
    ) -> [Output] {
        eachPair(pairs, ownAccount: ownAccount, deadline: deadline, client: { CloudWatchClient(aws: $0) as any MetricReading }, work)
    }

    public func startRun() {
        access.startRun()
    }

    public func ownAccount(hint: String?, deadline: Date?) throws(AWSClientError) -> String {
        try access.ownAccount(hint: hint, http: CurlHTTPClient(configuration: httpConfiguration), deadline: deadline)
    }

    public func forEachPairEC2<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any FleetEC2, MemberAccessError>) -> Output
    ) -> [Output] {
        eachPair(pairs, ownAccount: ownAccount, deadline: deadline, client: { EC2Client(aws: $0) as any FleetEC2 }, work)
    }

    public func forEachPair<Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
        _ work: @Sendable (AccountRegion, Result<any InstanceInventory, MemberAccessError>) -> Output
    ) -> [Output] {
        eachPair(pairs, ownAccount: ownAccount, deadline: deadline, client: { EC2Client(aws: $0) as any InstanceInventory }, work)
    }

    /// Every pair on the pool, each thread with its own libcurl handle, `work` given the pair's
    /// service client (own credentials at home, the member role elsewhere), or why there is none.
    private func eachPair<Client, Output: Sendable>(
        _ pairs: [AccountRegion], ownAccount: String, deadline: Date?, client: @escaping @Sendable (AWSClient) -> Client,
        _ work: @Sendable (AccountRegion, Result<Client, MemberAccessError>) -> Output
    ) -> [Output] {
        let access = self.access
        let configuration = httpConfiguration
        return WorkerPool.map(pairs, workers: concurrency, makeState: { CurlHTTPClient(configuration: configuration) }) { http, pair in
            work(pair, Result { () throws(MemberAccessError) -> Client in
                client(try access.client(for: pair, ownAccount: ownAccount, http: http, deadline: deadline))
            })
        }
    }
}

/// What the UptimeChecker does in one account and region besides listing instances: stop the
/// instances that asked for it, and read Spot prices.
public protocol FleetEC2 {
    /// The instance as EC2 describes it now; nil when EC2 does not know it.
    func instance(id: String, deadline: Date?) throws(AWSClientError) -> EC2Instance?
    /// Stops one instance (never terminates). Returns the state EC2 reports it moving to.
    func stopInstance(id: String, deadline: Date?) throws(AWSClientError) -> String
    /// Whether IAM would let this stop go ahead, asked by a dry run (nothing is stopped).
    func mayStopInstance(id: String, deadline: Date?) throws(AWSClientError) -> Bool
    /// The newest Spot price of `instanceType` (Linux/UNIX) in `zone`, in US dollars an hour; nil when EC2 has none.
    func spotPrice(instanceType: String, zone: String, deadline: Date?) throws(AWSClientError) -> Double?
}

extension EC2Client: FleetEC2 {}
