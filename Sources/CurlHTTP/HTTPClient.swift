import Support
/// Sends one request and returns the response, whatever its status; only a failure to exchange
/// a request and a response at all is thrown. Implementations keep connections alive between calls.
///
/// The seam where tests swap the libcurl client for a fake, and where every outbound call passes.
public protocol HTTPClient: AnyObject {
    func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse
}
