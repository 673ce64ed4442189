import Foundation
import PavilionCore
import PavilionCrypto
import PavilionData
import PavilionNet
import PavilionStore

/// Lineage and quality: `GET /v1/verifications/{id}/lineage` (OpenLineage
/// events), `GET /v1/connectors/{name}/quality` (per-day summaries), and the
/// pages `GET /ui/lineage/{id}` and `GET /ui/connectors/{name}`
/// (docs/lineage.md).
extension HostAPI {
    /// The OpenLineage producer URI of this host.
    static let lineageProducer = "https://pavilion.dev/pavilion-host"
    /// The OpenLineage job namespace.
    static let lineageNamespace = "pavilion"

    /// The data routes for a GET of `path`, or `nil`.
    static func dataRoute(_ path: String) -> Route? {
        if parameter(path, "/v1/verifications/", "/lineage") != nil { return .getLineage }
        if parameter(path, "/v1/connectors/", "/quality") != nil { return .connectorQuality }
        if parameter(path, "/ui/lineage/", "") != nil { return .lineagePage }
        if parameter(path, "/ui/connectors/", "") != nil { return .connectorPage }
        return nil
    }

    /// The path segment between `prefix` and `suffix`, when it is one non-empty segment.
    static func parameter(_ path: String, _ prefix: String, _ suffix: String) -> String? {
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.count > prefix.count + suffix.count else { return nil }
        let value = path.dropFirst(prefix.count).dropLast(suffix.count)
        return value.contains("/") ? nil : String(value)
    }

    /// ``parameter(_:_:_:)`` for a path already routed (empty when it is not there).
    static func pathParameter(_ path: String, _ prefix: String, _ suffix: String) -> String {
        parameter(path, prefix, suffix) ?? ""
    }

    // MARK: - API

    func lineage(id: String, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        let graph = try await lineageGraph(id: id, caller: caller)
        let exporter = OpenLineageExporter(producer: Self.lineageProducer, jobNamespace: Self.lineageNamespace,
                                           digester: .sha256 { SHA256.hash($0) })
        return Self.json(200, .object(["verification_id": .string(graph.verificationID),
                                       "format": .string("openlineage-2-0-2"),
                                       "events": .array(exporter.events(for: graph))]))
    }

    func connectorQuality(name: String, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        let summaries = try await connectorSummaries(name: name, caller: caller)
        let days: [JSONValue] = summaries.map { s in
            .object(["day": .string(s.period), "outcomes": .object(s.outcomes.mapValues { .int(Int64($0)) }),
                     "median_exchange_ms": s.medianExchangeMilliseconds.map(JSONValue.double) ?? .null,
                     "median_total_ms": s.medianTotalMilliseconds.map(JSONValue.double) ?? .null,
                     "quality": s.quality?.json ?? .null])
        }
        return Self.json(200, .object(["connector": .string(name), "tenant": caller.tenant.map { .string($0.rawValue) } ?? .null,
                                       "days": .array(days)]))
    }

    /// The stored lineage graph of verification `id`, tenant-scoped.
    /// - Throws: 404 `verification_not_found` (unknown id, or stored before
    ///   lineage was recorded), 403 another tenant's, 503 store trouble.
    func lineageGraph(id text: String, caller: Caller) async throws(APIProblem) -> LineageGraph {
        let notFound = APIProblem(404, "verification_not_found", "no verification with this id")
        guard let id = try? VerificationID(text) else { throw notFound }
        let artifact: VerificationArtifact?
        do {
            artifact = try await store.artifact(DataRun.lineageKind, of: id, tenant: caller.tenant)
            if artifact == nil {
                if let tenant = caller.tenant, try await store.verification(id: id, tenant: tenant) == nil,
                   try await store.verification(id: id) != nil {
                    throw APIProblem.forbidden("this verification belongs to another tenant")
                }
                throw APIProblem(404, "lineage_not_found", "no lineage is stored for this verification (unknown id, or recorded before lineage was kept)")
            }
        } catch let problem as APIProblem {
            throw problem
        } catch {
            logger.error("cannot read a lineage artifact", ["error": .string("\(error)")])
            throw APIProblem(503, "store_unavailable", "the service cannot read verifications right now")
        }
        guard let artifact else { throw notFound }
        do {
            return try LineageGraph(stored: artifact.body)  // pavilion.lineage/2, or /1 as stored before it
        } catch {
            logger.error("a stored lineage graph does not parse", ["verification_id": .string(id.rawValue), "error": .string("\(error)")])
            throw APIProblem.internalError()
        }
    }

    /// The stored quality decision and overall score of verification `id`
    /// (`{"decision", "overall"}`), or `nil` when it was not scored or cannot be read.
    func storedQuality(of id: VerificationID, tenant: TenantID?) async -> JSONValue? {
        guard let artifact = try? await store.artifact(DataRun.qualityKind, of: id, tenant: tenant),
              let stored = try? JSONParser().parse(String(decoding: artifact.body, as: UTF8.self)),
              let report = try? QualityReport(json: stored["report"] ?? .null) else { return nil }
        return DataRun.summary(report)
    }

    /// Per-day summaries of `name` for the caller: its tenant's, or every tenant's for an admin key.
    /// - Throws: 404 `connector_not_found` for a connector neither serving nor seen (or not enabled for the tenant).
    func connectorSummaries(name: String, caller: Caller) async throws(APIProblem) -> [ConnectorPeriodSummary] {
        let notFound = APIProblem(404, "connector_not_found", "no connector with this name")
        if let tenant = caller.tenant {
            let enabled: [String]
            do { enabled = try await store.enabledConnectors(for: tenant) } catch {
                logger.error("cannot read enabled connectors", ["error": .string(error.description)])
                throw APIProblem(503, "store_unavailable", "the service cannot read connectors right now")
            }
            guard enabled.contains(name) else { throw notFound }
        }
        let summaries = pipeline.ledger.summaries(connector: name, tenant: caller.tenant)
        guard !summaries.isEmpty || connectors.connector(named: name) != nil else { throw notFound }
        return summaries
    }

    // MARK: - Pages

    /// A page for a browser. The API key goes in `Authorization: Bearer pvk_…`
    /// or, so that a browser can ask for it, HTTP Basic with the key as the
    /// password (any user name): a 401 carries `WWW-Authenticate: Basic`.
    func page(_ request: HTTPServerRequest, route: Route, requestID: String,
              context: inout LogContext) async throws(APIProblem) -> HTTPServerResponse {
        let caller: Caller
        do { caller = try await authenticate(Self.bearerRequest(request)) } catch {
            guard error.status == 401 else { throw error }
            context.code = error.code
            var response = Self.problemResponse(error, requestID: requestID)
            response.headers.add(name: "www-authenticate", value: #"Basic realm="Pavilion", charset="UTF-8""#)
            return response
        }
        context.keyID = caller.key.id.rawValue
        context.tenant = caller.tenant?.rawValue
        let html: String
        switch route {
        case .lineagePage:
            let id = Self.pathParameter(request.path, "/ui/lineage/", "")
            html = LineageView.html(for: try await lineageGraph(id: id, caller: caller), title: "Verification \(id)")
        default:
            let name = Self.pathParameter(request.path, "/ui/connectors/", "")
            context.connector = name
            html = LineageView.overview(connector: name, summaries: try await connectorSummaries(name: name, caller: caller))
        }
        return HTTPServerResponse(status: 200, headers: [
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
        ], body: Array(html.utf8))
    }

    /// `request` with a Basic credential turned into the Bearer form (the password is the key).
    static func bearerRequest(_ request: HTTPServerRequest) -> HTTPServerRequest {
        guard let header = request.headers["authorization"] else { return request }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return request }
        var copy = request
        copy.head.headers.replace(name: "authorization", value: "Bearer " + text[text.index(after: colon)...])
        return copy
    }
}
