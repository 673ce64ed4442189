import PavilionCore

/// The lineage of one verification: each stage as a node, edges from what
/// a stage used to the stage that used it. Built by ``LineageRecorder``;
/// serialised with ``json`` and read back with ``init(json:)``.
///
/// It holds ids, names, codes, scores and digests, never a subject
/// attribute, a DP's data or a claim value.
public struct LineageGraph: Sendable, Hashable {
    /// The `format` member of the serialised graph.
    public static let format = "pavilion.lineage/1"

    /// The verification's id.
    public var verificationID: String
    /// The connector that answered.
    public var connector: String
    /// Its version.
    public var connectorVersion: String
    /// When the verification started.
    public var startedAt: LineageTimestamp
    /// Nodes in the order they were recorded.
    public var nodes: [LineageNode]
    /// Edges in the order they were recorded.
    public var edges: [LineageEdge]

    /// - Parameters: the fields above.
    /// - Throws: ``LineageError`` `duplicateNode` or `danglingEdge`.
    public init(verificationID: String, connector: String, connectorVersion: String, startedAt: LineageTimestamp,
                nodes: [LineageNode], edges: [LineageEdge]) throws(LineageError) {
        var seen = Set<String>()
        for node in nodes where !seen.insert(node.id).inserted {
            throw LineageError(.duplicateNode, "node id '\(node.id)' is used twice")
        }
        for edge in edges where !seen.contains(edge.from) || !seen.contains(edge.to) || edge.from == edge.to {
            throw LineageError(.danglingEdge, "edge \(edge.from) → \(edge.to) does not join two distinct nodes of the graph")
        }
        self.init(unchecked: verificationID, connector: connector, connectorVersion: connectorVersion, startedAt: startedAt,
                  nodes: nodes, edges: edges)
    }

    /// A graph the caller knows to be consistent (``LineageRecorder`` adds
    /// only distinct ids and edges between recorded nodes), without checking.
    init(unchecked verificationID: String, connector: String, connectorVersion: String, startedAt: LineageTimestamp,
         nodes: [LineageNode], edges: [LineageEdge]) {
        self.verificationID = verificationID
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.startedAt = startedAt
        self.nodes = nodes
        self.edges = edges
    }

    /// The node with `id`.
    /// - Parameter id: a node id.
    /// - Returns: the node, or `nil`.
    public func node(_ id: String) -> LineageNode? { nodes.first { $0.id == id } }

    /// Nodes of `kind`, in recorded order.
    /// - Parameter kind: the kind.
    /// - Returns: the nodes.
    public func nodes(of kind: LineageNode.Kind) -> [LineageNode] { nodes.filter { $0.kind == kind } }

    /// How the verification ended: `failed` if any stage failed, else
    /// `flagged` if any was flagged, else `ok`.
    public var status: LineageNode.Status {
        if nodes.contains(where: { $0.status == .failed }) { return .failed }
        if nodes.contains(where: { $0.status == .flagged }) { return .flagged }
        return .ok
    }

    /// Every digest in the graph with the id of the node holding it.
    public var digests: [(node: String, digest: ContentDigest)] {
        nodes.flatMap { node -> [(node: String, digest: ContentDigest)] in
            let found: [ContentDigest?]
            switch node.detail {
            case .dpExchange(let x): found = [x.responseDigest]
            case .validation(let v): found = [v.digest]
            case .transform(let t): found = [t.outputDigest]
            case .claims(let c): found = [c.digest]
            case .credential(let c): found = [c.digest]
            case .request, .policyDecision, .quality, .minimisation: found = []
            }
            return found.compactMap { $0 }.map { (node.id, $0) }
        }
    }

    /// The column of each node when drawn left to right: the longest path
    /// from a source, where an edge between two nodes of the same kind
    /// (exchange → exchange, transform → transform) stays in its column.
    public var stageColumns: [String: Int] {
        var column: [String: Int] = [:]
        var incoming: [String: [LineageEdge]] = [:]
        for e in edges { incoming[e.to, default: []].append(e) }
        let kinds = Dictionary(nodes.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        // Nodes are recorded after what they use, so one pass in order suffices;
        // a later-recorded source is handled by the fixed-point loop.
        for _ in 0..<max(1, nodes.count) {
            var changed = false
            for node in nodes {
                var c = 0
                for e in incoming[node.id] ?? [] {
                    let base = column[e.from] ?? 0
                    c = max(c, kinds[e.from] == node.kind ? base : base + 1)
                }
                if column[node.id] != c {
                    column[node.id] = c
                    changed = true
                }
            }
            if !changed { break }
        }
        return column
    }
}
