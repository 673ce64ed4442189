import PavilionCore

/// The compact stored form of a graph, `pavilion.lineage/2` (docs/lineage.md):
/// one JSON object with short members in a fixed order, each node a flat
/// array (kind and status as small integers, times as millisecond offsets
/// from the graph's start, the detail's fields by position), digests as
/// `"<algorithm index>:<hex>"` against one table of algorithm names, and
/// edges only when they are not the chain the node order implies.
extension LineageGraph {
    /// The `f` member of the compact stored form.
    public static let compactFormat = "pavilion.lineage/2"

    /// Node kinds by their code in the compact form (the index). Append only.
    static let compactKinds: [LineageNode.Kind] = [.request, .policyDecision, .dpExchange, .validation, .quality, .transform,
                                                   .minimisation, .claims, .credential]
    /// Node statuses by their code in the compact form (the index). Append only.
    static let compactStatuses: [LineageNode.Status] = [.ok, .flagged, .failed, .skipped]

    /// Whether ``edges`` are exactly one edge from each node to the next,
    /// with the relation ``LineageRecorder`` gives such an edge; the compact
    /// form then leaves them out.
    var edgesFollowNodeOrder: Bool {
        guard edges.count == max(0, nodes.count - 1) else { return false }
        for i in edges.indices {  // by index, so no node is copied
            guard edges[i].from == nodes[i].id, edges[i].to == nodes[i + 1].id,
                  edges[i].relation == LineageRecorder.relation(from: nodes[i].kind, to: nodes[i + 1].kind) else { return false }
        }
        return true
    }

    /// The graph in the compact stored form `pavilion.lineage/2`, written
    /// straight to bytes. The same graph always gives the same bytes;
    /// ``init(stored:)`` reads it back to an equal graph.
    public var compactBytes: [UInt8] {
        var w = LineageJSONWriter()
        w.out.reserveCapacity(160 + nodes.count * 112)
        var algorithms: [String] = []
        w.raw(#"{"f":"pavilion.lineage/2","id":"#)
        w.string(verificationID)
        w.raw(#","c":"#)
        w.string(connector)
        w.raw(#","cv":"#)
        w.string(connectorVersion)
        w.raw(#","t0":"#)
        w.integer(startedAt.millisecondsSinceEpoch)
        w.raw(#","n":["#)
        for n in nodes.indices {
            if n > 0 { w.comma() }
            w.compactNode(nodes[n], in: self, algorithms: &algorithms)  // by index: no copy of the node
        }
        w.byte(UInt8(ascii: "]"))
        if !edgesFollowNodeOrder {
            var index: [String: Int] = [:]
            for (i, node) in nodes.enumerated() { index[node.id] = i }
            w.raw(#","e":["#)
            for (n, e) in edges.enumerated() {
                if n > 0 { w.comma() }
                w.byte(UInt8(ascii: "["))
                w.integer(Int64(index[e.from] ?? -1))
                w.comma()
                w.integer(Int64(index[e.to] ?? -1))
                w.comma()
                w.string(e.relation.rawValue)
                w.byte(UInt8(ascii: "]"))
            }
            w.byte(UInt8(ascii: "]"))
        }
        w.raw(#","a":"#)
        w.names(algorithms)
        w.byte(UInt8(ascii: "}"))
        return w.out
    }

    /// Read a stored graph in either format: `pavilion.lineage/2`
    /// (``compactBytes``) or `pavilion.lineage/1` (``json``).
    /// - Parameter bytes: the stored artifact's body.
    /// - Throws: ``LineageError``: `malformedGraph` for text that is not
    ///   JSON, a wrong shape or format, `duplicateNode`, `danglingEdge`,
    ///   `invalidDigest`, `invalidTimestamp`.
    public init(stored bytes: [UInt8]) throws(LineageError) {
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch {
            throw LineageError(.malformedGraph, "the stored graph is not JSON (\(error))")
        }
        if json["f"] != nil {
            try self.init(compact: json)
        } else {
            try self.init(json: json)
        }
    }

    /// Read a graph in the compact form.
    /// - Parameter json: the parsed ``compactBytes``.
    /// - Throws: ``LineageError`` as ``init(stored:)``.
    public init(compact json: JSONValue) throws(LineageError) {
        let r = Reader(json, "graph")
        guard try r.string("f") == Self.compactFormat else {
            throw LineageError(.malformedGraph, "graph.f: format is not \(Self.compactFormat)")
        }
        let connector = try r.string("c"), connectorVersion = try r.string("cv")
        guard case .int(let t0)? = try r.optional("t0") else { throw r.fail("t0", "an integer (milliseconds since 1970)") }
        let algorithms = try r.strings("a")
        var nodes: [LineageNode] = []
        for (i, n) in try r.array("n").enumerated() {
            var f = try CompactFields(n, "graph.n[\(i)]")
            nodes.append(try f.node(t0: t0, connector: connector, connectorVersion: connectorVersion, algorithms: algorithms))
        }
        var edges: [LineageEdge] = []
        if let stored = try r.optional("e") {
            guard let list = stored.arrayValue else { throw r.fail("e", "an array") }
            for (i, e) in list.enumerated() {
                var f = try CompactFields(e, "graph.e[\(i)]")
                let from = try f.index(nodes.count), to = try f.index(nodes.count)
                guard let relation = LineageEdge.Relation(rawValue: try f.string()) else {
                    throw LineageError(.malformedGraph, "graph.e[\(i)][2]: unknown relation")
                }
                try f.end()
                edges.append(LineageEdge(from: nodes[from].id, to: nodes[to].id, relation: relation))
            }
        } else if nodes.count > 1 {
            for i in 1..<nodes.count {
                edges.append(LineageEdge(from: nodes[i - 1].id, to: nodes[i].id,
                                         relation: LineageRecorder.relation(from: nodes[i - 1].kind, to: nodes[i].kind)))
            }
        }
        try self.init(verificationID: try r.string("id"), connector: connector, connectorVersion: connectorVersion,
                      startedAt: LineageTimestamp(millisecondsSinceEpoch: t0), nodes: nodes, edges: edges)
    }
}

// MARK: - Writing

extension LineageJSONWriter {
    /// `[kind, id, status, t, duration, detail…]`.
    mutating func compactNode(_ node: LineageNode, in graph: LineageGraph, algorithms: inout [String]) {
        byte(UInt8(ascii: "["))
        integer(Self.code(node.kind))
        comma()
        string(node.id)
        comma()
        integer(Self.code(node.status))
        comma()
        // Wrapping arithmetic: any two instants round-trip exactly, none traps.
        if let t = node.startedAt { integer(t.millisecondsSinceEpoch &- graph.startedAt.millisecondsSinceEpoch) } else { raw("null") }
        comma()
        if let d = node.durationMicroseconds { integer(d) } else { raw("null") }
        switch node.detail {
        case .request(let x):
            comma()
            string(x.requestID)
            comma()
            optionalString(x.tenant)
            comma()
            string(x.purpose)
            comma()
            names(x.requestedClaims)
            comma()
            names(x.subjectFields)
        case .policyDecision(let x):
            raw(x.permitted ? ",true," : ",false,")
            optionalString(x.lawfulBasis)
            comma()
            optionalString(x.region)
            comma()
            names(x.allowedRegions)
            comma()
            optionalString(x.reasonCode)
        case .dpExchange(let x):
            comma()
            optionalString(x.connector == graph.connector ? nil : x.connector)
            comma()
            optionalString(x.connectorVersion == graph.connectorVersion ? nil : x.connectorVersion)
            comma()
            string(x.region)
            comma()
            string(x.endpoint)
            comma()
            integer(Int64(x.index))
            comma()
            optionalInteger(x.httpStatus)
            comma()
            compactDigest(x.responseDigest, &algorithms)
            comma()
            optionalInteger(x.responseBytes)
            comma()
            if let s = x.signature {
                names([s.scheme, s.keyID, s.algorithm])
            } else {
                raw("null")
            }
            comma()
            optionalString(x.errorCode)
        case .validation(let x):
            comma()
            string(x.target)
            comma()
            string(x.schema)
            comma()
            compactDigest(x.digest, &algorithms)
            raw(",[")
            for (n, e) in x.errors.enumerated() {
                if n > 0 { comma() }
                names([e.pointer, e.keyword])
            }
            byte(UInt8(ascii: "]"))
        case .quality(let q):
            comma()
            JSONValue.double(QualityReport.round(q.overall)).serialize(into: &out)
            comma()
            string(q.decision.rawValue)
            raw(",[")
            for (n, s) in q.scores.sorted(by: { $0.key.rawValue < $1.key.rawValue }).enumerated() {
                if n > 0 { comma() }
                byte(UInt8(ascii: "["))
                string(s.key.rawValue)
                comma()
                JSONValue.double(QualityReport.round(s.value)).serialize(into: &out)
                byte(UInt8(ascii: "]"))
            }
            raw("],[")
            for (n, reason) in q.reasons.enumerated() {
                if n > 0 { comma() }
                byte(UInt8(ascii: "["))
                string(reason.dimension.rawValue)
                comma()
                string(reason.code)
                comma()
                names(reason.fields)
                comma()
                string(reason.detail)
                byte(UInt8(ascii: "]"))
            }
            byte(UInt8(ascii: "]"))
        case .transform(let x):
            comma()
            integer(Int64(x.step.index))
            comma()
            string(x.step.operation)
            comma()
            string(x.step.detail)
            comma()
            names(x.step.read)
            comma()
            names(x.step.wrote)
            comma()
            names(x.step.removed)
            raw(x.step.outcome == .applied ? #","applied","# : #","skipped","#)
            compactDigest(x.outputDigest, &algorithms)
        case .minimisation(let x):
            comma()
            names(x.released)
            comma()
            names(x.withheld)
            comma()
            names(x.unavailable)
            comma()
            names(x.dropped)
        case .claims(let x):
            comma()
            names(x.names)
            comma()
            compactDigest(x.digest, &algorithms)
        case .credential(let x):
            comma()
            string(x.format)
            comma()
            compactDigest(x.digest, &algorithms)
        }
        byte(UInt8(ascii: "]"))
    }

    /// The index of `kind` in ``LineageGraph/compactKinds``.
    static func code(_ kind: LineageNode.Kind) -> Int64 {
        switch kind {
        case .request: return 0
        case .policyDecision: return 1
        case .dpExchange: return 2
        case .validation: return 3
        case .quality: return 4
        case .transform: return 5
        case .minimisation: return 6
        case .claims: return 7
        case .credential: return 8
        }
    }

    /// The index of `status` in ``LineageGraph/compactStatuses``.
    static func code(_ status: LineageNode.Status) -> Int64 {
        switch status {
        case .ok: return 0
        case .flagged: return 1
        case .failed: return 2
        case .skipped: return 3
        }
    }

    /// `"<index into algorithms>:<hex>"`, adding the algorithm on first use; `null` for none.
    mutating func compactDigest(_ d: ContentDigest?, _ algorithms: inout [String]) {
        guard let d else { return raw("null") }
        let index: Int
        if let known = algorithms.firstIndex(of: d.algorithm) {
            index = known
        } else {
            index = algorithms.count
            algorithms.append(d.algorithm)
        }
        out.append(UInt8(ascii: "\""))
        appendDecimal(Int64(index))
        out.append(UInt8(ascii: ":"))
        var hex = d.hex  // lowercase hex: nothing to escape
        hex.withUTF8 { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    mutating func comma() { byte(UInt8(ascii: ",")) }

    mutating func optionalInteger(_ i: Int?) {
        if let i { integer(Int64(i)) } else { raw("null") }
    }
}

// MARK: - Reading

/// Positional reads of one compact array, with errors naming the position.
struct CompactFields {
    let items: [JSONValue]
    let path: String
    var next = 0

    init(_ value: JSONValue, _ path: String) throws(LineageError) {
        guard let items = value.arrayValue else { throw LineageError(.malformedGraph, "\(path): expected an array") }
        self.items = items
        self.path = path
    }

    func fail(_ at: Int, _ what: String) -> LineageError { LineageError(.malformedGraph, "\(path)[\(at)]: expected \(what)") }

    /// The next item, or `nil` for JSON null.
    mutating func optional() throws(LineageError) -> JSONValue? {
        guard next < items.count else { throw LineageError(.malformedGraph, "\(path): too few items (\(items.count))") }
        let item = items[next]
        next += 1
        // Not a ternary: JSONValue is ExpressibleByNilLiteral, so `nil` there would be `.null`.
        if case .null = item { return Optional<JSONValue>.none }
        return item
    }

    mutating func string() throws(LineageError) -> String {
        guard let s = try optional()?.stringValue else { throw fail(next - 1, "a string") }
        return s
    }

    mutating func optionalString() throws(LineageError) -> String? {
        guard let v = try optional() else { return nil }
        guard let s = v.stringValue else { throw fail(next - 1, "a string or null") }
        return s
    }

    mutating func int64() throws(LineageError) -> Int64 {
        guard case .int(let i)? = try optional() else { throw fail(next - 1, "an integer") }
        return i
    }

    mutating func int() throws(LineageError) -> Int {
        guard let i = Int(exactly: try int64()) else { throw fail(next - 1, "an integer") }
        return i
    }

    mutating func optionalInt() throws(LineageError) -> Int? {
        guard let v = try optional() else { return nil }
        guard case .int(let i) = v, let n = Int(exactly: i) else { throw fail(next - 1, "an integer or null") }
        return n
    }

    mutating func bool() throws(LineageError) -> Bool {
        guard let b = try optional()?.boolValue else { throw fail(next - 1, "a Boolean") }
        return b
    }

    mutating func double() throws(LineageError) -> Double {
        guard let d = try optional()?.doubleValue else { throw fail(next - 1, "a number") }
        return d
    }

    mutating func array() throws(LineageError) -> [JSONValue] {
        guard let a = try optional()?.arrayValue else { throw fail(next - 1, "an array") }
        return a
    }

    mutating func strings() throws(LineageError) -> [String] {
        var out: [String] = []
        for v in try array() {
            guard let s = v.stringValue else { throw fail(next - 1, "an array of strings") }
            out.append(s)
        }
        return out
    }

    /// A node index below `count`.
    mutating func index(_ count: Int) throws(LineageError) -> Int {
        let i = try int()
        guard (0..<count).contains(i) else { throw LineageError(.danglingEdge, "\(path)[\(next - 1)]: no node \(i)") }
        return i
    }

    mutating func optionalDigest(_ algorithms: [String]) throws(LineageError) -> ContentDigest? {
        guard let v = try optional() else { return nil }
        guard let text = v.stringValue, let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")),
              let n = Int(text[..<colon]), algorithms.indices.contains(n)
        else { throw LineageError(.invalidDigest, "\(path)[\(next - 1)]: expected \"<algorithm index>:<hex>\" or null") }
        do { return try ContentDigest(algorithm: algorithms[n], hex: String(text[text.index(after: colon)...])) } catch {
            throw LineageError(.invalidDigest, "\(path)[\(next - 1)]: \(error.reason)")
        }
    }

    mutating func digest(_ algorithms: [String]) throws(LineageError) -> ContentDigest {
        guard let d = try optionalDigest(algorithms) else { throw fail(next - 1, "a digest") }
        return d
    }

    /// Refuse items left over.
    func end() throws(LineageError) {
        guard next == items.count else { throw LineageError(.malformedGraph, "\(path): \(items.count) items, expected \(next)") }
    }

    /// `[kind, id, status, t, duration, detail…]`.
    mutating func node(t0: Int64, connector: String, connectorVersion: String, algorithms: [String]) throws(LineageError) -> LineageNode {
        let kindCode = try int()
        guard LineageGraph.compactKinds.indices.contains(kindCode) else { throw fail(0, "a node kind code (0…8)") }
        let kind = LineageGraph.compactKinds[kindCode]
        let id = try string()
        let statusCode = try int()
        guard LineageGraph.compactStatuses.indices.contains(statusCode) else { throw fail(2, "a status code (0…3)") }
        var startedAt: LineageTimestamp?
        if let v = try optional() {
            guard case .int(let offset) = v else { throw fail(3, "an integer offset in milliseconds or null") }
            startedAt = LineageTimestamp(millisecondsSinceEpoch: t0 &+ offset)
        }
        var duration: Int64?
        if let v = try optional() {
            guard case .int(let d) = v, d >= 0 else { throw fail(4, "a non-negative integer or null") }
            duration = d
        }
        let detail: LineageNode.Detail
        switch kind {
        case .request:
            detail = .request(.init(requestID: try string(), tenant: try optionalString(), purpose: try string(),
                                    requestedClaims: try strings(), subjectFields: try strings()))
        case .policyDecision:
            detail = .policyDecision(.init(permitted: try bool(), lawfulBasis: try optionalString(), region: try optionalString(),
                                           allowedRegions: try strings(), reasonCode: try optionalString()))
        case .dpExchange:
            let name = try optionalString() ?? connector
            let version = try optionalString() ?? connectorVersion
            let region = try string(), endpoint = try string(), index = try int(), status = try optionalInt()
            let digest = try optionalDigest(algorithms), bytes = try optionalInt()
            var signature: LineageNode.Signature?
            if let v = try optional() {
                guard let s = v.arrayValue?.compactMap(\.stringValue), s.count == 3, v.arrayValue?.count == 3 else {
                    throw fail(next - 1, "[scheme, key id, algorithm] or null")
                }
                signature = .init(scheme: s[0], keyID: s[1], algorithm: s[2])
            }
            detail = .dpExchange(.init(connector: name, connectorVersion: version, region: region, endpoint: endpoint, index: index,
                                       httpStatus: status, responseDigest: digest, responseBytes: bytes, signature: signature,
                                       errorCode: try optionalString()))
        case .validation:
            let target = try string(), schema = try string(), digest = try optionalDigest(algorithms)
            var failures: [LineageNode.Validation.Failure] = []
            for (i, e) in try array().enumerated() {
                var f = try CompactFields(e, "\(path)[\(next - 1)][\(i)]")
                failures.append(.init(pointer: try f.string(), keyword: try f.string()))
                try f.end()
            }
            detail = .validation(.init(target: target, schema: schema, errors: failures, digest: digest))
        case .quality:
            let overall = try double()
            guard let decision = QualityDecision(rawValue: try string()) else { throw fail(next - 1, "accept, flag or reject") }
            var scores: [QualityDimension: Double] = [:]
            for (i, s) in try array().enumerated() {
                var f = try CompactFields(s, "\(path)[\(next - 1)][\(i)]")
                guard let dimension = QualityDimension(rawValue: try f.string()) else { throw f.fail(0, "a quality dimension") }
                scores[dimension] = try f.double()
                try f.end()
            }
            var reasons: [QualityReason] = []
            for (i, s) in try array().enumerated() {
                var f = try CompactFields(s, "\(path)[\(next - 1)][\(i)]")
                guard let dimension = QualityDimension(rawValue: try f.string()) else { throw f.fail(0, "a quality dimension") }
                reasons.append(QualityReason(dimension: dimension, code: try f.string(), fields: try f.strings(), detail: try f.string()))
                try f.end()
            }
            detail = .quality(QualityReport(scores: scores, overall: overall, decision: decision, reasons: reasons))
        case .transform:
            let index = try int(), operation = try string(), variant = try string()
            let read = try strings(), wrote = try strings(), removed = try strings()
            let outcome: TransformStepRecord.Outcome
            switch try string() {
            case "applied": outcome = .applied
            case "skipped": outcome = .skipped
            default: throw fail(next - 1, "applied or skipped")
            }
            detail = .transform(.init(step: TransformStepRecord(index: index, operation: operation, detail: variant, read: read,
                                                                wrote: wrote, removed: removed, outcome: outcome),
                                      outputDigest: try optionalDigest(algorithms)))
        case .minimisation:
            detail = .minimisation(.init(released: try strings(), withheld: try strings(), unavailable: try strings(),
                                         dropped: try strings()))
        case .claims:
            detail = .claims(.init(names: try strings(), digest: try digest(algorithms)))
        case .credential:
            detail = .credential(.init(format: try string(), digest: try digest(algorithms)))
        }
        try end()
        return LineageNode(id: id, status: LineageGraph.compactStatuses[statusCode], startedAt: startedAt, durationMicroseconds: duration,
                           detail: detail)
    }
}
