import Foundation
import PavilionCore
import PavilionNet

extension HostAPI {
    /// `GET /v1/admin/connectivity` (connectors → regions → endpoints with
    /// their state) and `GET /v1/admin/connectivity/events?since=…&limit=…`
    /// (the connection audit log kept in memory). Admin keys only.
    func adminConnectivity(route: Route, query: String?, caller: Caller) throws(APIProblem) -> HTTPServerResponse {
        guard caller.isAdmin else { throw APIProblem.forbidden("only admin keys may read connectivity state") }
        guard let connectivity else { throw APIProblem(404, "not_found", "this host has no connectivity state") }
        if route == .adminConnectivity {
            guard (query ?? "").isEmpty else { throw APIProblem.invalidRequest("this resource takes no query parameters") }
            return Self.json(200, connectivity.snapshot)
        }
        var since: Date?
        var limit = 1000
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            guard kv.count == 2 else { throw APIProblem.invalidRequest("malformed query parameter") }
            switch kv[0] {
            case "since":
                guard let date = Self.parseSince(kv[1]) else {
                    throw APIProblem.invalidRequest("'since' must be an RFC 3339 time (2026-01-31T12:00:00Z) or Unix seconds")
                }
                since = date
            case "limit":
                guard let v = Int(kv[1]), (1...10_000).contains(v) else { throw APIProblem.invalidRequest("'limit' must be 1...10000") }
                limit = v
            default:
                throw APIProblem.invalidRequest("unknown query parameter '\(Tokens.printable(kv[0]))'")
            }
        }
        let events = connectivity.events.events(since: since, limit: limit)
        return Self.json(200, .object(["events": .array(events.map(\.json))]))
    }

    static func parseSince(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return Date(timeIntervalSince1970: seconds) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
