import PavilionCore

/// Maps a ``LineageGraph`` to OpenLineage 2-0-2 `RunEvent`s, the JSON that
/// lineage servers such as Marquez ingest.
///
/// The mapping (docs/lineage.md): the verification is a parent run of job
/// `verification.<connector>`; each stage node after the request is a child
/// run of job `verification.<connector>.<node id>` with a `parent` facet.
/// What a stage produced is a dataset named `verifications/<id>/<node id>`
/// in namespace ``datasetNamespace``, versioned by its digest; a stage's
/// inputs are its predecessors' datasets. Each run emits `START`, then
/// `COMPLETE`, or `FAIL` with an `errorMessage` facet holding a code.
/// Run ids are UUIDs derived from the verification and node ids, so
/// exporting the same graph twice gives the same events.
public struct OpenLineageExporter: Sendable {
    /// The `schemaURL` of every event.
    public static let schemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    /// The schema URL of the `pavilion_stage` run facet.
    public static let stageFacetSchemaURL = "urn:pavilion:openlineage:facets:1#/$defs/PavilionStageRunFacet"

    /// A URI naming this producer (e.g. the host's source at its version).
    public var producer: String
    /// The job namespace, e.g. `pavilion://broker.example`.
    public var jobNamespace: String
    /// The dataset namespace; ``jobNamespace`` unless set.
    public var datasetNamespace: String
    private let digester: ContentDigester

    /// - Parameters:
    ///   - producer: a URI naming the producer.
    ///   - jobNamespace: the namespace of the jobs.
    ///   - datasetNamespace: the namespace of the datasets; `jobNamespace` when `nil`.
    ///   - digester: SHA-256, to derive run ids (at least 16 bytes of output).
    public init(producer: String, jobNamespace: String, datasetNamespace: String? = nil, digester: ContentDigester) {
        precondition(digester.outputLength >= 16, "run ids need a digest of at least 16 bytes")
        self.producer = producer
        self.jobNamespace = jobNamespace
        self.datasetNamespace = datasetNamespace ?? jobNamespace
        self.digester = digester
    }

    /// The events for `graph`, in time order: the verification's `START`,
    /// each stage's `START` and `COMPLETE`/`FAIL`, the verification's end.
    /// - Parameter graph: a recorded graph.
    /// - Returns: RunEvent objects.
    public func events(for graph: LineageGraph) -> [JSONValue] {
        let parentJob = "verification.\(graph.connector)"
        let parentRun = runID(graph.verificationID, "")
        let byID = Dictionary(graph.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var predecessors: [String: [String]] = [:]
        for e in graph.edges { predecessors[e.to, default: []].append(e.from) }

        var events: [JSONValue] = []
        let requestInputs = graph.nodes.filter { $0.kind == .request }.map { dataset(graph, $0, input: true) }
        events.append(event("START", graph.startedAt, run: parentRun, runFacets: [:], job: parentJob,
                            jobType: "VERIFICATION", inputs: requestInputs, outputs: []))

        var end = graph.startedAt
        for node in graph.nodes where node.kind != .request {
            let start = node.startedAt ?? graph.startedAt
            let finish = start.advanced(by: .microseconds(node.durationMicroseconds ?? 0))
            end = max(end, finish)
            let run = runID(graph.verificationID, node.id)
            let inputs = (predecessors[node.id] ?? []).compactMap { byID[$0] }.map { p -> JSONValue in
                var d = dataset(graph, p, input: true)
                if case .quality(let report) = node.detail, var members = d.objectValue {
                    members["inputFacets"] = .object(["dataQualityAssertions": assertions(report)])
                    d = .object(members)
                }
                return d
            }
            let outputs = [dataset(graph, node, input: false)]
            var facets: [String: JSONValue] = [
                "parent": facet("https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet", [
                    "run": ["runId": .string(parentRun)],
                    "job": ["namespace": .string(jobNamespace), "name": .string(parentJob)],
                    "root": ["run": ["runId": .string(parentRun)], "job": ["namespace": .string(jobNamespace), "name": .string(parentJob)]],
                ]),
                "pavilion_stage": facet(Self.stageFacetSchemaURL, [
                    "kind": .string(node.kind.rawValue), "status": .string(node.status.rawValue), "detail": node.detail.json,
                ]),
            ]
            let job = "\(parentJob).\(node.id)"
            let jobType = node.kind.rawValue.uppercased()
            events.append(event("START", start, run: run, runFacets: ["parent": facets["parent"] ?? .null], job: job, jobType: jobType,
                                inputs: inputs, outputs: []))
            if node.status == .failed {
                facets["errorMessage"] = facet("https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet", [
                    "message": .string(Self.failureCode(node)), "programmingLanguage": "swift",
                ])
            }
            events.append(event(node.status == .failed ? "FAIL" : "COMPLETE", finish, run: run, runFacets: facets, job: job,
                                jobType: jobType, inputs: inputs, outputs: outputs))
        }

        let finals = graph.nodes.filter { n in !graph.edges.contains { $0.from == n.id } && n.kind != .request }
        var parentEnd: [String: JSONValue] = [:]
        if graph.status == .failed {
            let failed = graph.nodes.first { $0.status == .failed }
            parentEnd["errorMessage"] = facet("https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet", [
                "message": .string(failed.map { "\($0.id): \(Self.failureCode($0))" } ?? "failed"), "programmingLanguage": "swift",
            ])
        }
        events.append(event(graph.status == .failed ? "FAIL" : "COMPLETE", end, run: parentRun, runFacets: parentEnd, job: parentJob,
                            jobType: "VERIFICATION", inputs: requestInputs, outputs: finals.map { dataset(graph, $0, input: false) }))
        return events
    }

    // MARK: - Pieces

    func event(_ type: String, _ time: LineageTimestamp, run: String, runFacets: [String: JSONValue], job: String, jobType: String,
               inputs: [JSONValue], outputs: [JSONValue]) -> JSONValue {
        var runObject: [String: JSONValue] = ["runId": .string(run)]
        if !runFacets.isEmpty { runObject["facets"] = .object(runFacets) }
        return .object([
            "eventType": .string(type), "eventTime": .string(time.description), "producer": .string(producer),
            "schemaURL": .string(Self.schemaURL), "run": .object(runObject),
            "job": .object(["namespace": .string(jobNamespace), "name": .string(job), "facets": .object([
                "jobType": facet("https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet", [
                    "processingType": "BATCH", "integration": "PAVILION", "jobType": .string(jobType),
                ]),
            ])]),
            "inputs": .array(inputs), "outputs": .array(outputs),
        ])
    }

    func dataset(_ graph: LineageGraph, _ node: LineageNode, input: Bool) -> JSONValue {
        var facets: [String: JSONValue] = [:]
        if let digest = graph.digests.first(where: { $0.node == node.id })?.digest {
            facets["version"] = facet("https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
                                      ["datasetVersion": .string(digest.description)])
        }
        var d: [String: JSONValue] = ["namespace": .string(datasetNamespace), "name": .string("verifications/\(graph.verificationID)/\(node.id)")]
        if !facets.isEmpty { d["facets"] = .object(facets) }
        return .object(d)
    }

    func assertions(_ report: QualityReport) -> JSONValue {
        var list: [JSONValue] = []
        for d in QualityDimension.allCases where report.scores[d] != nil {
            let failing = report.reasons.filter { $0.dimension == d }
            list.append(["assertion": .string(d.rawValue), "success": .bool(failing.isEmpty)])
            for r in failing {
                for f in r.fields { list.append(["assertion": .string("\(d.rawValue).\(r.code)"), "success": false, "column": .string(f)]) }
            }
        }
        list.append(["assertion": "decision", "success": .bool(report.decision != .reject)])
        return facet("https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet",
                     ["assertions": .array(list)])
    }

    func facet(_ schemaURL: String, _ members: [String: JSONValue]) -> JSONValue {
        var m = members
        m["_producer"] = .string(producer)
        m["_schemaURL"] = .string(schemaURL)
        return .object(m)
    }

    /// A code for a failed stage; never a value.
    static func failureCode(_ node: LineageNode) -> String {
        switch node.detail {
        case .policyDecision(let p): return p.reasonCode ?? "denied"
        case .dpExchange(let x): return x.errorCode ?? x.httpStatus.map { "http_status_\($0)" } ?? "no_response"
        case .validation(let v): return "schema_violation: " + v.errors.prefix(5).map { "\($0.pointer.isEmpty ? "/" : $0.pointer) \($0.keyword)" }.joined(separator: "; ")
        case .quality(let q): return "quality_\(q.decision.rawValue)"
        default: return "failed"
        }
    }

    /// A UUID (version 8, RFC 9562) from the digest of the verification and node ids.
    func runID(_ verification: String, _ node: String) -> String {
        var b = Array(digester.digest(Array("pavilion-openlineage-run\u{0}\(verification)\u{0}\(node)".utf8)).hex.utf8)
        // Work on hex: set the version nibble to 8 and the variant to 10xx.
        b[12] = UInt8(ascii: "8")
        let variant = "89ab".utf8.map { $0 }
        let nibble = Int(b[16] >= 0x61 ? b[16] - 0x61 + 10 : b[16] - 0x30)
        b[16] = variant[nibble & 3]
        let hex = String(decoding: b.prefix(32), as: UTF8.self)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20).prefix(12)]
        return parts.joined(separator: "-")
    }
}
