import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionManifest
import PavilionNet
import PavilionStore
import Synchronization

/// The HTTP API: routes, authentication, problem details, the access log and
/// request metrics. Its ``handle(_:)`` is the server's `HTTPHandler`.
///
/// Every response carries `x-request-id` (the caller's, when it is
/// `[A-Za-z0-9_-]{1,128}`, else a new `req_…`). See `docs/openapi.yaml`.
public final class HostAPI: Sendable {
    /// The routes, as labelled in logs and metrics.
    public enum Route: String, Sendable, CaseIterable {
        case createVerification = "POST /v1/verifications"
        case getVerification = "GET /v1/verifications/{id}"
        case listConnectors = "GET /v1/connectors"
        case listAudit = "GET /v1/audit"
        case health = "GET /healthz"
        case ready = "GET /readyz"
        case metrics = "GET /metrics"
        case jwks = "GET /.well-known/jwks.json"
        case issuerMetadata = "GET /.well-known/jwt-vc-issuer"
        case statusList = "GET /v1/status-lists/{id}"
        case statusListCredential = "GET /v1/status-lists/{id}/{purpose}"
        case setCredentialStatus = "POST /v1/credentials/{id}/status"
        case verifyCredential = "POST /v1/credentials/verify"
        case oprfPublicKey = "GET /v1/privacy/oprf/{key}"
        case oprfEvaluate = "POST /v1/privacy/oprf/{key}/evaluate"
        case privacyTreeHead = "GET /v1/privacy/log/tree-head"
        case privacyReceipt = "GET /v1/privacy/log/receipts/{index}"
        case privacyConsistency = "GET /v1/privacy/log/consistency"
        case analyticsVerifications = "GET /v1/analytics/verifications"
        case proofNonce = "POST /v1/privacy/proofs/nonce"
        case proofVerify = "POST /v1/privacy/proofs/verify"
        case psiInfo = "GET /v1/privacy/psi/{set}"
        case psiEvaluate = "POST /v1/privacy/psi/{set}/evaluate"
        case psiPage = "GET /v1/privacy/psi/{set}/set"
        case psiOpenSession = "POST /v1/privacy/psi/{set}/sessions"
        case psiSessionPoints = "POST /v1/privacy/psi/{set}/sessions/{session}/points"
        case psiSessionFinish = "POST /v1/privacy/psi/{set}/sessions/{session}/finish"
        case adminConnectivity = "GET /v1/admin/connectivity"
        case adminConnectivityEvents = "GET /v1/admin/connectivity/events"
        case getLineage = "GET /v1/verifications/{id}/lineage"
        case connectorQuality = "GET /v1/connectors/{name}/quality"
        case lineagePage = "GET /ui/lineage/{id}"
        case connectorPage = "GET /ui/connectors/{name}"
        case unknown = "unknown"

        /// The path part of the route (`/v1/verifications`), or `unknown`,
        /// as logs and metrics label it.
        public var pathLabel: String {
            switch self {
            case .createVerification: return "/v1/verifications"
            case .getVerification: return "/v1/verifications/{id}"
            case .listConnectors: return "/v1/connectors"
            case .listAudit: return "/v1/audit"
            case .health: return "/healthz"
            case .ready: return "/readyz"
            case .metrics: return "/metrics"
            case .jwks: return "/.well-known/jwks.json"
            case .issuerMetadata: return "/.well-known/jwt-vc-issuer"
            case .unknown: return "unknown"
            default: return String(rawValue.drop { $0 != " " }.dropFirst())
            }
        }
    }

    let store: any Store
    let connectors: any ConnectorCatalog
    let pipeline: VerificationPipeline
    /// The registry the API counts into.
    public let metrics: Metrics
    let logger: Logger
    let privacy: PrivacyEngine?
    private let draining = Atomic<Bool>(false)
    let defaultKeyring: SigningKeyring?
    /// The credential issuer (keys with their lifecycle, status lists); `nil` when the host issues none.
    let credentials: CredentialIssuer?
    /// Fetches other issuers' status lists for `POST /v1/credentials/verify`.
    let statusFetcher: (any StatusListFetcher)?
    let didWebFetcher: (any DIDWebFetcher)?
    let connectivity: ConnectivityTransport?

    /// - Parameters:
    ///   - store: tenants, keys, verifications, audit.
    ///   - connectors: the serving connectors.
    ///   - pipeline: runs verifications.
    ///   - metrics: where request counts and latencies go.
    ///   - logger: the access log and errors.
    ///   - keyring: fixed credential signing keys, published as a JWKS (when `credentials` has none); `nil` when the host issues no credentials.
    ///   - credentials: the issuer with its key registry and status lists.
    ///   - statusFetcher: fetches other issuers' status lists for `POST /v1/credentials/verify`.
    ///   - didWebFetcher: fetches did:web documents for `POST /v1/credentials/verify`.
    ///   - privacy: the privacy engine behind `/v1/privacy/...` and `/v1/analytics/...`; `nil` for none.
    public init(store: any Store, connectors: any ConnectorCatalog, pipeline: VerificationPipeline, metrics: Metrics,
                logger: Logger, keyring: SigningKeyring? = nil, credentials: CredentialIssuer? = nil,
                statusFetcher: (any StatusListFetcher)? = nil, didWebFetcher: (any DIDWebFetcher)? = nil,
                privacy: PrivacyEngine? = nil, connectivity: ConnectivityTransport? = nil) {
        self.connectivity = connectivity
        self.privacy = privacy
        self.didWebFetcher = didWebFetcher
        defaultKeyring = keyring
        self.credentials = credentials
        self.statusFetcher = statusFetcher
        self.store = store
        self.connectors = connectors
        self.pipeline = pipeline
        self.metrics = metrics
        self.logger = logger
        metrics.counter("pavilion_http_requests_total", help: "HTTP requests answered by the API, by route, method and status.",
                        labels: ["route", "method", "status"])
        metrics.histogram("pavilion_http_request_duration_seconds", help: "Time to answer API requests, by route.",
                          labels: ["route"])
    }

    /// Mark the service as draining: `/readyz` answers 503 from now on.
    public func setDraining(_ value: Bool) { draining.store(value, ordering: .relaxed) }

    /// Whether the service is draining.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Answer one request.
    public func handle(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        let started = ContinuousClock.now
        let requestID = Self.requestID(from: request.headers["x-request-id"])
        let route = Self.route(method: request.method, path: request.path)
        var context = LogContext()
        var response: HTTPServerResponse
        do {
            response = try await dispatch(request, route: route, requestID: requestID, context: &context)
        } catch {
            context.code = error.code
            response = Self.problemResponse(error, requestID: requestID)
        }
        response.headers.replace(name: "x-request-id", value: requestID)
        if route == .jwks || route == .issuerMetadata, response.status == 200 {
            response.headers.replace(name: "cache-control", value: "max-age=300")
        } else if route == .statusList || route == .statusListCredential, response.status == 200 || response.status == 304 {
            response.headers.replace(name: "cache-control", value: "max-age=\(credentials?.status?.timeToLiveSeconds ?? 300)")
        } else if route != .metrics, route != .health, route != .ready {
            response.headers.replace(name: "cache-control", value: "no-store")
        }
        let elapsed = VerificationPipeline.seconds(ContinuousClock.now - started)
        let routeLabel = route.pathLabel
        let methodLabel = Self.methodLabel(request.method)
        metrics.increment("pavilion_http_requests_total", [routeLabel, methodLabel, String(response.status)])
        metrics.observe("pavilion_http_request_duration_seconds", [routeLabel], elapsed)
        // The access log line as a list: no dictionary per request (same line).
        var fields: [(key: String, value: JSONValue)] = [
            ("request_id", .string(requestID)), ("method", .string(methodLabel)), ("route", .string(routeLabel)),
            ("status", .int(Int64(response.status))), ("duration_ms", .double((elapsed * 1_000_000).rounded() / 1000)),
        ]
        fields.reserveCapacity(9)
        if let tenant = context.tenant { fields.append(("tenant", .string(tenant))) }
        if let key = context.keyID { fields.append(("key_id", .string(key))) }
        if let code = context.code { fields.append(("code", .string(code))) }
        if let connector = context.connector { fields.append(("connector", .string(connector))) }
        logger.log(response.status >= 500 ? .warn : .info, "request", fields: fields)
        return response
    }

    struct LogContext {
        var tenant: String?
        var keyID: String?
        var code: String?
        var connector: String?
    }

    // MARK: - Routing

    private func dispatch(_ request: HTTPServerRequest, route: Route, requestID: String,
                          context: inout LogContext) async throws(APIProblem) -> HTTPServerResponse {
        if route == .unknown {
            if let allowed = Self.allowedMethods(path: request.path) {
                var problem = APIProblem(405, "method_not_allowed", "\(Self.methodLabel(request.method)) is not allowed here")
                problem.extensions["allow"] = .array(allowed.map(JSONValue.string))
                var response = Self.problemResponse(problem, requestID: requestID)
                response.headers.replace(name: "allow", value: allowed.joined(separator: ", "))
                context.code = problem.code
                return response
            }
            throw APIProblem(404, "not_found", "no such resource")
        }
        switch route {
        case .health:
            return Self.json(200, ["status": "ok"])
        case .ready:
            return await readiness()
        case .metrics:
            return HTTPServerResponse(status: 200, headers: ["content-type": "text/plain; version=0.0.4; charset=utf-8"],
                                      body: Array(metrics.render().utf8))
        case .jwks, .issuerMetadata:
            guard let keyring = await currentKeyring() else { throw APIProblem(404, "not_found", "this host issues no credentials") }
            return Self.json(200, route == .jwks ? keyring.jwks : keyring.issuerMetadata)
        case .statusList, .statusListCredential:
            return try await serveStatusList(request)
        case .lineagePage, .connectorPage:
            return try await page(request, route: route, requestID: requestID, context: &context)
        default:
            break
        }
        let caller = try await authenticate(request)
        context.keyID = caller.key.id.rawValue
        context.tenant = caller.tenant?.rawValue
        switch route {
        case .createVerification:
            return try await createVerification(request, caller: caller, requestID: requestID, context: &context)
        case .getVerification:
            let id = String(request.path.dropFirst("/v1/verifications/".count))
            return try await getVerification(id: id, caller: caller)
        case .listConnectors:
            return try await listConnectors(caller: caller)
        case .listAudit:
            return try await listAudit(query: request.query, caller: caller)
        case .setCredentialStatus:
            return try await setCredentialStatus(request, caller: caller)
        case .verifyCredential:
            return try await verifyCredential(request)
        case .oprfPublicKey, .oprfEvaluate, .privacyTreeHead, .privacyReceipt, .privacyConsistency, .analyticsVerifications,
             .proofNonce, .proofVerify:
            return try await dispatchPrivacy(request, route: route, caller: caller)
        case .psiInfo, .psiEvaluate, .psiPage, .psiOpenSession, .psiSessionPoints, .psiSessionFinish:
            return try await dispatchPSI(request, route: route, caller: caller, requestID: requestID)
        case .adminConnectivity, .adminConnectivityEvents:
            return try adminConnectivity(route: route, query: request.query, caller: caller)
        case .getLineage:
            return try await lineage(id: Self.pathParameter(request.path, "/v1/verifications/", "/lineage"), caller: caller)
        case .connectorQuality:
            return try await connectorQuality(name: Self.pathParameter(request.path, "/v1/connectors/", "/quality"), caller: caller)
        case .health, .ready, .metrics, .jwks, .issuerMetadata, .statusList, .statusListCredential, .unknown, .lineagePage,
             .connectorPage:
            throw APIProblem(404, "not_found", "no such resource")
        }
    }

    static func route(method: String, path: String) -> Route {
        switch (method, path) {
        case ("POST", "/v1/verifications"): return .createVerification
        case ("GET", "/v1/connectors"): return .listConnectors
        case ("GET", "/v1/audit"): return .listAudit
        case ("GET", "/v1/admin/connectivity"): return .adminConnectivity
        case ("GET", "/v1/admin/connectivity/events"): return .adminConnectivityEvents
        case ("GET", "/healthz"), ("HEAD", "/healthz"): return .health
        case ("GET", "/readyz"), ("HEAD", "/readyz"): return .ready
        case ("GET", "/metrics"): return .metrics
        case ("GET", "/.well-known/jwks.json"): return .jwks
        case ("GET", "/.well-known/jwt-vc-issuer"): return .issuerMetadata
        case ("POST", "/v1/credentials/verify"): return .verifyCredential
        default:
            if let route = credentialRoute(method: method, path: path) { return route }
            if method == "GET", let route = dataRoute(path) { return route }
            if method == "GET", path.hasPrefix("/v1/verifications/"), path.count > "/v1/verifications/".count,
               !path.dropFirst("/v1/verifications/".count).contains("/") {
                return .getVerification
            }
            return privacyRoute(method: method, path: path) ?? psiRoute(method: method, path: path) ?? .unknown
        }
    }

    static func allowedMethods(path: String) -> [String]? {
        switch path {
        case "/v1/verifications": return ["POST"]
        case "/v1/connectors", "/v1/audit", "/metrics", "/.well-known/jwks.json", "/.well-known/jwt-vc-issuer",
             "/v1/admin/connectivity", "/v1/admin/connectivity/events": return ["GET"]
        case "/healthz", "/readyz": return ["GET", "HEAD"]
        case "/v1/credentials/verify": return ["POST"]
        default:
            if dataRoute(path) != nil { return ["GET"] }
            if path.hasPrefix("/v1/verifications/"), !path.dropFirst("/v1/verifications/".count).contains("/") { return ["GET"] }
            return credentialAllowedMethods(path: path) ?? privacyAllowedMethods(path: path) ?? psiAllowedMethods(path: path)
        }
    }

    // MARK: - Authentication

    /// The caller behind `Authorization: Bearer pvk_…`.
    func authenticate(_ request: HTTPServerRequest) async throws(APIProblem) -> Caller {
        guard let header = request.headers["authorization"] else {
            throw APIProblem.unauthenticated("send an API key as 'Authorization: Bearer pvk_…'")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIProblem.unauthenticated("the Authorization header must be 'Bearer pvk_…'")
        }
        let result: KeyAuthentication
        // Spaces and tabs around the token are ignored (Foundation's trimming cost ~2% of a verification).
        var token = parts[1]
        while let first = token.first, first == " " || first == "\t" { token = token.dropFirst() }
        while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
        do { result = try await store.authenticate(token: String(token)) } catch {
            logger.error("cannot authenticate", ["error": .string(error.description)])
            throw APIProblem(503, "store_unavailable", "the service cannot check keys right now")
        }
        switch result {
        case .authenticated(let key): return Caller(key: key)
        case .invalid, .revoked: throw APIProblem.unauthenticated("the API key is not valid")
        case .tenantDisabled: throw APIProblem(403, "tenant_disabled", "this key's tenant is disabled")
        }
    }

    // MARK: - Handlers

    private func createVerification(_ request: HTTPServerRequest, caller: Caller, requestID: String,
                                    context: inout LogContext) async throws(APIProblem) -> HTTPServerResponse {
        if let type = request.headers["content-type"], !type.lowercased().hasPrefix("application/json") {
            throw APIProblem(415, "unsupported_media_type", "send the request as application/json")
        }
        let parsed: VerificationRequest
        do { parsed = try VerificationRequest.parse(request.body) } catch {
            await auditRefusal(error, caller: caller, requestID: requestID)
            throw error
        }
        context.connector = parsed.connector
        let outcome = try await pipeline.run(parsed, caller: caller, requestID: requestID,
                                             trace: TraceContext.continuing(request.headers["traceparent"]))
        context.connector = outcome.connector
        if let recipient = parsed.encryptTo { return try Self.encryptedAnswer(outcome.json, to: recipient) }
        return HTTPServerResponse(status: 200, headers: ["content-type": "application/json"], body: outcome.serializedJSON)
    }

    private func auditRefusal(_ problem: APIProblem, caller: Caller, requestID: String) async {
        let now = Date()
        let entry = AuditEntry(requestID: requestID, keyID: caller.key.id, tenantID: caller.tenant, decision: .deny,
                               outcome: problem.code, errorCode: problem.code, startedAt: now, finishedAt: now)
        do { _ = try await store.appendAudit(entry) } catch {
            logger.error("cannot append an audit record", ["request_id": .string(requestID), "error": .string(error.description)])
        }
    }

    private func getVerification(id text: String, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        let notFound = APIProblem(404, "verification_not_found", "no verification with this id")
        guard let id = try? VerificationID(text) else { throw notFound }
        do {
            if let tenant = caller.tenant {
                if let record = try await store.verification(id: id, tenant: tenant) {
                    var outcome = VerificationOutcome(record: record)
                    outcome.quality = await storedQuality(of: id, tenant: tenant)
                    return Self.json(200, outcome.json)
                }
                if try await store.verification(id: id) != nil {
                    throw APIProblem.forbidden("this verification belongs to another tenant")
                }
                throw notFound
            }
            guard let record = try await store.verification(id: id) else { throw notFound }
            var outcome = VerificationOutcome(record: record)
            outcome.quality = await storedQuality(of: id, tenant: nil)
            var json = outcome.json
            if case .object(var members) = json {
                members["tenant"] = .string(record.tenantID.rawValue)
                json = .object(members)
            }
            return Self.json(200, json)
        } catch let problem as APIProblem {
            throw problem
        } catch {
            logger.error("cannot read a verification", ["error": .string("\(error)")])
            throw APIProblem(503, "store_unavailable", "the service cannot read verifications right now")
        }
    }

    private func listConnectors(caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        var serving = connectors.servingConnectors()
        if let tenant = caller.tenant {
            let enabled: Set<String>
            do { enabled = Set(try await store.enabledConnectors(for: tenant)) } catch {
                logger.error("cannot read enabled connectors", ["error": .string(error.description)])
                throw APIProblem(503, "store_unavailable", "the service cannot read connectors right now")
            }
            serving = serving.filter { enabled.contains($0.name) }
        }
        let list = serving.map { Self.connectorJSON($0.plugin.manifest) }
        return Self.json(200, ["connectors": .array(list)])
    }

    static func connectorJSON(_ manifest: Manifest) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(manifest.name), "version": .string(manifest.metadata.version),
            "provider": .string(manifest.metadata.provider),
            "claims": .array(manifest.claims.map { claim in
                .object(["name": .string(claim.name), "type": .string(claim.type),
                         "data_categories": .array(claim.dataCategories.map(JSONValue.string))])
            }),
            "purposes": .array(manifest.compliance.purposes.map(JSONValue.string)),
            "lawful_bases": .array(manifest.compliance.lawfulBases.map(JSONValue.string)),
            "jurisdictions": .array(manifest.compliance.jurisdictions.map(JSONValue.string)),
            "transfer_basis": manifest.compliance.transferBasis.map(JSONValue.string) ?? .null,
            "regions": .array(manifest.regions.map { region in
                .object(["name": .string(region.name), "residency": .string(region.residency.rawValue),
                         "priority": .int(Int64(region.priority))])
            }),
            "credential_formats": .array(manifest.formats.credentials.map(JSONValue.string)),
        ]
        if let description = manifest.metadata.description { members["description"] = .string(description) }
        return .object(members)
    }

    private func listAudit(query: String?, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        var after: Int64 = 0
        var limit = 100
        var tenantFilter: TenantID? = caller.tenant
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw APIProblem.invalidRequest("malformed query parameter") }
            switch kv[0] {
            case "after":
                guard let v = Int64(kv[1]), v >= 0 else { throw APIProblem.invalidRequest("'after' must be a sequence number") }
                after = v
            case "limit":
                guard let v = Int(kv[1]), (1...1000).contains(v) else { throw APIProblem.invalidRequest("'limit' must be 1...1000") }
                limit = v
            case "tenant":
                guard caller.isAdmin else { throw APIProblem.forbidden("only admin keys may choose a tenant") }
                guard let t = try? TenantID(kv[1]) else { throw APIProblem.invalidRequest("'tenant' must be a tenant id") }
                tenantFilter = t
            default:
                throw APIProblem.invalidRequest("unknown query parameter '\(Tokens.printable(kv[0]))'")
            }
        }
        let records: [AuditRecord]
        do { records = try await store.auditRecords(tenant: tenantFilter, afterSequence: after, limit: limit) } catch {
            logger.error("cannot list audit records", ["error": .string(error.description)])
            throw APIProblem(503, "store_unavailable", "the service cannot read audit records right now")
        }
        var body: [String: JSONValue] = ["records": .array(records.map(Self.auditJSON))]
        body["next_after"] = records.last.map { .int($0.sequence) } ?? .null
        return Self.json(200, .object(body))
    }

    static func auditJSON(_ record: AuditRecord) -> JSONValue {
        let e = record.entry
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            "sequence": .int(record.sequence), "recorded_at": .string(Timestamps.rfc3339(record.recordedAt)),
            "request_id": .string(e.requestID), "key_id": opt(e.keyID?.rawValue), "tenant": opt(e.tenantID?.rawValue),
            "connector": opt(e.connector), "connector_version": opt(e.connectorVersion), "purpose": opt(e.purpose),
            "lawful_basis": opt(e.lawfulBasis), "decision": .string(e.decision.rawValue), "outcome": .string(e.outcome),
            "error_code": opt(e.errorCode), "verification_id": opt(e.verificationID?.rawValue),
            "started_at": .string(Timestamps.rfc3339(e.startedAt)), "finished_at": .string(Timestamps.rfc3339(e.finishedAt)),
            "connector_ms": e.connectorMilliseconds.map(JSONValue.int) ?? .null,
            "data_categories": .array(e.dataCategories.map(JSONValue.string)),
            "artifacts": .object(e.artifactDigests.mapValues(JSONValue.string)),
            "prev_hash": .string(record.previousHash), "hash": .string(record.hash),
        ])
    }

    private func readiness() async -> HTTPServerResponse {
        var problems: [String] = []
        if isDraining { problems.append("draining") }
        if connectors.servingConnectors().isEmpty { problems.append("no connector loaded") }
        do { _ = try await store.auditRecords(tenant: nil, afterSequence: Int64.max - 1, limit: 1) } catch {
            problems.append("store unreachable")
        }
        if problems.isEmpty { return Self.json(200, ["status": "ready"]) }
        return Self.json(503, ["status": "not_ready", "reasons": .array(problems.map(JSONValue.string))])
    }

    // MARK: - Helpers

    static func json(_ status: Int, _ value: JSONValue) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["content-type": "application/json"], body: value.serializedBytes)
    }

    static func problemResponse(_ problem: APIProblem, requestID: String) -> HTTPServerResponse {
        var headers: HTTPHeaders = ["content-type": "application/problem+json"]
        if problem.status == 401 { headers.add(name: "www-authenticate", value: "Bearer") }
        if case .int(let seconds)? = problem.extensions["retry_after"] { headers.add(name: "retry-after", value: String(seconds)) }
        return HTTPServerResponse(status: problem.status, headers: headers, body: problem.json(requestID: requestID).serializedBytes)
    }

    /// The caller's id when it is `[A-Za-z0-9_-]{1,128}`, else a new `req_` + 16 hex digits.
    static func requestID(from header: String?) -> String {
        if let header, Tokens.isIdentifier(header) { return header }
        if let hex = RandomHex.make(bytes: 8) { return "req_" + hex }
        let bytes = Array(String(UInt64.random(in: 0...UInt64.max), radix: 16).utf8.prefix(8))
        return "req_" + Hex.encode(bytes)
    }

    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS": return method
        default: return "other"
        }
    }
}
