import Foundation
import PavilionCore
import PavilionData
import PavilionManifest
import PavilionPlugins
import PavilionPrivacy
import PavilionStore
import Synchronization

/// Who is asking: the authenticated key and its tenant.
public struct Caller: Sendable, Hashable {
    /// The key that authenticated.
    public var key: APIKey
    /// The tenant a tenant key acts for; `nil` for an admin key.
    public var tenant: TenantID? { key.tenantID }
    /// Whether it is an admin key.
    public var isAdmin: Bool { key.kind == .admin }

    /// - Parameter key: the authenticated key.
    public init(key: APIKey) { self.key = key }
}

/// The settings of the pipeline that a reload may change.
public struct PipelineSettings: Sendable, Hashable {
    /// Residency and region preference.
    public var policy: VerificationPolicy
    /// connector → region → base URL, replacing the manifest's endpoints.
    public var endpointOverrides: [String: [String: EndpointURL]]
    /// The time a whole verification may take, DP rounds included.
    public var budget: Duration

    /// - Parameters: the fields above.
    public init(policy: VerificationPolicy = VerificationPolicy(), endpointOverrides: [String: [String: EndpointURL]] = [:],
                budget: Duration = .seconds(15)) {
        self.policy = policy
        self.endpointOverrides = endpointOverrides
        self.budget = budget
    }
}

/// One verification, end to end: choose the connector → policy → validate
/// the subject → run the connector's exchanges over the transport → validate
/// the result → minimise → store the verification with its audit record.
///
/// Every request that reaches it ends with exactly one audit record: a
/// verification and its record in one store call, or a record alone for a
/// refusal or a failure. Audit records and logs hold identifiers and codes,
/// never subject attributes or claim values.
public final class VerificationPipeline: Sendable {
    /// The error code stored for a subject the DP does not know.
    public static let subjectNotFoundCode = "subject_not_found"
    /// Most HTTP rounds one exchange may ask for.
    public static let maxRounds = 16

    let store: any Store
    private let connectors: any ConnectorCatalog
    private let validator: any SubjectValidator
    let transport: any ExchangeTransport
    let metrics: Metrics
    let logger: Logger
    private let settings: Mutex<PipelineSettings>
    private let credentials: CredentialIssuer?
    let privacy: PrivacyEngine?
    /// The compiled transforms, quality policies and signature verifiers of the serving manifests.
    let dataStages: DataStageCache
    let dataKeys: TenantDataKeys
    /// Outcomes, timings and quality per connector, tenant and day.
    public let ledger: ConnectorLedger

    /// - Parameters:
    ///   - store: where verifications and audit records go.
    ///   - connectors: the serving connectors.
    ///   - validator: checks subjects and results against the manifest's schemas.
    ///   - transport: carries connector requests to DPs.
    ///   - metrics: counts outcomes and exchange latencies.
    ///   - logger: for failures (no personal data).
    ///   - settings: policy, overrides and budget.
    ///   - credentials: issues the credentials requests ask for; `nil` when the host issues none.
    ///   - privacy: the probing limit and privacy receipts; `nil` for neither.
    ///   - dataStages: the manifests' compiled data stages (shared with the manifest source that fills it).
    ///   - dataKeys: per-tenant hashing keys; a random secret for this process when `nil`.
    public init(store: any Store, connectors: any ConnectorCatalog, validator: any SubjectValidator = JSONSchemaSubjectValidator(),
                transport: any ExchangeTransport, metrics: Metrics, logger: Logger, settings: PipelineSettings = PipelineSettings(),
                credentials: CredentialIssuer? = nil, privacy: PrivacyEngine? = nil, dataStages: DataStageCache = DataStageCache(),
                dataKeys: TenantDataKeys? = nil) {
        self.privacy = privacy
        self.credentials = credentials
        self.dataStages = dataStages
        self.dataKeys = dataKeys ?? (try? TenantDataKeys.ephemeral())
            ?? TenantDataKeys(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
        self.ledger = ConnectorLedger()
        self.store = store
        self.connectors = connectors
        self.validator = validator
        self.transport = transport
        self.metrics = metrics
        self.logger = logger
        self.settings = Mutex(settings)
        metrics.counter("pavilion_verifications_total", help: "Verifications by connector and outcome.",
                        labels: ["connector", "outcome"])
        metrics.histogram("pavilion_exchange_duration_seconds",
                          help: "Time spent in connector exchanges (all DP rounds) per verification.", labels: ["connector"])
        Self.registerDataMetrics(metrics)
    }

    /// Replace the reloadable settings.
    public func update(_ newSettings: PipelineSettings) { settings.withLock { $0 = newSettings } }

    /// The current settings.
    public var currentSettings: PipelineSettings { settings.withLock { $0 } }

    /// Run a verification for `caller`.
    /// - Parameters:
    ///   - request: the checked request body.
    ///   - caller: the authenticated tenant key.
    ///   - requestID: the request's id (logs, audit, DP header).
    ///   - trace: the trace context to send to the DP.
    /// - Returns: the answer, stored.
    /// - Throws: ``APIProblem`` for every refusal and failure (already audited).
    public func run(_ request: VerificationRequest, caller: Caller, requestID: String,
                    trace: TraceContext) async throws(APIProblem) -> VerificationOutcome {
        let startedAt = Date()
        let started = ContinuousClock.now
        let current = currentSettings
        let deadline = started + current.budget
        guard let tenant = caller.tenant else {
            throw APIProblem.forbidden("admin keys do not run verifications; use a tenant key")
        }
        var audit = AuditEntry(requestID: requestID, keyID: caller.key.id, tenantID: tenant, purpose: request.purpose,
                               lawfulBasis: request.lawfulBasis, decision: .deny, outcome: "denied",
                               startedAt: startedAt, finishedAt: startedAt)
        let id: VerificationID
        do { id = try VerificationID.generate() } catch {
            logger.error("cannot generate a verification id", ["request_id": .string(requestID), "error": .string("\(error)")])
            throw APIProblem.internalError()
        }

        // Connector and policy.
        let instance: ConnectorInstance
        let decision: PolicyDecision
        let region: Manifest.Region
        var prepared: DataRun?
        do throws(APIProblem) {
            instance = try await chooseConnector(request, tenant: tenant)
            let manifest = instance.plugin.manifest
            audit.connector = manifest.name
            audit.connectorVersion = manifest.metadata.version
            audit.dataCategories = Self.categories(of: request.claims, in: manifest)
            var run = try dataRun(id: id, manifest: manifest, tenant: tenant, startedAt: startedAt)
            run.recordRequest(request, requestID: requestID, tenant: tenant, at: startedAt)
            decision = try current.policy.evaluate(manifest: manifest, purpose: request.purpose,
                                                   lawfulBasis: request.lawfulBasis, jurisdiction: request.jurisdiction)
            run.recordPolicy(decision, at: Date())
            prepared = run
            audit.lawfulBasis = decision.lawfulBasis
            guard let chosen = decision.region else { throw APIProblem(400, "residency_not_allowed", "no region allowed") }
            region = chosen
            if let format = request.credentialFormat {
                guard let credentials else {
                    throw APIProblem(400, "unsupported_credential_format", "this host issues no credentials (no credentials: section)")
                }
                guard credentials.canIssue(format, region: chosen.name) else {
                    throw APIProblem(503, "signing_key_unavailable", "region '\(chosen.name)' has no key for \(format.rawValue) credentials")
                }
            }
            if let schema = manifest.inputSchema {
                let violations = validator.validate(request.subject, against: schema)
                if !violations.isEmpty {
                    throw APIProblem(400, "invalid_subject",
                                     "the subject does not match connector '\(manifest.name)''s input schema: "
                                         + violations.map(\.description).joined(separator: "; "),
                                     extensions: ["errors": .array(violations.map { v in
                                         .object(["pointer": .string(v.pointer), "keyword": .string(v.keyword),
                                                  "message": .string(v.message)])
                                     })])
                }
            }
            if let privacy { try await chargeProbing(request, manifest: manifest, tenant: tenant, privacy: privacy) }
        } catch {
            await finish(audit: audit, problem: error, connector: audit.connector ?? "none")
            throw error
        }

        // Exchanges.
        audit.decision = .permit
        let manifest = instance.plugin.manifest
        guard var data = prepared else { throw APIProblem.internalError() }
        let exchangeStart = ContinuousClock.now
        var exchangeResult: Result<JSONValue?, APIProblem>
        // The region whose provider answered: the policy's first choice unless the transport failed over.
        var processing = region
        do {
            exchangeResult = .success(try await runExchange(instance: instance, request: request, tenant: tenant,
                                                            region: region, allowed: decision.regions,
                                                            requestID: requestID, trace: trace,
                                                            deadline: deadline, overrides: current.endpointOverrides, data: &data,
                                                            answered: &processing))
        } catch {
            exchangeResult = .failure(error)
        }
        let exchangeTime = ContinuousClock.now - exchangeStart
        metrics.observe("pavilion_exchange_duration_seconds", [manifest.name], Self.seconds(exchangeTime))
        audit.connectorMilliseconds = Int64(Self.seconds(exchangeTime) * 1000)

        // Result: validate, minimise.
        var claims: JSONValue = .object([:])
        let status: VerificationOutcome.Status
        do throws(APIProblem) {
            switch exchangeResult {
            case .failure(let problem): throw problem
            case .success(nil):
                status = .notFound
            case .success(let result?):
                if let schema = manifest.outputSchema {
                    let validationStart = (Date(), ContinuousClock.now)
                    let violations = validator.validate(result, against: schema)
                    data.recordOutputValidation(result, violations: violations, at: validationStart.0,
                                                duration: ContinuousClock.now - validationStart.1)
                    if !violations.isEmpty {
                        logger.warn("connector result breaks its output schema", [
                            "request_id": .string(requestID), "connector": .string(manifest.name),
                            // Pointers and keywords only: a validator's message may quote the DP's value.
                            "errors": .string(violations.map { "\($0.pointer.isEmpty ? "/" : $0.pointer): \($0.keyword)" }.joined(separator: "; ")),
                        ])
                        throw APIProblem(502, "connector_error", "connector '\(manifest.name)' returned a result that does not match its output schema")
                    }
                }
                defer { observeQuality(data.quality, connector: manifest.name) }
                claims = try data.process(result, requested: request.claims, now: Date())
                status = .completed
            }
        } catch {
            await finish(audit: audit, problem: error, connector: manifest.name, quality: data.quality)
            throw error
        }

        // Store the verification and its audit record together.
        var artifacts: [VerificationArtifact] = []
        var credential: IssuedCredential?
        var commitments: JSONValue?
        if status == .completed, let format = request.credentialFormat, let credentials {
            do throws(APIProblem) {
                var content = try Self.credentialContent(request, claims: claims, id: id, tenant: tenant, manifest: manifest,
                                                         region: processing)
                commitments = try AttributeCommitments.commit(request.commitAttributes, subject: request.subject, result: claims,
                                                              into: &content)
                credential = try await credentials.issue(format, content: content, now: startedAt)
            } catch {
                logger.error("cannot issue a credential", ["request_id": .string(requestID), "error": .string(error.detail)])
                await finish(audit: audit, problem: error, connector: manifest.name)
                throw error
            }
            if let credential { data.recordCredential(credential, at: Date()) }
        }
        let finishedAt = Date()
        let record = VerificationRecord(id: id, tenantID: tenant, connector: manifest.name,
                                        connectorVersion: manifest.metadata.version, purpose: request.purpose,
                                        status: status == .completed ? .succeeded : .failed, createdAt: startedAt,
                                        finishedAt: finishedAt, result: claims,
                                        errorCode: status == .completed ? nil : Self.subjectNotFoundCode,
                                        region: processing.name, jurisdiction: request.jurisdiction.rawValue)
        audit.outcome = status.rawValue
        audit.errorCode = record.errorCode
        audit.finishedAt = max(finishedAt, audit.startedAt)
        if let credential { artifacts.append(credential.artifact) }
        artifacts += data.artifacts
        var receiptArtifact: VerificationArtifact?
        if let privacy {
            do throws(APIProblem) {
                receiptArtifact = try privacyReceipt(request, id: id, tenant: tenant, manifest: manifest, lawfulBasis: audit.lawfulBasis,
                                                     released: claims, usedPSI: data.usedPSI, privacy: privacy, at: startedAt)
                if let receiptArtifact { artifacts.append(receiptArtifact) }
            } catch {
                logger.error("cannot make a privacy receipt", ["request_id": .string(requestID), "error": .string(error.detail)])
                await finish(audit: audit, problem: error, connector: manifest.name)
                throw error
            }
        }
        let recorded: RecordedVerification
        do {
            recorded = try await store.recordVerification(record, audit: audit, artifacts: artifacts)
        } catch {
            logger.error("cannot store a verification", ["request_id": .string(requestID), "error": .string(error.description)])
            metrics.increment("pavilion_verifications_total", [manifest.name, "store_error"])
            throw APIProblem.internalError()
        }
        metrics.increment("pavilion_verifications_total", [manifest.name, status.rawValue])
        ledger.record(connector: manifest.name, tenant: tenant, outcome: status.rawValue, at: startedAt,
                      exchangeMilliseconds: audit.connectorMilliseconds.map(Double.init),
                      totalMilliseconds: Self.seconds(ContinuousClock.now - started) * 1000, quality: data.quality)
        var receipt: JSONValue?
        if let receiptArtifact {
            let leafHash = MerkleHasher.leafHash(receiptArtifact.body)
            if let index = recorded.privacyLogIndex, index >= 0 { privacy?.receipts.committed(index: UInt64(index), leafHash: leafHash) }
            receipt = Self.privacyReceiptPosition(leafHash: leafHash, logIndex: recorded.privacyLogIndex)
        }
        var outcome = VerificationOutcome(id: id, requestID: requestID, status: status, connector: manifest.name,
                                          connectorVersion: manifest.metadata.version, region: processing.name, claims: claims,
                                          createdAt: record.createdAt, credential: credential, privacyReceipt: receipt,
                                          commitments: commitments)
        outcome.quality = data.quality.map(DataRun.summary)
        return outcome
    }

    // MARK: - Stages

    /// The named connector if serving and enabled for the tenant, or the one
    /// serving, enabled connector that offers every claim asked for.
    func chooseConnector(_ request: VerificationRequest, tenant: TenantID) async throws(APIProblem) -> ConnectorInstance {
        let enabled: Set<String>
        do { enabled = Set(try await store.enabledConnectors(for: tenant)) } catch {
            logger.error("cannot read enabled connectors", ["tenant": .string(tenant.rawValue), "error": .string(error.description)])
            throw APIProblem.internalError()
        }
        if let name = request.connector {
            guard enabled.contains(name) else {
                throw APIProblem(400, "unknown_connector", "no connector '\(name)' is enabled for this tenant")
            }
            guard let instance = connectors.connector(named: name) else {
                throw APIProblem(503, "connector_unavailable", "connector '\(name)' is not loaded right now")
            }
            let offered = Set(instance.plugin.manifest.claims.map(\.name))
            let missing = request.claims.filter { !offered.contains($0) }
            guard missing.isEmpty else {
                throw APIProblem(400, "claim_not_offered",
                                 "connector '\(name)' does not offer: \(missing.joined(separator: ", "))",
                                 extensions: ["offered": .array(offered.sorted().map(JSONValue.string))])
            }
            return instance
        }
        let candidates = connectors.servingConnectors().filter { instance in
            let offered = Set(instance.plugin.manifest.claims.map(\.name))
            return enabled.contains(instance.name) && request.claims.allSatisfy(offered.contains)
        }
        guard let first = candidates.first else {
            throw APIProblem(400, "claim_not_offered",
                             "no connector enabled for this tenant offers all of: \(request.claims.joined(separator: ", "))")
        }
        guard candidates.count == 1 else {
            let names = candidates.map(\.name)
            throw APIProblem(400, "ambiguous_connector",
                             "several connectors offer these claims; name one in \"connector\": \(names.joined(separator: ", "))",
                             extensions: ["candidates": .array(names.map(JSONValue.string))])
        }
        return first
    }

    /// Drive the exchange. Returns the result, or `nil` when the DP does not know the subject.
    private func runExchange(instance: ConnectorInstance, request: VerificationRequest, tenant: TenantID,
                             region: Manifest.Region, allowed: [Manifest.Region], requestID: String, trace: TraceContext,
                             deadline: ContinuousClock.Instant, overrides: [String: [String: EndpointURL]],
                             data: inout DataRun, answered: inout Manifest.Region) async throws(APIProblem) -> JSONValue? {
        let manifest = instance.plugin.manifest
        // Failover across the allowed regions, breakers, retries: the transport's routing (docs/connectivity.md).
        let routing = transport.routingSession(for: manifest, allowed: allowed, jurisdiction: request.jurisdiction,
                                               overrides: overrides[manifest.name] ?? [:], tenant: tenant)
        guard let baseURL = overrides[manifest.name]?[region.name] ?? region.endpoints.first.flatMap(EndpointURL.init) else {
            throw APIProblem(503, "connector_unavailable", "connector '\(manifest.name)' has no usable endpoint for region '\(region.name)'")
        }
        var query: [String: JSONValue] = [
            "claims": .array(request.claims.map(JSONValue.string)), "subject": request.subject,
            "purpose": .string(request.purpose), "jurisdiction": .string(request.jurisdiction.rawValue),
        ]
        if let basis = request.lawfulBasis { query["lawful_basis"] = .string(basis) }
        let exchange = instance.makeExchange()
        defer { exchange.end() }
        do {
            var step = try RequestScope.$requestID.withValue(requestID) { () throws(ConnectorFailure) -> ExchangeStep in
                try exchange.begin(query: .object(query), tenant: tenant.rawValue, requestID: requestID)
            }
            var rounds = 0
            exchanging: while true {
                if case .result = step { break exchanging }
                rounds += 1
                guard rounds <= Self.maxRounds else {
                    throw APIProblem(502, "connector_error", "connector '\(manifest.name)' asked for more than \(Self.maxRounds) requests")
                }
                let outgoing: HTTPRequest
                switch step {
                case .result:
                    break exchanging
                case .request(let request):
                    outgoing = request
                case .psi(let psi):
                    let base = TransportContext(connector: manifest.name, region: region, baseURL: baseURL, deadline: deadline,
                                                requestID: requestID, trace: trace, routing: routing, budgetDeadline: deadline)
                    let answer: HTTPResponse
                    switch await runPSI(psi, base: base, round: rounds - 1, data: &data) {
                    case .answer(let response): answer = response
                    case .unreachable(let error):
                        if let routing, routing.cannotAttest { return Self.notAvailable(request.claims) }
                        throw routing?.problem ?? Self.problem(for: error, connector: manifest.name)
                    case .failed(let problem): throw problem
                    }
                    step = try RequestScope.$requestID.withValue(requestID) { () throws(ConnectorFailure) -> ExchangeStep in
                        try exchange.step(answer)
                    }
                    continue exchanging
                }
                let roundMs = outgoing.timeoutMs > 0 ? Int(outgoing.timeoutMs) : manifest.connection.requestTimeoutMs
                let roundDeadline = min(ContinuousClock.now + .milliseconds(roundMs), deadline)
                let context = TransportContext(connector: manifest.name, region: region, baseURL: baseURL,
                                               deadline: roundDeadline, requestID: requestID, trace: trace, routing: routing,
                                               budgetDeadline: deadline)
                let response: HTTPResponse
                let roundStart = (Date(), ContinuousClock.now)
                do {
                    response = try await transport.send(outgoing, context: context)
                } catch {
                    data.roundFailed(round: rounds - 1, region: routing?.region ?? region.name,
                                     endpoint: routing?.endpoint ?? baseURL.description, code: error.code.rawValue,
                                     startedAt: roundStart.0, duration: ContinuousClock.now - roundStart.1)
                    logger.warn("data provider exchange failed", [
                        "request_id": .string(requestID), "connector": .string(manifest.name),
                        "region": .string(region.name), "error": .string(error.description),
                    ])
                    if let routing, routing.cannotAttest { return Self.notAvailable(request.claims) }
                    throw routing?.problem ?? Self.problem(for: error, connector: manifest.name)
                }
                let checked = try data.received(response, for: outgoing, round: rounds - 1, region: routing?.region ?? region.name,
                                                endpoint: routing?.endpoint ?? baseURL.description, startedAt: roundStart.0,
                                                duration: ContinuousClock.now - roundStart.1)
                step = try RequestScope.$requestID.withValue(requestID) { () throws(ConnectorFailure) -> ExchangeStep in
                    try exchange.step(checked)
                }
            }
            if let name = routing?.region, let chosen = allowed.first(where: { $0.name == name }) { answered = chosen }
            guard case .result(let result) = step else { return nil }
            return result
        } catch let failure as ConnectorFailure {
            if failure.code == .notFound { return nil }
            logger.warn("connector failed", ["request_id": .string(requestID), "connector": .string(manifest.name),
                                             "error": .string(failure.description)])
            throw Self.problem(for: failure, connector: manifest.name)
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw APIProblem.internalError()
        }
    }

    /// The result when no allowed region can attest: every claim `not_available`.
    static func notAvailable(_ claims: [String]) -> JSONValue {
        .object(Dictionary(claims.map { ($0, JSONValue.string("not_available")) }) { a, _ in a })
    }

    /// Audit a request that ended without a verification, and count it.
    private func finish(audit: AuditEntry, problem: APIProblem, connector: String, quality: QualityReport? = nil) async {
        if let tenant = audit.tenantID, audit.connector != nil {
            ledger.record(connector: connector, tenant: tenant, outcome: problem.code, at: audit.startedAt,
                          exchangeMilliseconds: audit.connectorMilliseconds.map(Double.init),
                          totalMilliseconds: max(0, Date().timeIntervalSince(audit.startedAt) * 1000), quality: quality)
        }
        var entry = audit
        entry.outcome = problem.code
        entry.errorCode = problem.code
        entry.finishedAt = max(Date(), entry.startedAt)
        do { _ = try await store.appendAudit(entry) } catch {
            logger.error("cannot append an audit record", ["request_id": .string(entry.requestID), "error": .string(error.description)])
        }
        metrics.increment("pavilion_verifications_total", [connector, problem.code])
    }

    // MARK: - Mappings

    /// The problem for a transport failure.
    static func problem(for error: TransportError, connector: String) -> APIProblem {
        switch error.code {
        case .timeout:
            return APIProblem(504, "upstream_timeout", "the data provider behind '\(connector)' did not answer in time")
        case .shutdown:
            return APIProblem(503, "connector_unavailable", "the host is shutting down")
        case .unreachable, .badResponse, .responseTooLarge:
            return APIProblem(502, "upstream_error", "the data provider behind '\(connector)' could not be reached or gave no valid answer")
        }
    }

    /// The problem for a connector's failure.
    static func problem(for failure: ConnectorFailure, connector: String) -> APIProblem {
        switch failure.code {
        case .invalidInput:
            return APIProblem(400, "invalid_subject", "connector '\(connector)' refused the subject's attributes")
        case .badResponse, .upstream:
            return APIProblem(502, "upstream_error", "the data provider behind '\(connector)' answered with an error")
        case .unsupported:
            return APIProblem(400, "claim_not_offered", "connector '\(connector)' cannot answer this request")
        case .state:
            return APIProblem(503, "connector_unavailable", "connector '\(connector)' is being replaced; retry")
        case .notFound, .noMemory, .host, .internal, .invalidResult, .invalidRequest, .unknownStatus:
            return APIProblem(502, "connector_error", "connector '\(connector)' failed (\(failure.code.rawValue))")
        }
    }

    static func categories(of claims: [String], in manifest: Manifest) -> [String] {
        let wanted = Set(claims)
        return Array(Set(manifest.claims.filter { wanted.contains($0.name) }.flatMap(\.dataCategories))).sorted()
    }

    static func seconds(_ duration: Duration) -> Double { duration.inSeconds }
}
