import CPavilion
import Foundation
import PavilionConnectorKit
import PavilionTestSupport

/// Replays a recorded-exchange fixture file (docs/fixtures.md) through a
/// real connector library and reports every mismatch.
struct FixtureReplayer {
    let library: LoadedConnector
    let fixtureURL: URL

    /// The fixture files shipped in connectors.d/fixtures.
    static func fixture(_ name: String) -> URL {
        TestEnvironment.packageRoot.appendingPathComponent("connectors.d/fixtures").appendingPathComponent(name)
    }

    /// Replay every case.
    /// - Returns: case count and failures ("case name: what differed").
    func run() throws -> (cases: Int, failures: [String]) {
        let document = try ConnectorJSONParser().parse(bytes: Array(try Data(contentsOf: fixtureURL)))
        var secrets: [String: String] = [:]
        for (name, value) in document["secrets"]?.objectValue ?? [:] { secrets[name] = value.stringValue }
        let host = TestHost(secrets: secrets, clockMilliseconds: document["clock_ms"]?.intValue ?? 1_767_225_600_000)
        let session = try ConnectorSession(library, host: host)
        let cases = document["cases"]?.arrayValue ?? []
        var failures: [String] = []
        for testCase in cases {
            let name = testCase["name"]?.stringValue ?? "(unnamed)"
            if let failure = replay(testCase, session) { failures.append("\(name): \(failure)") }
        }
        return (cases.count, failures)
    }

    private func replay(_ testCase: ConnectorJSON, _ session: ConnectorSession) -> String? {
        guard let query = testCase["query"], let expect = testCase["expect"] else { return "fixture lacks query or expect" }
        let exchanges = testCase["exchanges"]?.arrayValue ?? []
        var (exchange, outcome) = session.begin(query.serializedBytes)
        defer { session.end(exchange) }
        var used = 0
        while true {
            switch outcome {
            case .error(let status, let message):
                let name = ConnectorError.Code.all.first { $0.status == status }?.name ?? "status \(status)"
                if message.isEmpty { return "error \(name) without a message" }
                guard let wanted = expect["error"]?.stringValue else { return "unexpected error \(name): \(message)" }
                if wanted != name { return "expected error \(wanted), got \(name): \(message)" }
                if used != exchanges.count { return "finished after \(used) of \(exchanges.count) exchanges" }
                return nil
            case .result(let bytes):
                guard let wanted = expect["result"] else {
                    return "expected error \(expect["error"]?.stringValue ?? "?"), got result \(String(decoding: bytes, as: UTF8.self))"
                }
                guard let got = try? ConnectorJSONParser().parse(bytes: bytes) else { return "result is not JSON" }
                if got != wanted { return "expected result \(wanted.serialized), got \(got.serialized)" }
                if used != exchanges.count { return "finished after \(used) of \(exchanges.count) exchanges" }
                return nil
            case .psi(let psi):
                guard used < exchanges.count else {
                    return "plugin asked for a PSI step beyond the \(exchanges.count) recorded exchanges"
                }
                let recorded = exchanges[used]
                used += 1
                let wanted = recorded["psi"] ?? .null
                let elements = (wanted["elements"]?.arrayValue ?? []).map { Array(($0.stringValue ?? "").utf8) }
                let mode = wanted["mode"]?.stringValue == "cardinality" ? PV_PSI_CARDINALITY : PV_PSI_INTERSECTION
                if wanted["path"]?.stringValue != psi.path || elements != psi.elements || mode != psi.mode {
                    return "exchange \(used): PSI step \(psi.path) mode \(psi.mode) differs from the recording"
                }
                outcome = respond(recorded, session, exchange) ?? .error(PV_ERR_INTERNAL, "exchange \(used) lacks response.status")
            case .request(let request):
                guard used < exchanges.count else {
                    return "plugin asked for exchange \(used + 1) (\(request.method) \(request.path)) beyond the \(exchanges.count) recorded"
                }
                let recorded = exchanges[used]
                used += 1
                if let mismatch = compare(request, recorded["request"] ?? .null) {
                    return "exchange \(used): \(mismatch)"
                }
                guard let next = respond(recorded, session, exchange) else { return "exchange \(used) lacks response.status" }
                outcome = next
            }
        }
    }

    /// Step with the recorded response, or nil when it has no status.
    private func respond(_ recorded: ConnectorJSON, _ session: ConnectorSession, _ exchange: OpaquePointer?) -> StepOutcome? {
        guard let response = recorded["response"], let status = response["status"]?.intValue else { return nil }
        var headers: [(String, String)] = []
        for (k, v) in response["headers"]?.objectValue ?? [:] { headers.append((k, v.stringValue ?? "")) }
        let body: [UInt8]
        if let text = response["body_text"]?.stringValue { body = Array(text.utf8) }
        else if let json = response["body"] { body = json.serializedBytes }
        else { body = [] }
        return session.step(exchange, status: UInt32(status), headers: headers, body: body)
    }


    private func compare(_ request: StepOutcome.Request, _ wanted: ConnectorJSON) -> String? {
        if let method = wanted["method"]?.stringValue, method != request.method {
            return "method \(request.method), expected \(method)"
        }
        if let path = wanted["path"]?.stringValue, path != request.path {
            return "path \(request.path), expected \(path)"
        }
        for (name, value) in wanted["headers"]?.objectValue ?? [:] {
            let got = request.header(name)
            if got != value.stringValue { return "header \(name) is \(got ?? "absent"), expected \(value.stringValue ?? "?")" }
        }
        if let text = wanted["body_text"]?.stringValue, text != String(decoding: request.body, as: UTF8.self) {
            return "body \(String(decoding: request.body, as: UTF8.self)), expected \(text)"
        }
        if let json = wanted["body"] {
            guard let got = try? ConnectorJSONParser().parse(bytes: request.body) else { return "request body is not JSON" }
            if got != json { return "body \(got.serialized), expected \(json.serialized)" }
        }
        return nil
    }
}
