import Dispatch
import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy
import PavilionStore

/// Private set intersection against the sets of `privacy.psi_sets`, for
/// the tenants each set lists (`docs/psi.md`, "Through the host"). The
/// messages are those of `pavilion psi serve`, mounted under
/// `/v1/privacy/psi/{set}`, so `PSIClient` (and `pavilion psi query --key`)
/// runs against them unchanged:
///
/// | route | body in | body out |
/// |---|---|---|
/// | `GET {set}` | | JSON ``PSIServerInfo`` |
/// | `POST {set}/evaluate` | blinded points | evaluated points |
/// | `GET {set}/set?offset=I&count=N` | | digests or points |
/// | `POST {set}/sessions` | | `201 {"session": ID}` |
/// | `POST {set}/sessions/ID/points` | points | 204 |
/// | `POST {set}/sessions/ID/finish` | | sorted digests |
///
/// Every evaluated point is charged to the tenant's
/// `privacy.psi.elements_per_minute` (429 `rate_limited`). Every request is
/// audited (purpose `privacy.psi`, outcome `psi.<step>`) and logged with
/// the set and the number of points — never an element.
extension HostAPI {
    static let psiPrefix = "/v1/privacy/psi/"

    /// The parts of `/v1/privacy/psi/{set}/…` after the prefix, when the set name is a token.
    static func psiPath(_ path: String) -> [String]? {
        guard path.hasPrefix(psiPrefix) else { return nil }
        let parts = path.dropFirst(psiPrefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, Tokens.isToken(first) else { return nil }
        return parts
    }

    /// The PSI route for `method path`, or `nil`.
    static func psiRoute(method: String, path: String) -> Route? {
        guard let parts = psiPath(path) else { return nil }
        switch (method, Array(parts.dropFirst())) {
        case ("GET", []): return .psiInfo
        case ("POST", ["evaluate"]): return .psiEvaluate
        case ("GET", ["set"]): return .psiPage
        case ("POST", ["sessions"]): return .psiOpenSession
        case ("POST", let rest) where rest.count == 3 && rest[0] == "sessions" && Tokens.isIdentifier(rest[1]):
            switch rest[2] {
            case "points": return .psiSessionPoints
            case "finish": return .psiSessionFinish
            default: return nil
            }
        default: return nil
        }
    }

    /// The methods a PSI path answers, or `nil`.
    static func psiAllowedMethods(path: String) -> [String]? {
        guard let parts = psiPath(path) else { return nil }
        let rest = Array(parts.dropFirst())
        if rest.isEmpty || rest == ["set"] { return ["GET"] }
        if rest == ["evaluate"] || rest == ["sessions"] { return ["POST"] }
        if rest.count == 3, rest[0] == "sessions", Tokens.isIdentifier(rest[1]), rest[2] == "points" || rest[2] == "finish" { return ["POST"] }
        return nil
    }

    /// Answer a PSI route for an authenticated caller, auditing it.
    func dispatchPSI(_ request: HTTPServerRequest, route: Route, caller: Caller,
                     requestID: String) async throws(APIProblem) -> HTTPServerResponse {
        let started = Date()
        let name = Self.psiPath(request.path)?.first ?? ""
        var points = 0
        do {
            let response = try await psi(request, route: route, caller: caller, name: name, points: &points)
            await auditPSI(route: route, caller: caller, requestID: requestID, set: name, points: points, problem: nil, started: started)
            return response
        } catch {
            await auditPSI(route: route, caller: caller, requestID: requestID, set: name, points: points, problem: error, started: started)
            throw error
        }
    }

    private func psi(_ request: HTTPServerRequest, route: Route, caller: Caller, name: String,
                     points: inout Int) async throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant?.rawValue else { throw APIProblem.forbidden("PSI sets are served to tenants; use a tenant key") }
        guard let privacy, let set = privacy.psiSets[name], set.allows(tenant) else {
            throw APIProblem(404, "psi_set_not_found", "tenant \(tenant) has no PSI set '\(Tokens.printable(name))'")
        }
        let server = set.server
        switch route {
        case .psiInfo:
            var info = server.info
            info.maxBatch = privacy.psiMaxBatch
            guard let body = try? JSONEncoder().encode(info) else { throw APIProblem.internalError() }
            return HTTPServerResponse(status: 200, headers: ["content-type": "application/json"], body: [UInt8](body))
        case .psiEvaluate:
            guard server.set.mode == .intersection else {
                throw Self.psiProblem(PSIError(.refused, "set '\(name)' answers cardinality only: blinded points go into a session"))
            }
            points = try Self.psiPointCount(request.body, limit: privacy.psiMaxBatch)
            try privacy.chargePSI(tenant: tenant, elements: points)
            let body = request.body
            return Self.binary(try await Self.offload { () throws(PSIError) in try server.evaluate(body) })
        case .psiPage:
            var offset: Int?, count: Int?
            for (key, value) in try Self.queryPairs(request.query) {
                switch key {
                case "offset": offset = Int(value)
                case "count": count = Int(value)
                default: throw APIProblem.invalidRequest("unknown query parameter '\(Tokens.printable(key))'")
                }
            }
            guard let offset, let count else { throw APIProblem.invalidRequest("give integer 'offset' and 'count'") }
            do { return Self.binary(try server.page(offset: offset, count: count)) } catch { throw Self.psiProblem(error) }
        case .psiOpenSession:
            do {
                let id = try set.openSession(tenant: tenant)
                return Self.json(201, ["session": .string(id)])
            } catch { throw Self.psiProblem(error) }
        case .psiSessionPoints, .psiSessionFinish:
            let parts = Self.psiPath(request.path) ?? []
            let id = parts.count == 4 ? parts[2] : ""
            guard set.owns(tenant, session: id) else {
                throw Self.psiProblem(PSIError(.malformedMessage, "no open cardinality session \(Tokens.printable(id))"))
            }
            if route == .psiSessionFinish {
                do { return Self.binary(try set.finishSession(id)) } catch { throw Self.psiProblem(error) }
            }
            points = try Self.psiPointCount(request.body, limit: privacy.psiMaxBatch)
            try privacy.chargePSI(tenant: tenant, elements: points)
            let body = request.body
            _ = try await Self.offload { () throws(PSIError) in try server.addToSession(id, body); return [] }
            return HTTPServerResponse(status: 204)
        default:
            throw APIProblem(404, "not_found", "no such resource")
        }
    }

    /// The number of points in a body of 1 to `limit` uncompressed points (checked again, point by point, by the server).
    private static func psiPointCount(_ body: [UInt8], limit: Int) throws(APIProblem) -> Int {
        let length = PSIProtocol.pointLength
        guard !body.isEmpty, body.count % length == 0, body.count / length <= limit else {
            throw psiProblem(PSIError(.malformedMessage, "the body must be 1 to \(limit) uncompressed points of \(length) bytes, not \(body.count) bytes"))
        }
        return body.count / length
    }

    /// Run the batch work on a Dispatch thread, leaving the cooperative pool free.
    private static func offload(_ work: @escaping @Sendable () throws(PSIError) -> [UInt8]) async throws(APIProblem) -> [UInt8] {
        let result: Result<[UInt8], PSIError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(PSIError) { continuation.resume(returning: .success(try work())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let bytes): return bytes
        case .failure(let error): throw psiProblem(error)
        }
    }

    /// The problem for a PSI refusal: as `pavilion psi serve` answers it.
    static func psiProblem(_ error: PSIError) -> APIProblem {
        switch error.code {
        case .malformedMessage, .protocolMismatch, .invalidSet: return APIProblem(400, "psi_malformed_message", error.reason)
        case .refused: return APIProblem(403, "psi_refused", error.reason)
        case .cacheIO, .cryptoFailure, .transport: return APIProblem.internalError()
        }
    }

    private static func binary(_ bytes: [UInt8]) -> HTTPServerResponse {
        HTTPServerResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: bytes)
    }

    private func auditPSI(route: Route, caller: Caller, requestID: String, set: String, points: Int, problem: APIProblem?,
                          started: Date) async {
        let step: String
        switch route {
        case .psiInfo: step = "info"
        case .psiEvaluate: step = "evaluate"
        case .psiPage: step = "set"
        case .psiOpenSession: step = "sessions"
        case .psiSessionPoints: step = "session_points"
        default: step = "session_finish"
        }
        let entry = AuditEntry(requestID: requestID, keyID: caller.key.id, tenantID: caller.tenant, purpose: "privacy.psi",
                               decision: problem == nil ? .permit : .deny, outcome: problem?.code ?? "psi.\(step)",
                               errorCode: problem?.code, startedAt: started, finishedAt: Date())
        var fields: [String: JSONValue] = ["request_id": .string(requestID), "set": .string(Tokens.printable(set)), "step": .string(step),
                                           "points": .int(Int64(points))]
        if let tenant = caller.tenant { fields["tenant"] = .string(tenant.rawValue) }
        if let problem { fields["code"] = .string(problem.code) }
        logger.info("psi", fields)
        do { _ = try await store.appendAudit(entry) } catch {
            logger.error("cannot append an audit record", ["request_id": .string(requestID), "error": .string(error.description)])
        }
    }
}
