import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy

/// The HTTP face of a ``PSIServer``, shared by `pavilion psi serve` and
/// the fraud-list simulator (``SimulatorKind/fraudList``):
///
/// | route | body in | body out |
/// |---|---|---|
/// | `GET /psi/v1/info` | | JSON ``PSIServerInfo`` |
/// | `POST /psi/v1/evaluate` | blinded points | evaluated points |
/// | `GET /psi/v1/set?offset=I&count=N` | | digests or points |
/// | `POST /psi/v1/sessions` | | `{"session": ID}` |
/// | `POST /psi/v1/sessions/ID/points` | blinded points | 204 |
/// | `POST /psi/v1/sessions/ID/finish` | | sorted digests |
///
/// Binary bodies are `application/octet-stream`. Errors are RFC 9457
/// problems: 400 malformed, 403 refused, 404/405 unknown route, 500 internal.
public enum PSIRoutes {
    /// Answer one request under `/psi/v1/`.
    /// - Parameters:
    ///   - request: the HTTP request.
    ///   - psi: the server answering the protocol.
    /// - Returns: the answer, or a problem (404 outside `/psi/v1/`).
    public static func handle(_ request: HTTPServerRequest, _ psi: PSIServer) -> HTTPServerResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts[0] == "psi", parts[1] == "v1" else { return notFound(request.path) }
        do throws(PSIError) {
            switch (request.method, Array(parts.dropFirst(2))) {
            case ("GET", ["info"]):
                guard let body = try? JSONEncoder().encode(psi.info) else { return problem(PSIError(.cryptoFailure, "cannot encode the info")) }
                return HTTPServerResponse(status: 200, headers: ["Content-Type": "application/json"], body: [UInt8](body))
            case ("POST", ["evaluate"]):
                return binary(try psi.evaluate(request.body))
            case ("GET", ["set"]):
                let query = parameters(request.query)
                guard let offset = query["offset"].flatMap(Int.init), let count = query["count"].flatMap(Int.init) else {
                    throw PSIError(.malformedMessage, "GET /psi/v1/set needs integer offset and count")
                }
                return binary(try psi.page(offset: offset, count: count))
            case ("POST", ["sessions"]):
                let id = try psi.openSession()
                let body: JSONValue = ["session": .string(id)]
                return HTTPServerResponse(status: 201, headers: ["Content-Type": "application/json"], body: Array(body.serialized.utf8))
            case ("POST", let rest) where rest.count == 3 && rest[0] == "sessions" && rest[2] == "points":
                try psi.addToSession(rest[1], request.body)
                return HTTPServerResponse(status: 204)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "sessions" && rest[2] == "finish":
                return binary(try psi.finishSession(rest[1]))
            case (_, ["info"]), (_, ["evaluate"]), (_, ["set"]), (_, ["sessions"]):
                return .problem(status: 405, code: "method_not_allowed", title: "Method not allowed",
                                detail: "\(request.method) is not allowed on \(request.path)")
            default:
                return notFound(request.path)
            }
        } catch {
            return problem(error)
        }
    }

    private static func binary(_ bytes: [UInt8]) -> HTTPServerResponse {
        HTTPServerResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: bytes)
    }

    private static func notFound(_ path: String) -> HTTPServerResponse {
        .problem(status: 404, code: "not_found", title: "Not found", detail: "no PSI route \(path)")
    }

    private static func problem(_ error: PSIError) -> HTTPServerResponse {
        let status: Int
        switch error.code {
        case .malformedMessage, .protocolMismatch, .invalidSet: status = 400
        case .refused: status = 403
        case .cacheIO, .cryptoFailure, .transport: status = 500
        }
        return .problem(status: status, code: "psi_" + error.code.rawValue, title: "PSI request refused", detail: error.reason)
    }

    private static func parameters(_ query: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { out[kv[0]] = kv[1] }
        }
        return out
    }
}
