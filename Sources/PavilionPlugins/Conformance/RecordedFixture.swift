import Foundation
import PavilionCore

/// A fixture file of recorded exchanges (docs/fixtures.md): queries, the HTTP
/// exchanges a DP had with the connector, and what the connector must answer.
public struct RecordedFixture: Sendable, Hashable {
    /// One recorded conversation.
    public struct Case: Sendable, Hashable {
        public var name: String
        public var query: JSONValue
        public var exchanges: [RecordedExchange]
        public var expectation: Expectation
    }

    /// One HTTP round (or PSI step): what the plugin must ask and what the DP
    /// (or the host, for a PSI step) answered.
    public struct RecordedExchange: Sendable, Hashable {
        /// The HTTP method, or `PSI` for a recorded PSI step.
        public var method: String
        public var path: String
        /// Header fields the request must carry, names lowercased.
        public var headers: [String: String]
        /// The JSON value the request body must parse to, if given.
        public var body: JSONValue?
        /// The exact request body text, if given.
        public var bodyText: String?
        public var responseStatus: Int
        public var responseHeaders: [(String, String)]
        public var responseBody: [UInt8]
        /// For a PSI step: the mode and the elements (UTF-8) the plugin must ask about.
        public var psi: PSIRecording?

        public static func == (a: Self, b: Self) -> Bool {
            a.method == b.method && a.path == b.path && a.headers == b.headers && a.body == b.body && a.psi == b.psi
                && a.bodyText == b.bodyText && a.responseStatus == b.responseStatus
                && a.responseHeaders.map { [$0.0, $0.1] } == b.responseHeaders.map { [$0.0, $0.1] }
                && a.responseBody == b.responseBody
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(path)
            hasher.combine(responseBody)
        }
    }

    /// A recorded PSI step (`"psi": {"path", "mode", "elements"}` in the file).
    public struct PSIRecording: Sendable, Hashable {
        /// `intersection` or `cardinality`.
        public var mode: String
        /// The elements, as UTF-8 text.
        public var elements: [String]
    }

    /// What the connector must end with.
    public enum Expectation: Sendable, Hashable {
        /// This claims object.
        case result(JSONValue)
        /// This status name (`upstream`, `not_found`, ...).
        case error(String)
    }

    /// The file it came from.
    public var file: String
    /// What the host clock returns during replay, if fixed.
    public var clockMs: Int64?
    /// Tenant secrets handed out during replay.
    public var secrets: [String: String]
    public var cases: [Case]

    /// The status names an expectation may use.
    public static let errorNames: Set<String> = [
        "invalid_input", "bad_response", "upstream", "not_found", "unsupported", "state", "no_memory", "host", "internal",
    ]

    /// Read and check a fixture file.
    /// - Parameter path: the file.
    /// - Returns: the fixture.
    /// - Throws: ``FixtureError`` naming the file, and the JSON position or
    ///   the JSON path of the problem.
    public static func load(path: String) throws(FixtureError) -> RecordedFixture {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FixtureError(file: path, message: "cannot read fixture file: \(error.localizedDescription)")
        }
        let json: JSONValue
        do {
            json = try JSONParser().parse(bytes: data)
        } catch {
            throw FixtureError(file: path, message: "\(error.line):\(error.column): \(error.reason)")
        }
        return try parse(json, file: path)
    }

    static func parse(_ json: JSONValue, file: String) throws(FixtureError) -> RecordedFixture {
        func fail(_ at: String, _ message: String) -> FixtureError { FixtureError(file: file, message: "\(at): \(message)") }
        guard let root = json.objectValue else { throw fail("$", "expected an object") }
        for key in root.keys where !["clock_ms", "secrets", "cases", "description"].contains(key) {
            throw fail("$.\(key)", "unknown key")
        }
        var clock: Int64?
        if let c = root["clock_ms"] {
            guard let v = c.intValue else { throw fail("$.clock_ms", "expected an integer") }
            clock = v
        }
        var secrets: [String: String] = [:]
        if let s = root["secrets"] {
            guard let object = s.objectValue else { throw fail("$.secrets", "expected an object of strings") }
            for (k, v) in object {
                guard let str = v.stringValue else { throw fail("$.secrets.\(k)", "expected a string") }
                secrets[k] = str
            }
        }
        guard let rawCases = root["cases"]?.arrayValue, !rawCases.isEmpty else {
            throw fail("$.cases", "expected a non-empty array")
        }
        var cases: [Case] = []
        for (i, raw) in rawCases.enumerated() {
            let at = "$.cases[\(i)]"
            guard let c = raw.objectValue else { throw fail(at, "expected an object") }
            for key in c.keys where !["name", "query", "exchanges", "expect"].contains(key) {
                throw fail("\(at).\(key)", "unknown key")
            }
            guard let name = c["name"]?.stringValue else { throw fail("\(at).name", "expected a string") }
            guard let query = c["query"], query.objectValue != nil else { throw fail("\(at).query", "expected an object") }
            var exchanges: [RecordedExchange] = []
            for (j, e) in (c["exchanges"]?.arrayValue ?? []).enumerated() {
                exchanges.append(try parseExchange(e, at: "\(at).exchanges[\(j)]", fail: fail))
            }
            guard let expect = c["expect"]?.objectValue, expect.count == 1 else {
                throw fail("\(at).expect", "expected an object with exactly one of \"result\" or \"error\"")
            }
            let expectation: Expectation
            if let result = expect["result"] {
                guard result.objectValue != nil else { throw fail("\(at).expect.result", "expected an object") }
                expectation = .result(result)
            } else if let error = expect["error"]?.stringValue, errorNames.contains(error) {
                expectation = .error(error)
            } else {
                throw fail("\(at).expect", "expected \"result\" (object) or \"error\" (one of \(errorNames.sorted().joined(separator: ", ")))")
            }
            cases.append(Case(name: name, query: query, exchanges: exchanges, expectation: expectation))
        }
        return RecordedFixture(file: file, clockMs: clock, secrets: secrets, cases: cases)
    }

    private static func parseExchange(_ json: JSONValue, at: String, fail: (String, String) -> FixtureError) throws(FixtureError) -> RecordedExchange {
        if let psi = json["psi"] {
            return try parsePSIExchange(psi, response: json["response"], at: at, fail: fail)
        }
        guard let e = json.objectValue, let request = e["request"]?.objectValue, let response = e["response"]?.objectValue else {
            throw fail(at, "expected an object with \"request\" (or \"psi\") and \"response\" objects")
        }
        guard let method = request["method"]?.stringValue else { throw fail("\(at).request.method", "expected a string") }
        guard let path = request["path"]?.stringValue else { throw fail("\(at).request.path", "expected a string") }
        var headers: [String: String] = [:]
        for (k, v) in request["headers"]?.objectValue ?? [:] {
            guard let s = v.stringValue else { throw fail("\(at).request.headers.\(k)", "expected a string") }
            headers[k.lowercased()] = s
        }
        var bodyText: String?
        if let t = request["body_text"] {
            guard let s = t.stringValue else { throw fail("\(at).request.body_text", "expected a string") }
            bodyText = s
        }
        let (status, responseHeaders, body) = try parseResponse(response, at: at, fail: fail)
        return RecordedExchange(method: method, path: path, headers: headers, body: request["body"], bodyText: bodyText,
                                responseStatus: status, responseHeaders: responseHeaders, responseBody: body)
    }

    private static func parsePSIExchange(_ json: JSONValue, response: JSONValue?, at: String,
                                         fail: (String, String) -> FixtureError) throws(FixtureError) -> RecordedExchange {
        guard let psi = json.objectValue, let path = psi["path"]?.stringValue else {
            throw fail("\(at).psi", "expected an object with \"path\", \"mode\" and \"elements\"")
        }
        guard let mode = psi["mode"]?.stringValue, ["intersection", "cardinality"].contains(mode) else {
            throw fail("\(at).psi.mode", "expected \"intersection\" or \"cardinality\"")
        }
        var elements: [String] = []
        for (k, value) in (psi["elements"]?.arrayValue ?? []).enumerated() {
            guard let text = value.stringValue else { throw fail("\(at).psi.elements[\(k)]", "expected a string") }
            elements.append(text)
        }
        guard let response = response?.objectValue else { throw fail("\(at).response", "expected an object") }
        let (status, responseHeaders, body) = try parseResponse(response, at: at, fail: fail)
        return RecordedExchange(method: "PSI", path: path, headers: [:], body: nil, bodyText: nil, responseStatus: status,
                                responseHeaders: responseHeaders, responseBody: body,
                                psi: PSIRecording(mode: mode, elements: elements))
    }

    private static func parseResponse(_ response: [String: JSONValue], at: String, fail: (String, String) -> FixtureError)
        throws(FixtureError) -> (Int, [(String, String)], [UInt8]) {
        guard let status = response["status"]?.intValue, (100...599).contains(status) else {
            throw fail("\(at).response.status", "expected an HTTP status 100..599")
        }
        var responseHeaders: [(String, String)] = []
        for (k, v) in (response["headers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let s = v.stringValue else { throw fail("\(at).response.headers.\(k)", "expected a string") }
            responseHeaders.append((k, s))
        }
        var body: [UInt8] = []
        if let text = response["body_text"] {
            guard let s = text.stringValue else { throw fail("\(at).response.body_text", "expected a string") }
            body = Array(s.utf8)
        } else if let value = response["body"] {
            body = value.serializedBytes
        }
        return (Int(status), responseHeaders, body)
    }
}

/// A fixture file that cannot be used, naming the file and where in it.
public struct FixtureError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var message: String

    public var description: String { "\(file): error: \(message)" }
}
