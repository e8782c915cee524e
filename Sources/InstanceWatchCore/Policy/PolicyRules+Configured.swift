import FoundationEssentials
import AWS
import CurlHTTP
import Support

extension PolicyRules {
    /// The checker's policies from its configuration: the document `POLICIES_PARAMETER` names (read
    /// once per cold start; a bad one stops the start with its place), and Organizations through
    /// `ORGANIZATION_ROLE_ARN` when the document has OU policies.
    public static func configured(_ configuration: FunctionConfiguration, aws: AWSClient, http: @escaping () -> any HTTPClient) throws -> PolicyRules {
        let document = try configuration.policiesParameter.map {
            try PoliciesDocument.read(ssm: SSMClient(aws: aws), parameter: $0, deadline: SecretSource.lookUpDeadline())
        }
        var rules = PolicyRules(document: document, environment: .environment(configuration))
        guard let document, !document.organizationalUnits.isEmpty else { return rules }
        guard let roleArn = configuration.organizationRoleArn else {
            throw ConfigurationError.missingVariable("ORGANIZATION_ROLE_ARN", hint: """
                the policies document (POLICIES_PARAMETER) has organizationalUnits: set ORGANIZATION_ROLE_ARN to a role in the management \
                or delegated administrator account that may organizations:ListParents and DescribeOrganizationalUnit (docs/configuration.md, "Policies")
                """)
        }
        let home = aws.environment
        // Assumed once a run, for the run's OU reads only: the session is short and never kept.
        rules.organization = { deadline in
            let client = http()
            let credentials = try STSClient(aws: AWSClient(environment: home, http: client))
                .assumeRole(roleArn: roleArn, sessionName: "instance-watch-organization-reader", durationSeconds: 900, deadline: deadline)
            return OrganizationsClient(aws: AWSClient(environment: home.with(credentials: credentials.credentials), http: client))
        }
        return rules
    }
}
