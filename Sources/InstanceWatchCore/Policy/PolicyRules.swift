import FoundationEssentials

/// The policies as the checker holds them from its start (the document, read once per cold start,
/// and the way to Organizations), made into each run's `PolicyBook`.
public struct PolicyRules {
    public var document: PoliciesDocument?
    public var environment: PolicySettings
    /// Connects to Organizations (assumes `ORGANIZATION_ROLE_ARN`); nil: OUs are never read.
    public var organization: ((_ deadline: Date) throws -> any OrganizationStructure)?

    public init(document: PoliciesDocument?, environment: PolicySettings, organization: ((_ deadline: Date) throws -> any OrganizationStructure)? = nil) {
        self.document = document
        self.environment = environment
        self.organization = organization
    }

    /// Whether any place (the variables or the document) sets `autoStop` to this mode.
    public func anyPlace(autoStop mode: FunctionConfiguration.AutoStop) -> Bool {
        PolicyBook(document: document, environment: environment).anyPlace(autoStop: mode)
    }

    /// The run's book. OUs are read only when the document has OU policies, and only for the
    /// accounts with instances to judge.
    public func book(for snapshot: FleetSnapshot, deadline: Date) -> PolicyBook {
        var book = PolicyBook(document: document, environment: environment)
        guard let document, !document.organizationalUnits.isEmpty, let organization else { return book }
        var accounts = Set(snapshot.parts.filter { part in !(part.view?.running.isEmpty ?? true) || part.records.contains(where: \.saysRunning) }
            .map(\.pair.account))
        if let own = snapshot.ownAccount, snapshot.unplaced.contains(where: \.saysRunning) { accounts.insert(own) }
        book.membership = OrganizationMembership.read(accounts: Array(accounts), documentUnits: Array(document.organizationalUnits.keys),
                                                      deadline: deadline, structure: organization)
        return book
    }
}
