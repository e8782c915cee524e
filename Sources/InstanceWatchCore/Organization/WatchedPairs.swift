import Lambda
import AWS
import CurlHTTP
import Support
/// Which (account, region) pairs the checker reconciles: every account it knows in every region it
/// knows. Known before reading the table: its own account and `WATCHED_ACCOUNTS`, in its own region
/// and `WATCHED_REGIONS`. The table adds the pairs its records name (an account's instance recorded
/// from a forwarded event, in a region nobody listed).
public enum WatchedPairs {
    /// The pairs known before the table is read, the function's own first.
    public static func known(ownAccount: String, homeRegion: String, watchedAccounts: [String], watchedRegions: [String]) -> [AccountRegion] {
        let accounts = unique([ownAccount] + watchedAccounts)
        let regions = unique([homeRegion] + watchedRegions)
        return accounts.flatMap { account in regions.map { AccountRegion(account: account, region: $0) } }
    }

    /// The pair a record belongs to: its `account` and `region`, or the function's own for records of
    /// the original design, which have neither. nil when what it holds is not an account id or a region.
    public static func pair(of record: InstanceRecord, ownAccount: String, homeRegion: String) -> AccountRegion? {
        let account = record.account ?? ownAccount
        let region = record.region ?? homeRegion
        guard AccountRegion.isAccountId(account), AWSEnvironment.isPlausibleRegion(region) else { return nil }
        return AccountRegion(account: account, region: region)
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
