import Foundation
import PavilionCore
import PavilionTestSupport

/// The `curl` command line as an operator would type it, aimed at one
/// service: `curl --cacert CA https://127.0.0.1:PORT/...`.
struct Curl: Sendable {
    /// One answer (or the lack of one).
    struct Response: Sendable {
        /// The HTTP status; 0 when no response arrived.
        var status: Int
        /// The `content-type` header, if any.
        var contentType: String
        /// The body as text.
        var body: String
        /// curl's own exit status (0: a response arrived).
        var exitCode: Int32
        /// curl's error message, if any.
        var error: String
        /// The body as JSON, or `nil` when it is not JSON.
        var json: JSONValue? { try? JSONParser().parse(body) }
        /// The problem document's `code`, if the body is one.
        var code: String? { json?["code"]?.stringValue }
        /// For failure messages.
        var summary: String { "status \(status) (\(contentType)) curl exit \(exitCode) \(error): \(body.prefix(600))" }
    }

    /// Where curl is; the tests need it on PATH (`script/deps` installs it).
    static let executable: URL = {
        let candidates = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"]
        return URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/curl")
    }()

    /// Marks where curl's `--write-out` starts after the body.
    static let marker = "\n#pavilion-curl#"

    /// The service's base URL, e.g. `https://127.0.0.1:40123`.
    var baseURL: String
    /// The CA file that signs the service's certificate; `nil` for plain HTTP.
    var caFile: String?

    /// Send one request.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the target, e.g. `/v1/verifications`.
    ///   - key: an API key for `Authorization: Bearer`.
    ///   - body: a body sent as `application/json` (from stdin, so any size works).
    ///   - headers: more `name: value` headers.
    ///   - maxTime: curl's `--max-time`: the request's own deadline, in seconds.
    /// - Returns: the response; `status` 0 when none arrived.
    func request(_ method: String, _ path: String, key: String? = nil, body: String? = nil, headers: [String] = [],
                 maxTime: Double = 15) throws -> Response {
        var arguments = ["--silent", "--show-error", "--max-time", String(maxTime), "--request", method,
                         "--write-out", Self.marker + "%{http_code} %{content_type}"]
        if let caFile { arguments += ["--cacert", caFile] }
        if let key { arguments += ["--header", "authorization: Bearer \(key)"] }
        if body != nil { arguments += ["--header", "content-type: application/json", "--data-binary", "@-"] }
        for header in headers { arguments += ["--header", header] }
        arguments.append(baseURL + path)
        let result = try TestEnvironment.run(Self.executable, arguments, stdin: body.map { Data($0.utf8) })
        return Self.parse(result)
    }

    /// `POST path` with a JSON body and a key.
    func post(_ path: String, key: String?, _ body: String, headers: [String] = [], maxTime: Double = 15) throws -> Response {
        try request("POST", path, key: key, body: body, headers: headers, maxTime: maxTime)
    }

    /// `GET path`, with a key if given.
    func get(_ path: String, key: String? = nil, headers: [String] = []) throws -> Response {
        try request("GET", path, key: key, headers: headers)
    }

    static func parse(_ result: TestEnvironment.ProcessResult) -> Response {
        var body = result.stdout
        var status = 0
        var contentType = ""
        if let range = body.range(of: marker, options: .backwards) {
            let trailer = body[range.upperBound...].split(separator: " ", maxSplits: 1).map(String.init)
            status = Int(trailer.first ?? "") ?? 0
            contentType = trailer.count > 1 ? trailer[1] : ""
            body = String(body[..<range.lowerBound])
        }
        return Response(status: status, contentType: contentType, body: body, exitCode: result.status,
                        error: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
