import FoundationEssentials
import InstanceWatchCore
import CurlHTTP
import Support

/// A file into a Slack channel the way Slack asks since `files.upload` was retired: the app asks
/// for an upload URL (`files.getUploadURLExternal`), sends the bytes there, then completes the
/// upload into the channel (`files.completeUploadExternal`, scope `files:write`).
extension SlackAPIClient {
    struct UploadTicket: Decodable {
        let ok: Bool
        let error: String?
        let upload_url: String?
        let file_id: String?
    }

    struct Completed: Decodable {
        let ok: Bool
        let error: String?
    }

    /// Uploads `bytes` as `fileName` into `channelId` (an id, as `chat.postMessage` answers it);
    /// returns Slack's file id.
    public func uploadFile(_ bytes: [UInt8], fileName: String, title: String, altText: String, channelId: String,
                           deadline: Date?) throws(SlackDeliveryError) -> String {
        let ticket: UploadTicket = try form("files.getUploadURLExternal", [
            ("filename", fileName), ("length", String(bytes.count)), ("alt_txt", String(altText.prefix(1000))),
        ], deadline: deadline)
        // The address is Slack's answer: taken only as https (or loopback http outside Lambda), and
        // sent nothing but the file's bytes: the bot token stays with the API.
        guard ticket.ok, let text = ticket.upload_url, let fileId = ticket.file_id, let uploadURL = WebhookURL.parse(text, plainHTTP: plainHTTP) else {
            throw .rejected(host: apiHost, status: 200, answer: "files.getUploadURLExternal: \(ticket.error ?? "no usable upload_url or file_id")")
        }
        try SlackWebhookClient(webhookURL: uploadURL, http: http, retryPolicy: retryPolicy)
            .send(body: Data(bytes), contentType: "application/octet-stream", deadline: deadline)
        var files = JSONWriter(capacity: 96)
        files.beginArray()
        files.beginObject()
        files.member("id", fileId)
        files.member("title", title)
        files.endObject()
        files.endArray()
        let completed: Completed = try form("files.completeUploadExternal", [("files", files.text), ("channel_id", channelId)], deadline: deadline)
        guard completed.ok else { throw .rejected(host: apiHost, status: 200, answer: "files.completeUploadExternal: \(completed.error ?? "unknown_error")") }
        return fileId
    }

    /// A Web API method with form arguments (as Slack documents these two), its answer decoded.
    private func form<Answer: Decodable>(_ method: String, _ arguments: [(String, String)], deadline: Date?) throws(SlackDeliveryError) -> Answer {
        let body = arguments.map { "\(URIEncoding.formEncode($0.0))=\(URIEncoding.formEncode($0.1))" }.joined(separator: "&")
        let response = try methodClient(method).send(body: Data(body.utf8), contentType: "application/x-www-form-urlencoded", deadline: deadline)
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
            throw .rejected(host: apiHost, status: response.status, answer: "\(method): an answer that is not Slack's JSON")
        }
        return answer
    }
}
