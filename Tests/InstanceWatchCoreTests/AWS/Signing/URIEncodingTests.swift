import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("URI encoding")
struct URIEncodingTests {
    @Test("only unreserved characters stay; hex is upper-case; + and space are encoded")
    func encodesStrictly() {
        #expect(URIEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(URIEncoding.encode("a b+c/d=e&f") == "a%20b%2Bc%2Fd%3De%26f")
        #expect(URIEncoding.encode("/a b/", keepingSlashes: true) == "/a%20b/")
        #expect(URIEncoding.encode("ሴ") == "%E1%88%B4")
    }

    @Test("form encoding writes a space as + and encodes everything else strictly, as the AWS SDKs do")
    func formEncodes() {
        #expect(URIEncoding.formEncode("i-0abc (web) running 7h & more+") == "i-0abc+%28web%29+running+7h+%26+more%2B")
    }

    @Test("decoding leaves + alone and keeps malformed escapes literally")
    func decodes() {
        #expect(URIEncoding.decode("c%2Bd+e") == "c+d+e")
        #expect(URIEncoding.decode("%E1%88%B4") == "ሴ")
        #expect(URIEncoding.decode("100%") == "100%")
        #expect(URIEncoding.decode("%zz") == "%zz")
    }
}
