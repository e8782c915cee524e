import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

@Suite("Which rule applies to an instance")
struct PolicyBookTests {
    static let sandbox = "ou-ab12-sandbox1", team = "ou-ab12-team0001", prod = "111111111111", member = "222222222222", other = "333333333333"
    static let document = PoliciesDocument(
        defaultSettings: PolicySettings(threshold: .after(seconds: 6 * 3600)),
        organizationalUnits: [
            sandbox: PolicySettings(threshold: .after(seconds: 8 * 3600), autoStop: .on, stopAfter: 12 * 3600),
            team: PolicySettings(alertOn: .idle),
        ],
        accounts: [prod: PolicySettings(threshold: .off), member: PolicySettings(threshold: .after(seconds: 2 * 3600))]
    )
    /// `member` sits in `team`, which sits in `sandbox`; `prod` is under the root.
    static let membership = OrganizationMembership(units: [member: [team, sandbox], prod: [], other: [sandbox]])
    static let environment = PolicySettings(threshold: .after(seconds: 3 * 3600), alertOn: .uptime, autoStop: .off, managedInstances: .skip)
    let book = PolicyBook(document: document, environment: environment, membership: membership)

    @Test("each setting from the first place that has it: tag, account, nearest OU, its parents, default, environment")
    func precedence() {
        let memberPolicy = book.resolve(account: Self.member, tags: [:]).policy
        #expect(memberPolicy.limit == .policy(seconds: 7200, source: .account(Self.member)))
        #expect(memberPolicy.alertOn == .idle) // the nearest OU
        #expect(memberPolicy.autoStop == .on && memberPolicy.stopAfter == 43_200 && memberPolicy.stopAfterSource == .organizationalUnit(Self.sandbox)) // its parent
        #expect(memberPolicy.managedInstances == .skip) // the environment
        #expect("\(memberPolicy.source)" == "account:\(Self.member)")

        let tagged = book.resolve(account: Self.member, tags: ["instance-watch:max-uptime": "1d", "instance-watch:stop-after": "2d"]).policy
        #expect(tagged.limit == .tag(seconds: 86_400) && "\(tagged.source)" == "tag")
        #expect(tagged.stopAfter == 172_800 && tagged.stopAfterSource == .tag && !tagged.isPolicyStop)

        let prodPolicy = book.resolve(account: Self.prod, tags: [:]).policy
        #expect(prodPolicy.limit == .policy(seconds: nil, source: .account(Self.prod)) && prodPolicy.limit.seconds == nil)
        #expect(prodPolicy.autoStop == .off && prodPolicy.stopAfter == nil)

        let sandboxed = book.resolve(account: Self.other, tags: [:]).policy
        #expect(sandboxed.limit == .policy(seconds: 28_800, source: .organizationalUnit(Self.sandbox)) && "\(sandboxed.source)" == "ou:\(Self.sandbox)")
        #expect(sandboxed.isPolicyStop)

        let unknownAccount = book.resolve(account: "444444444444", tags: [:]).policy
        #expect(unknownAccount.limit == .policy(seconds: 21_600, source: .default) && "\(unknownAccount.source)" == "default")

        let noDocument = PolicyBook(environment: Self.environment).resolve(account: Self.member, tags: [:]).policy
        #expect(noDocument.limit == .threshold(seconds: 10_800) && "\(noDocument.source)" == "environment")
    }

    @Test("a stop by policy needs the instance's tags (EC2 described it); a malformed stop-after tag stops nothing")
    func policyStops() {
        #expect(book.resolve(account: Self.other, tags: nil).policy.stopAfter == nil)
        let (policy, problems) = book.resolve(account: Self.other, tags: ["instance-watch:stop-after": "soon"])
        #expect(policy.stopAfter == nil && problems.count == 1 && problems[0].contains("is not a duration"))
        let (limited, limitProblems) = book.resolve(account: Self.other, tags: ["instance-watch:max-uptime": "later"])
        #expect(limited.limit == .policy(seconds: 28_800, source: .organizationalUnit(Self.sandbox)) && limitProblems.count == 1)
    }

    @Test("an account whose OUs could not be read: judged by its account and default policies, and no stop is made in it")
    func unreadable() {
        var membership = Self.membership
        membership.units[Self.other] = nil
        membership.unreadable[Self.other] = "ListParents: denied"
        let book = PolicyBook(document: Self.document, environment: PolicySettings(threshold: .after(seconds: 3600), autoStop: .on), membership: membership)
        let policy = book.resolve(account: Self.other, tags: ["instance-watch:stop-after": "2h"]).policy
        #expect(policy.limit == .policy(seconds: 21_600, source: .default))
        #expect(policy.stopAfter == 7200 && policy.stopsWithheld?.contains("OUs could not be read") == true)
        var instance = RunningInstance(id: "i-1", region: "eu-west-1", account: Self.other, since: UTCDateTime(epochSeconds: 0), limit: policy.limit)
        instance.policy = policy
        instance.activity = nil
        #expect(AutoStopPolicy.decide(instance, now: UTCDateTime(epochSeconds: 86_400), mode: policy.autoStop, stopsSoFar: 0, maximumStops: 10, requireIdle: false)
                == .heldBack(reason: policy.stopsWithheld!))
    }

    @Test("which modes some place asks for")
    func modes() {
        #expect(book.mayStop && book.anyPlace(autoStop: .on) && !book.anyPlace(autoStop: .dryRun))
        #expect(!PolicyBook(environment: Self.environment).mayStop)
    }
}
