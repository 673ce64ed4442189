import PavilionCore

extension LineageGraph {
    /// The graph as JSON: members sorted by the serialiser, nodes and edges in
    /// recorded order, so the same graph always has the same text.
    public var json: JSONValue {
        .object([
            "format": .string(Self.format),
            "verification_id": .string(verificationID),
            "connector": .string(connector),
            "connector_version": .string(connectorVersion),
            "started_at": .string(startedAt.description),
            "status": .string(status.rawValue),
            "nodes": .array(nodes.map(\.json)),
            "edges": .array(edges.map { .object(["from": .string($0.from), "to": .string($0.to), "relation": .string($0.relation.rawValue)]) }),
        ])
    }

    /// Read a graph ``json`` wrote.
    /// - Parameter json: the serialised graph.
    /// - Throws: ``LineageError``: `malformedGraph` for a wrong shape or
    ///   format, `duplicateNode`, `danglingEdge`, `invalidDigest`, `invalidTimestamp`.
    public init(json: JSONValue) throws(LineageError) {
        let r = Reader(json, "graph")
        guard try r.string("format") == Self.format else {
            throw LineageError(.malformedGraph, "graph: format is not \(Self.format)")
        }
        var nodes: [LineageNode] = []
        for (i, n) in try r.array("nodes").enumerated() { nodes.append(try LineageNode(json: n, at: "nodes[\(i)]")) }
        var edges: [LineageEdge] = []
        for (i, e) in try r.array("edges").enumerated() {
            let er = Reader(e, "edges[\(i)]")
            guard let relation = LineageEdge.Relation(rawValue: try er.string("relation")) else {
                throw LineageError(.malformedGraph, "edges[\(i)].relation: unknown relation")
            }
            edges.append(LineageEdge(from: try er.string("from"), to: try er.string("to"), relation: relation))
        }
        try self.init(verificationID: try r.string("verification_id"), connector: try r.string("connector"),
                      connectorVersion: try r.string("connector_version"), startedAt: try r.timestamp("started_at"),
                      nodes: nodes, edges: edges)
    }
}

extension LineageNode {
    /// The node as JSON; `detail` holds the kind's fields.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "kind": .string(kind.rawValue), "status": .string(status.rawValue)]
        if let startedAt { o["started_at"] = .string(startedAt.description) }
        if let durationMicroseconds { o["duration_us"] = .int(durationMicroseconds) }
        o["detail"] = detail.json
        return .object(o)
    }

    init(json: JSONValue, at path: String) throws(LineageError) {
        let r = Reader(json, path)
        guard let kind = Kind(rawValue: try r.string("kind")) else { throw LineageError(.malformedGraph, "\(path).kind: unknown kind") }
        guard let status = Status(rawValue: try r.string("status")) else { throw LineageError(.malformedGraph, "\(path).status: unknown status") }
        let startedAt = try r.optional("started_at") == nil ? nil : try r.timestamp("started_at")
        let duration = try r.optional("duration_us").map { v throws(LineageError) -> Int64 in
            guard let i = v.intValue, i >= 0 else { throw LineageError(.malformedGraph, "\(path).duration_us: expected a non-negative integer") }
            return i
        }
        let detail = try Detail(json: try r.value("detail"), kind: kind, at: path + ".detail")
        self.init(id: try r.string("id"), status: status, startedAt: startedAt, durationMicroseconds: duration, detail: detail)
    }
}

extension LineageNode.Detail {
    /// The kind's fields as JSON.
    public var json: JSONValue {
        func names(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
        func opt<T>(_ v: T?, _ f: (T) -> JSONValue) -> JSONValue { v.map(f) ?? .null }
        switch self {
        case .request(let x):
            return .object(["request_id": .string(x.requestID), "tenant": opt(x.tenant, JSONValue.string), "purpose": .string(x.purpose),
                            "requested_claims": names(x.requestedClaims), "subject_fields": names(x.subjectFields)])
        case .policyDecision(let x):
            return .object(["permitted": .bool(x.permitted), "lawful_basis": opt(x.lawfulBasis, JSONValue.string),
                            "region": opt(x.region, JSONValue.string), "allowed_regions": names(x.allowedRegions),
                            "reason_code": opt(x.reasonCode, JSONValue.string)])
        case .dpExchange(let x):
            return .object([
                "connector": .string(x.connector), "connector_version": .string(x.connectorVersion), "region": .string(x.region),
                "endpoint": .string(x.endpoint), "index": .int(Int64(x.index)), "http_status": opt(x.httpStatus) { .int(Int64($0)) },
                "response_digest": opt(x.responseDigest, \.json), "response_bytes": opt(x.responseBytes) { .int(Int64($0)) },
                "signature": opt(x.signature) { .object(["scheme": .string($0.scheme), "key_id": .string($0.keyID), "algorithm": .string($0.algorithm)]) },
                "error_code": opt(x.errorCode, JSONValue.string),
            ])
        case .validation(let x):
            return .object(["target": .string(x.target), "schema": .string(x.schema), "valid": .bool(x.valid),
                            "errors": .array(x.errors.map { .object(["pointer": .string($0.pointer), "keyword": .string($0.keyword)]) }),
                            "digest": opt(x.digest, \.json)])
        case .quality(let report):
            return report.json
        case .transform(let x):
            return .object(["step": x.step.json, "output_digest": opt(x.outputDigest, \.json)])
        case .minimisation(let x):
            return .object(["released": names(x.released), "withheld": names(x.withheld), "unavailable": names(x.unavailable),
                            "dropped": names(x.dropped)])
        case .claims(let x):
            return .object(["names": names(x.names), "digest": x.digest.json])
        case .credential(let x):
            return .object(["format": .string(x.format), "digest": x.digest.json])
        }
    }

    init(json: JSONValue, kind: LineageNode.Kind, at path: String) throws(LineageError) {
        let r = Reader(json, path)
        switch kind {
        case .request:
            self = .request(.init(requestID: try r.string("request_id"), tenant: try r.optionalString("tenant"), purpose: try r.string("purpose"),
                                  requestedClaims: try r.strings("requested_claims"), subjectFields: try r.strings("subject_fields")))
        case .policyDecision:
            self = .policyDecision(.init(permitted: try r.bool("permitted"), lawfulBasis: try r.optionalString("lawful_basis"),
                                         region: try r.optionalString("region"), allowedRegions: try r.strings("allowed_regions"),
                                         reasonCode: try r.optionalString("reason_code")))
        case .dpExchange:
            let signature = try r.optional("signature").map { v throws(LineageError) -> LineageNode.Signature in
                let s = Reader(v, path + ".signature")
                return .init(scheme: try s.string("scheme"), keyID: try s.string("key_id"), algorithm: try s.string("algorithm"))
            }
            self = .dpExchange(.init(connector: try r.string("connector"), connectorVersion: try r.string("connector_version"),
                                     region: try r.string("region"), endpoint: try r.string("endpoint"), index: try r.int("index"),
                                     httpStatus: try r.optionalInt("http_status"), responseDigest: try r.optionalDigest("response_digest"),
                                     responseBytes: try r.optionalInt("response_bytes"), signature: signature,
                                     errorCode: try r.optionalString("error_code")))
        case .validation:
            var failures: [LineageNode.Validation.Failure] = []
            for (i, e) in try r.array("errors").enumerated() {
                let er = Reader(e, "\(path).errors[\(i)]")
                failures.append(.init(pointer: try er.string("pointer"), keyword: try er.string("keyword")))
            }
            self = .validation(.init(target: try r.string("target"), schema: try r.string("schema"), errors: failures,
                                     digest: try r.optionalDigest("digest")))
        case .quality:
            self = .quality(try QualityReport(json: json))
        case .transform:
            let s = Reader(try r.value("step"), path + ".step")
            let outcome: TransformStepRecord.Outcome
            switch try s.string("outcome") {
            case "applied": outcome = .applied
            case "skipped": outcome = .skipped
            default: throw LineageError(.malformedGraph, "\(path).step.outcome: expected applied or skipped")
            }
            let step = TransformStepRecord(index: try s.int("index"), operation: try s.string("operation"), detail: try s.string("detail"),
                                           read: try s.strings("read"), wrote: try s.strings("wrote"), removed: try s.strings("removed"),
                                           outcome: outcome)
            self = .transform(.init(step: step, outputDigest: try r.optionalDigest("output_digest")))
        case .minimisation:
            self = .minimisation(.init(released: try r.strings("released"), withheld: try r.strings("withheld"),
                                       unavailable: try r.strings("unavailable"), dropped: try r.strings("dropped")))
        case .claims:
            self = .claims(.init(names: try r.strings("names"), digest: try ContentDigest(json: try r.value("digest"))))
        case .credential:
            self = .credential(.init(format: try r.string("format"), digest: try ContentDigest(json: try r.value("digest"))))
        }
    }
}

/// Typed reads of a JSON object with errors naming the member's path.
struct Reader {
    let members: [String: JSONValue]?
    let path: String

    init(_ value: JSONValue, _ path: String) {
        self.members = value.objectValue
        self.path = path
    }

    func fail(_ key: String, _ what: String) -> LineageError { LineageError(.malformedGraph, "\(path).\(key): expected \(what)") }

    func optional(_ key: String) throws(LineageError) -> JSONValue? {
        guard let members else { throw LineageError(.malformedGraph, "\(path): expected an object") }
        guard let v = members[key], v != .null else { return nil }
        return v
    }

    func value(_ key: String) throws(LineageError) -> JSONValue {
        guard let v = try optional(key) else { throw fail(key, "a value") }
        return v
    }

    func string(_ key: String) throws(LineageError) -> String {
        guard let s = try optional(key)?.stringValue else { throw fail(key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws(LineageError) -> String? {
        guard let v = try optional(key) else { return nil }
        guard let s = v.stringValue else { throw fail(key, "a string or null") }
        return s
    }

    func bool(_ key: String) throws(LineageError) -> Bool {
        guard let b = try optional(key)?.boolValue else { throw fail(key, "a Boolean") }
        return b
    }

    func int(_ key: String) throws(LineageError) -> Int {
        guard case .int(let i)? = try optional(key), let n = Int(exactly: i) else { throw fail(key, "an integer") }
        return n
    }

    func optionalInt(_ key: String) throws(LineageError) -> Int? {
        guard try optional(key) != nil else { return nil }
        return try int(key)
    }

    func array(_ key: String) throws(LineageError) -> [JSONValue] {
        guard let a = try optional(key)?.arrayValue else { throw fail(key, "an array") }
        return a
    }

    func strings(_ key: String) throws(LineageError) -> [String] {
        var out: [String] = []
        for v in try array(key) {
            guard let s = v.stringValue else { throw fail(key, "an array of strings") }
            out.append(s)
        }
        return out
    }

    func timestamp(_ key: String) throws(LineageError) -> LineageTimestamp {
        guard let t = LineageTimestamp.parse(try string(key)) else {
            throw LineageError(.invalidTimestamp, "\(path).\(key): expected an RFC 3339 date-time")
        }
        return t
    }

    func optionalDigest(_ key: String) throws(LineageError) -> ContentDigest? {
        guard let v = try optional(key) else { return nil }
        return try ContentDigest(json: v)
    }
}
