import PavilionCore

/// Builds a verification's ``LineageGraph`` as the pipeline runs: one call
/// per stage, each adding a node and the edges from what it used.
///
/// ```swift
/// var lineage = LineageRecorder(verificationID: id, connector: m.name, connectorVersion: m.version,
///                               startedAt: LineageTimestamp(Date()), digester: .sha256 { DigestAlgorithm.sha256.hash($0) })
/// lineage.recordRequest(requestID: rid, tenant: tenant, purpose: purpose, requestedClaims: claims, subject: subject, at: t0)
/// lineage.recordPolicyDecision(permitted: true, lawfulBasis: "consent", region: "eu", allowedRegions: ["eu"], at: t1)
/// lineage.recordExchange(region: "eu", endpoint: url, index: 0, httpStatus: 200, responseBody: body, at: t2, duration: d)
/// …
/// let graph = lineage.graph
/// ```
///
/// What it is given is reduced at once: a subject to its field names, a
/// response body or an intermediate result to its digest, validation
/// errors to pointers and keywords. No value is kept.
///
/// Edges: each stage follows the previous one; an exchange follows the
/// previous exchange of the same connector, or else the stage before the
/// first exchange, so exchanges with several DPs branch and the next stage
/// joins them. Pass `after:` to say otherwise. A value type: one per
/// verification, used by one task.
public struct LineageRecorder: Sendable {
    /// Digests DP response bodies (plain SHA-256, so anyone holding the
    /// stored response can check it).
    public let responseDigester: ContentDigester
    /// Digests intermediate results (validated record, transformed record,
    /// claims, credential); pass a keyed digester so small values cannot be
    /// recovered by trying candidates.
    public let intermediateDigester: ContentDigester

    private var verificationID: String
    private var connector: String
    private var connectorVersion: String
    private var startedAt: LineageTimestamp
    private var nodes: [LineageNode] = []
    private var edges: [LineageEdge] = []
    private var frontier: [String] = []
    private var exchangeOrigin: [String]?
    /// The last exchange of each connector, in the order of their first exchange.
    private var lastExchange: [(connector: String, id: String)] = []
    private var exchangeCount = 0
    private var transformCount = 0

    /// - Parameters:
    ///   - verificationID: the verification's id.
    ///   - connector: the answering connector's name.
    ///   - connectorVersion: its version.
    ///   - startedAt: when the request arrived.
    ///   - digester: digests response bodies (SHA-256).
    ///   - intermediateDigester: digests intermediate results; `digester` when `nil`.
    public init(verificationID: String, connector: String, connectorVersion: String, startedAt: LineageTimestamp,
                digester: ContentDigester, intermediateDigester: ContentDigester? = nil) {
        self.verificationID = verificationID
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.startedAt = startedAt
        self.responseDigester = digester
        self.intermediateDigester = intermediateDigester ?? digester
        nodes.reserveCapacity(12)  // a verification has 6 to 16 stages: one allocation, not four
        edges.reserveCapacity(12)
    }

    /// The graph so far.
    public var graph: LineageGraph {
        // The recorder only adds distinct ids (uniqueID) and edges between
        // recorded nodes (add skips unknown ones), so there is nothing to check.
        LineageGraph(unchecked: verificationID, connector: connector, connectorVersion: connectorVersion, startedAt: startedAt,
                     nodes: nodes, edges: edges)
    }

    // MARK: - Stages

    /// The relying party's request.
    /// - Parameters:
    ///   - requestID: the request id.
    ///   - tenant: the tenant id.
    ///   - purpose: the declared purpose.
    ///   - requestedClaims: claim names asked for.
    ///   - subject: the subject; only its top-level field names are kept.
    ///   - at: when it arrived.
    /// - Returns: the node id.
    @discardableResult
    public mutating func recordRequest(requestID: String, tenant: String?, purpose: String, requestedClaims: Set<String>,
                                       subject: JSONValue, at: LineageTimestamp) -> String {
        let fields = subject.objectValue.map { Array($0.keys) } ?? []
        return add("request", .ok, at, nil,
                   .request(.init(requestID: requestID, tenant: tenant, purpose: purpose, requestedClaims: Array(requestedClaims),
                                  subjectFields: fields)), after: [])
    }

    /// The policy's decision.
    /// - Parameters:
    ///   - permitted: whether the request may proceed.
    ///   - lawfulBasis: the basis it rests on.
    ///   - region: the region chosen.
    ///   - allowedRegions: regions allowed, in order.
    ///   - reasonCode: why it was denied.
    ///   - at: when it was decided.
    ///   - after: the nodes it follows; the previous stage when `nil`.
    /// - Returns: the node id.
    @discardableResult
    public mutating func recordPolicyDecision(permitted: Bool, lawfulBasis: String?, region: String?, allowedRegions: [String],
                                              reasonCode: String? = nil, at: LineageTimestamp, after: [String]? = nil) -> String {
        add("policy", permitted ? .ok : .failed, at, nil,
            .policyDecision(.init(permitted: permitted, lawfulBasis: lawfulBasis, region: region, allowedRegions: allowedRegions,
                                  reasonCode: reasonCode)), after: after)
    }

    /// One HTTP round with a DP.
    /// - Parameters:
    ///   - connector: the connector's name; this recorder's when `nil`.
    ///   - connectorVersion: its version; this recorder's when `nil`.
    ///   - region: the endpoint's region.
    ///   - endpoint: the region's base URL; user info, query and fragment are dropped.
    ///   - index: 0-based round index within the exchange.
    ///   - httpStatus: the status, or `nil` when none arrived.
    ///   - responseBody: the body as received; only its digest and length are kept.
    ///   - known: the body's digest if the caller already made it (the
    ///     integrity check); used when its algorithm is this recorder's.
    ///   - signature: the verified DP signature, if the DP signs.
    ///   - errorCode: an error code when the round failed.
    ///   - at: when it started.
    ///   - duration: how long it took.
    ///   - after: the nodes it follows.
    /// - Returns: the node id (`exchange.N`).
    @discardableResult
    public mutating func recordExchange(connector: String? = nil, connectorVersion: String? = nil, region: String, endpoint: String,
                                        index: Int, httpStatus: Int?, responseBody: [UInt8]?, responseDigest known: ContentDigest? = nil,
                                        signature: VerifiedResponseSignature? = nil,
                                        errorCode: String? = nil, at: LineageTimestamp, duration: Duration?, after: [String]? = nil) -> String {
        // A digest the caller already made of the same body (the integrity
        // check's) is reused when it is of this recorder's algorithm.
        let digest = known.flatMap { $0.algorithm == responseDigester.algorithm ? $0 : nil } ?? responseBody.map(responseDigester.digest)
        let name = connector ?? self.connector
        if exchangeOrigin == nil { exchangeOrigin = frontier }
        let slot = lastExchange.firstIndex { $0.connector == name }
        let previous = after ?? slot.map { [lastExchange[$0].id] } ?? exchangeOrigin ?? frontier
        let ok = errorCode == nil && httpStatus != nil
        let detail = LineageNode.DPExchange(
            connector: name, connectorVersion: connectorVersion ?? (name == self.connector ? self.connectorVersion : ""),
            region: region, endpoint: Self.sanitise(endpoint), index: index, httpStatus: httpStatus,
            responseDigest: digest, responseBytes: responseBody?.count,
            signature: signature.map { .init(scheme: $0.scheme.rawValue, keyID: $0.keyID, algorithm: $0.algorithm) },
            errorCode: errorCode)
        let id = add(Self.numbered("exchange.", &exchangeCount), ok ? .ok : .failed, at, duration, .dpExchange(detail), after: previous)
        if let slot { lastExchange[slot].id = id } else { lastExchange.append((name, id)) }
        frontier = lastExchange.map(\.id)
        return id
    }

    /// A schema validation.
    /// - Parameters:
    ///   - target: `input` (the subject) or `output` (the DP's result).
    ///   - schema: the schema's name or `$id`.
    ///   - document: the validated document; only its digest is kept.
    ///   - errors: the validator's errors; only pointers and keywords are kept.
    ///   - at: when it ran.
    ///   - duration: how long it took.
    ///   - after: the nodes it follows.
    /// - Returns: the node id (`validation.input`, `validation.output`, …).
    @discardableResult
    public mutating func recordValidation(target: String, schema: String, document: JSONValue, errors: [ValidationError],
                                          at: LineageTimestamp, duration: Duration? = nil, after: [String]? = nil) -> String {
        var failures: [LineageNode.Validation.Failure] = []
        if !errors.isEmpty {
            var seen = Set<LineageNode.Validation.Failure>()
            failures = errors.map { LineageNode.Validation.Failure(pointer: $0.instanceLocation, keyword: $0.keyword) }
                .filter { seen.insert($0).inserted }
        }
        let base = "validation." + Self.idSafe(target)
        return add(uniqueID(base), failures.isEmpty ? .ok : .failed, at, duration,
                   .validation(.init(target: target, schema: schema, errors: failures, digest: intermediateDigester.digest(document))),
                   after: after)
    }

    /// A quality report.
    /// - Parameters:
    ///   - report: the scorer's report (names and scores only).
    ///   - at: when it was scored.
    ///   - after: the nodes it follows.
    /// - Returns: the node id (`quality`).
    @discardableResult
    public mutating func recordQuality(_ report: QualityReport, at: LineageTimestamp, after: [String]? = nil) -> String {
        let status: LineageNode.Status
        switch report.decision {
        case .accept: status = .ok
        case .flag: status = .flagged
        case .reject: status = .failed
        }
        return add(uniqueID("quality"), status, at, nil, .quality(report), after: after)
    }

    /// A transform program's run: one node per step, chained.
    /// - Parameters:
    ///   - result: the run's result; its output is kept only as a digest, on the last step.
    ///   - at: when it ran.
    ///   - duration: how long the whole run took (recorded on the first step).
    ///   - after: the nodes the first step follows.
    /// - Returns: the node ids, in step order.
    @discardableResult
    public mutating func recordTransforms(_ result: TransformResult, at: LineageTimestamp, duration: Duration? = nil,
                                          after: [String]? = nil) -> [String] {
        var ids: [String] = []
        for (n, step) in result.steps.enumerated() {
            let digest = n == result.steps.count - 1 ? intermediateDigester.digest(result.output) : nil
            ids.append(add(Self.numbered("transform.", &transformCount), step.outcome == .applied ? .ok : .skipped, at, n == 0 ? duration : nil,
                           .transform(.init(step: step, outputDigest: digest)), after: n == 0 ? after : [ids[n - 1]]))
        }
        return ids
    }

    /// Minimisation and the claims it released: two nodes.
    /// - Parameters:
    ///   - result: the minimiser's result; the claims are kept as names and a digest.
    ///   - at: when it ran.
    ///   - after: the nodes it follows.
    /// - Returns: the ids of the minimisation and claims nodes.
    @discardableResult
    public mutating func recordMinimisation(_ result: MinimisationResult, at: LineageTimestamp,
                                            after: [String]? = nil) -> (minimisation: String, claims: String) {
        let released = (result.claims.objectValue.map { Array($0.keys) } ?? []).sorted()
        let m = add("minimisation", .ok, at, nil,
                    .minimisation(.init(released: released, withheld: result.withheld, unavailable: result.unavailable,
                                        dropped: result.dropped)), after: after)
        let c = add("claims", .ok, at, nil, .claims(.init(names: released, digest: intermediateDigester.digest(result.claims))), after: [m])
        return (m, c)
    }

    /// The issued credential.
    /// - Parameters:
    ///   - format: its format.
    ///   - credential: its bytes as issued; only the digest is kept.
    ///   - at: when it was signed.
    ///   - after: the nodes it follows.
    /// - Returns: the node id (`credential`).
    @discardableResult
    public mutating func recordCredential(format: String, credential: [UInt8], at: LineageTimestamp, after: [String]? = nil) -> String {
        add("credential", .ok, at, nil, .credential(.init(format: format, digest: intermediateDigester.digest(credential))), after: after)
    }

    // MARK: - Helpers

    private mutating func add(_ id: String, _ status: LineageNode.Status, _ at: LineageTimestamp, _ duration: Duration?,
                              _ detail: LineageNode.Detail, after: [String]?) -> String {
        let id = uniqueID(id)
        let micros = duration.map { d -> Int64 in
            let (s, atto) = d.components
            return max(0, s * 1_000_000 + atto / 1_000_000_000_000)
        }
        for from in after ?? frontier {
            guard let kind = kind(of: from) else { continue }
            edges.append(LineageEdge(from: from, to: id, relation: Self.relation(from: kind, to: detail.kind)))
        }
        nodes.append(LineageNode(id: id, status: status, startedAt: at, durationMicroseconds: micros, detail: detail))
        frontier = [id]
        return id
    }

    /// The kind of the recorded node `id` (a graph has a dozen nodes: a
    /// scan from the newest is cheaper than hashing into a dictionary).
    private func kind(of id: String) -> LineageNode.Kind? {
        for node in nodes.reversed() where node.id == id { return node.kind }
        return nil
    }

    /// `prefix` and the counter's value, which then goes up by one.
    private static func numbered(_ prefix: String, _ counter: inout Int) -> String {
        defer { counter += 1 }
        return prefix + String(counter)
    }

    private func uniqueID(_ base: String) -> String {
        guard kind(of: base) != nil else { return base }
        var n = 2
        while kind(of: base + "." + String(n)) != nil { n += 1 }
        return base + "." + String(n)
    }

    static func relation(from: LineageNode.Kind?, to: LineageNode.Kind) -> LineageEdge.Relation {
        if from == to { return .followed }
        switch to {
        case .request, .policyDecision: return .decided
        case .dpExchange: return .permitted
        case .validation: return .validated
        case .quality: return .scored
        case .transform: return .transformed
        case .minimisation: return .minimised
        case .claims: return .released
        case .credential: return .issued
        }
    }

    static func idSafe(_ s: String) -> String {
        // The usual target (`input`, `output`) is already safe: no per-character work.
        if !s.isEmpty, s.utf8.allSatisfy({ Self.isIDByte($0) }) { return s }
        return String(s.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" ? Character($0) : "_" })
    }

    /// An ASCII letter, digit, `_` or `-`.
    private static func isIDByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D
    }

    /// The URL without user info, query or fragment. It scans UTF-8 bytes
    /// (every delimiter is ASCII) and returns `endpoint` itself, uncopied,
    /// when there is nothing to drop, as for every configured base URL.
    static func sanitise(_ endpoint: String) -> String {
        var text = endpoint
        let plain = text.withUTF8 { bytes in
            !bytes.contains { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "@") }
        }
        if plain { return endpoint }  // the usual base URL: nothing to drop
        let u = endpoint.utf8
        let end = u.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? u.endIndex
        var i = u.startIndex
        var authorityStart: String.Index?
        while i < end {
            if u[i] == UInt8(ascii: ":") {
                let a = u.index(after: i)
                if a < end, u[a] == UInt8(ascii: "/") {
                    let b = u.index(after: a)
                    if b < end, u[b] == UInt8(ascii: "/") {
                        authorityStart = u.index(after: b)
                        break
                    }
                }
            }
            i = u.index(after: i)
        }
        if let authorityStart {
            var j = authorityStart
            var at: String.Index?
            while j < end, u[j] != UInt8(ascii: "/") {
                if u[j] == UInt8(ascii: "@") { at = j }
                j = u.index(after: j)
            }
            if let at { return String(endpoint[..<authorityStart]) + String(endpoint[u.index(after: at)..<end]) }
        }
        return end == u.endIndex ? endpoint : String(endpoint[..<end])
    }
}
