import FoundationEssentials
import CurlHTTP
import Support

/// The AWS Price List Query API over its JSON 1.1 protocol (`X-Amz-Target:
/// AWSPriceListService.GetProducts`, signing name `pricing`, endpoint in us-east-1). Each product
/// comes back as a JSON document inside a string of the answer's `PriceList`.
public final class PriceListClient {
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// The on-demand price, in US dollars an hour, of a Linux instance of `instanceType` with
    /// shared tenancy in `region`; nil when the Price List has no such product.
    public func onDemandLinuxHourlyUSD(instanceType: String, region: String, deadline: Date?) throws(AWSClientError) -> Double? {
        let filters = [
            ("instanceType", instanceType), ("regionCode", region), ("operatingSystem", "Linux"), ("tenancy", "Shared"),
            ("preInstalledSw", "NA"), ("capacitystatus", "Used"),
        ].map { Input.Filter(Type: "TERM_MATCH", Field: $0.0, Value: $0.1) }
        var nextToken: String?
        var prices: [Double] = []
        repeat {
            let output: Output = try aws.callJSON(
                .pricing, targetPrefix: "AWSPriceListService", jsonVersion: "1.1", operation: "GetProducts",
                input: Input(ServiceCode: "AmazonEC2", Filters: filters, FormatVersion: "aws_v1", MaxResults: 100, NextToken: nextToken),
                deadline: deadline
            )
            for document in output.PriceList ?? [] {
                guard let price = try Self.onDemandHourlyUSD(document: document) else { continue }
                prices.append(price)
            }
            nextToken = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil && prices.isEmpty
        return prices.first
    }

    /// The hourly USD price of one price document's on-demand term: `terms.OnDemand.<term>.
    /// priceDimensions.<dimension>.pricePerUnit.USD` with the unit `Hrs`. nil when the document has
    /// no such price (or only a zero one, as capacity-block and retired products do).
    static func onDemandHourlyUSD(document: String) throws(AWSClientError) -> Double? {
        struct Document: Decodable {
            struct Terms: Decodable { let OnDemand: [String: Term]? }
            struct Term: Decodable { let priceDimensions: [String: Dimension] }
            struct Dimension: Decodable {
                let unit: String?
                let pricePerUnit: [String: String]
            }
            let terms: Terms?
        }
        let decoded: Document
        do {
            decoded = try JSONDecoder().decode(Document.self, from: Data(document.utf8))
        } catch {
            throw .malformedResponse(service: .pricing, operation: "GetProducts", reason: "a PriceList entry is not a price document: \(error)")
        }
        for term in (decoded.terms?.OnDemand ?? [:]).values {
            for dimension in term.priceDimensions.values where dimension.unit == "Hrs" {
                if let usd = dimension.pricePerUnit["USD"].flatMap(Double.init), usd > 0 { return usd }
            }
        }
        return nil
    }

    struct Input: Encodable {
        struct Filter: Encodable {
            let `Type`: String
            let Field: String
            let Value: String
        }
        let ServiceCode: String
        let Filters: [Filter]
        let FormatVersion: String
        let MaxResults: Int
        let NextToken: String?
    }

    struct Output: Decodable {
        let PriceList: [String]?
        let NextToken: String?
    }
}
