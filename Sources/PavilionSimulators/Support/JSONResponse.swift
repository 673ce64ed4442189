import PavilionCore
import PavilionNet

extension HTTPServerResponse {
    /// A JSON response.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - json: the body.
    ///   - contentType: defaults to `application/json`.
    ///   - headers: extra header fields.
    static func json(_ status: Int, _ json: JSONValue, contentType: String = "application/json",
                     headers extra: [(String, String)] = []) -> HTTPServerResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "cache-control", value: "no-store")
        for (name, value) in extra { headers.add(name: name, value: value) }
        return HTTPServerResponse(status: status, headers: headers, body: json.serializedBytes)
    }

    /// The body of the `garbage` fault: not JSON, not even UTF-8.
    static func garbage(contentType: String) -> HTTPServerResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        let body = Array("{\"simulated\":\"garbage\",<html>".utf8) + [0xFF, 0xFE, 0x00] + Array("\u{7}]}".utf8)
        return HTTPServerResponse(status: 200, headers: headers, body: body)
    }
}
