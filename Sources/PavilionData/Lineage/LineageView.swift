/// Self-contained HTML pages for people: a verification's lineage drawn as
/// SVG, and a connector's overview. Inline CSS and SVG only: no script, no
/// external font, image or style sheet. Every text is escaped.
public enum LineageView {
    // Layout, in SVG user units.
    static let nodeWidth = 158, nodeHeight = 70, columnGap = 26, rowGap = 20, margin = 16, labelLimit = 21, headLimit = 18

    /// The lineage page of one verification.
    /// - Parameters:
    ///   - graph: the recorded graph.
    ///   - title: the page title.
    /// - Returns: an HTML document.
    public static func html(for graph: LineageGraph, title: String) -> String {
        let columns = graph.stageColumns
        var rows: [Int: Int] = [:]
        var position: [String: (x: Int, y: Int)] = [:]
        for node in graph.nodes {
            let c = columns[node.id] ?? 0
            let r = rows[c, default: 0]
            rows[c] = r + 1
            position[node.id] = (margin + c * (nodeWidth + columnGap), margin + r * (nodeHeight + rowGap))
        }
        let width = margin * 2 + ((columns.values.max() ?? 0) + 1) * (nodeWidth + columnGap) - columnGap
        let height = margin * 2 + (rows.values.max() ?? 1) * (nodeHeight + rowGap) - rowGap

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lineage graph" viewBox="0 0 \(width) \(height)" \
            width="\(width)" height="\(height)">
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">\
            <path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>

            """
        let kinds = Dictionary(graph.nodes.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for edge in graph.edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let d: String
            if kinds[edge.from] == kinds[edge.to], a.x == b.x {
                d = "M\(a.x + nodeWidth / 2),\(a.y + nodeHeight) L\(b.x + nodeWidth / 2),\(b.y)"
            } else {
                let x1 = a.x + nodeWidth, y1 = a.y + nodeHeight / 2, x2 = b.x, y2 = b.y + nodeHeight / 2, mid = (x1 + x2) / 2
                d = "M\(x1),\(y1) C\(mid),\(y1) \(mid),\(y2) \(x2),\(y2)"
            }
            svg += "<path class=\"edge\" d=\"\(d)\" marker-end=\"url(#arrow)\"><title>\(escape("\(edge.from) \(edge.relation.rawValue) \(edge.to)"))</title></path>\n"
        }
        for node in graph.nodes {
            guard let p = position[node.id] else { continue }
            let lines = labels(node)
            svg += "<g class=\"node \(node.status.rawValue)\" id=\"node-\(escape(node.id))\"><title>\(escape(([node.id] + lines).joined(separator: "\n")))</title>"
            svg += "<rect x=\"\(p.x)\" y=\"\(p.y)\" width=\"\(nodeWidth)\" height=\"\(nodeHeight)\" rx=\"7\"/>"
            for (i, line) in lines.prefix(3).enumerated() {
                svg += "<text x=\"\(p.x + 8)\" y=\"\(p.y + 21 + i * 18)\"\(i == 0 ? " class=\"head\"" : "")>\(escape(truncate(line, limit: i == 0 ? headLimit : labelLimit)))</text>"
            }
            svg += "</g>\n"
        }
        svg += "</svg>"

        var table = "<table><thead><tr><th>node</th><th>kind</th><th>status</th><th>started</th><th>duration</th><th>details</th></tr></thead><tbody>\n"
        for node in graph.nodes {
            table += "<tr class=\"\(node.status.rawValue)\"><td><code>\(escape(node.id))</code></td><td>\(escape(kindName(node.kind)))</td>"
            table += "<td><span class=\"badge \(node.status.rawValue)\">\(node.status.rawValue)</span></td>"
            table += "<td>\(escape(node.startedAt?.description ?? "–"))</td><td>\(escape(node.durationMicroseconds.map(milliseconds) ?? "–"))</td>"
            table += "<td>\(escape(labels(node).dropFirst().joined(separator: " · ")))</td></tr>\n"
        }
        table += "</tbody></table>"

        return page(title: title, body: """
            <header><h1>\(escape(title))</h1>
            <p>verification <code>\(escape(graph.verificationID))</code> · connector <b>\(escape(graph.connector))</b> \
            \(escape(graph.connectorVersion)) · started \(escape(graph.startedAt.description)) · \
            <span class="badge \(graph.status.rawValue)">\(graph.status.rawValue)</span></p></header>
            \(legend())
            <div class="graph">\(svg)</div>
            <h2>Stages</h2>
            \(table)
            <footer>Digests identify the data; no value is stored here.</footer>
            """)
    }

    /// The overview page of one connector: outcomes, median durations and
    /// quality per period, from plain values.
    /// - Parameters:
    ///   - connector: the connector's name.
    ///   - summaries: one summary per period, in display order.
    /// - Returns: an HTML document.
    public static func overview(connector: String, summaries: [ConnectorPeriodSummary]) -> String {
        let outcomes = Array(Set(summaries.flatMap { $0.outcomes.keys })).sorted { outcomeRank($0, $1) }
        // Stacked bars: one per period.
        let barHeight = 22, labelWidth = 150, chartWidth = 700
        let maxTotal = max(1, summaries.map(\.total).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"outcomes per period\" width=\"\(labelWidth + chartWidth + 60)\" "
            + "height=\"\(max(1, summaries.count) * (barHeight + 8) + 8)\">"
        for (i, s) in summaries.enumerated() {
            let y = 4 + i * (barHeight + 8)
            svg += "<text x=\"0\" y=\"\(y + 16)\">\(escape(truncate(s.period, limit: 20)))</text>"
            var x = labelWidth
            for o in outcomes {
                let n = s.outcomes[o] ?? 0
                guard n > 0 else { continue }
                let w = max(1, n * chartWidth / maxTotal)
                svg += "<rect class=\"\(outcomeClass(o))\" x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight)\"><title>\(escape("\(o): \(n)"))</title></rect>"
                x += w
            }
            svg += "<text x=\"\(x + 6)\" y=\"\(y + 16)\">\(s.total)</text>"
        }
        svg += "</svg>"

        var head = "<tr><th>period</th><th>total</th>"
        for o in outcomes { head += "<th>\(escape(o))</th>" }
        head += "<th>median exchange</th><th>median total</th><th>quality (mean)</th>"
        for d in QualityDimension.allCases { head += "<th>\(d.rawValue)</th>" }
        head += "<th>accept / flag / reject</th></tr>"
        var rows = ""
        for s in summaries {
            rows += "<tr><td>\(escape(s.period))</td><td>\(s.total)</td>"
            for o in outcomes { rows += "<td>\(s.outcomes[o] ?? 0)</td>" }
            rows += "<td>\(s.medianExchangeMilliseconds.map { format($0) + " ms" } ?? "–")</td>"
            rows += "<td>\(s.medianTotalMilliseconds.map { format($0) + " ms" } ?? "–")</td>"
            rows += "<td>\(s.quality?.meanOverall.map(format) ?? "–")</td>"
            for d in QualityDimension.allCases { rows += "<td>\(s.quality?.mean(d).map(format) ?? "–")</td>" }
            let dec = s.quality?.decisions ?? [:]
            rows += "<td>\(dec[.accept] ?? 0) / \(dec[.flag] ?? 0) / \(dec[.reject] ?? 0)</td></tr>\n"
        }
        let legendItems = outcomes.map { "<span class=\"swatch \(outcomeClass($0))\"></span>\(escape($0))" }.joined(separator: " ")
        return page(title: "Connector \(connector)", body: """
            <header><h1>Connector <b>\(escape(connector))</b></h1><p>\(summaries.count) period(s)</p></header>
            <div class="legend">\(legendItems)</div>
            <div class="graph">\(svg)</div>
            <h2>Per period</h2>
            <table><thead>\(head)</thead><tbody>\(rows)</tbody></table>
            """)
    }

    // MARK: - Labels

    static func labels(_ node: LineageNode) -> [String] {
        switch node.detail {
        case .request(let r):
            return ["Request", "purpose \(r.purpose)", "\(r.requestedClaims.count) claim(s): \(r.requestedClaims.joined(separator: ", "))"]
        case .policyDecision(let p):
            return ["Policy: \(p.permitted ? "permit" : "deny")", p.region.map { "region \($0)" } ?? (p.reasonCode ?? "no region"),
                    p.lawfulBasis.map { "basis \($0)" } ?? ""]
        case .dpExchange(let x):
            var second = x.region
            if let s = x.httpStatus { second += " · HTTP \(s)" }
            if let d = node.durationMicroseconds { second += " · \(milliseconds(d))" }
            if let e = x.errorCode { second += " · \(e)" }
            return ["DP exchange #\(x.index)", second, x.responseDigest.map { "\($0.algorithm) \($0.abbreviated(10))" } ?? "no response",
                    "\(x.connector) \(x.connectorVersion)", x.endpoint] + (x.signature.map { ["signed \($0.scheme) by \($0.keyID)"] } ?? [])
        case .validation(let v):
            return ["Validation (\(v.target))", v.schema, v.valid ? "valid" : "\(v.errors.count) error(s): "
                        + v.errors.map { $0.pointer.isEmpty ? "/" : $0.pointer }.joined(separator: ", ")]
        case .quality(let q):
            let lowest = q.scores.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }
            return ["Quality: \(q.decision.rawValue)", "overall \(format(q.overall))",
                    lowest.map { "lowest \($0.key.rawValue) \(format($0.value))" } ?? "nothing scored"]
                + q.reasons.map(\.description)
        case .transform(let t):
            let s = t.step
            let op = s.detail.isEmpty ? s.operation : "\(s.operation) \(s.detail)"
            let fields = s.outcome == .skipped ? "skipped: \(s.read.joined(separator: ", ")) absent"
                : s.read.joined(separator: ", ") + (s.wrote.isEmpty ? "" : " → " + s.wrote.joined(separator: ", "))
                    + (s.removed.isEmpty ? "" : " (removed \(s.removed.joined(separator: ", ")))")
            return ["Transform [\(s.index)]", op, fields] + (t.outputDigest.map { ["output \($0.algorithm) \($0.abbreviated(10))"] } ?? [])
        case .minimisation(let m):
            return ["Minimisation", "\(m.released.count) released, \(m.dropped.count) dropped",
                    m.withheld.isEmpty ? "none withheld" : "withheld: \(m.withheld.joined(separator: ", "))",
                    "released: \(m.released.joined(separator: ", "))", "dropped: \(m.dropped.joined(separator: ", "))"]
        case .claims(let c):
            return ["Claims", c.names.isEmpty ? "none" : c.names.joined(separator: ", "), "\(c.digest.algorithm) \(c.digest.abbreviated(10))"]
        case .credential(let c):
            return ["Credential", c.format, "\(c.digest.algorithm) \(c.digest.abbreviated(10))"]
        }
    }

    static func kindName(_ kind: LineageNode.Kind) -> String {
        switch kind {
        case .request: return "request"
        case .policyDecision: return "policy decision"
        case .dpExchange: return "DP exchange"
        case .validation: return "validation"
        case .quality: return "quality"
        case .transform: return "transform"
        case .minimisation: return "minimisation"
        case .claims: return "claims"
        case .credential: return "credential"
        }
    }

    static func legend() -> String {
        let items = LineageNode.Status.allCases.map { s -> String in
            let meaning: String
            switch s {
            case .ok: meaning = "ok"
            case .flagged: meaning = "flagged for review"
            case .failed: meaning = "failed or refused"
            case .skipped: meaning = "skipped"
            }
            return "<span class=\"swatch \(s.rawValue)\"></span>\(meaning)"
        }
        return "<div class=\"legend\" aria-label=\"legend\">\(items.joined(separator: " "))</div>"
    }

    // MARK: - Text

    /// HTML-escape `text` for element content and quoted attribute values.
    /// - Parameter text: any text.
    /// - Returns: the text with `& < > " '` replaced by references.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func truncate(_ s: String, limit: Int = labelLimit) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func milliseconds(_ micros: Int64) -> String {
        micros < 10_000 ? format(Double(micros) / 1000) + " ms" : "\(micros / 1000) ms"
    }

    static func format(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int64(r)) : String(r)
    }

    static func outcomeRank(_ a: String, _ b: String) -> Bool {
        let order = ["completed", "not_found", "denied", "failed"]
        let i = order.firstIndex(of: a) ?? order.count, j = order.firstIndex(of: b) ?? order.count
        return i != j ? i < j : a < b
    }

    static func outcomeClass(_ o: String) -> String {
        switch o {
        case "completed": return "ok"
        case "not_found": return "skipped"
        case "denied": return "flagged"
        default: return "failed"
        }
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 20px; color: #1d1d1f; background: #fafafa; }
        h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; }
        header p { margin: 0 0 10px; color: #444; }
        .graph { overflow-x: auto; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 6px; }
        .graph svg { max-width: 100%; height: auto; display: block; }
        svg text { font: 12.5px system-ui, "DejaVu Sans", sans-serif; fill: #222; }
        svg text.head { font-weight: 700; font-size: 14px; }
        .node rect { stroke-width: 2; }
        .node.ok rect, rect.ok { fill: #e8f5e9; stroke: #2e7d32; }
        .node.flagged rect, rect.flagged { fill: #fff4e0; stroke: #b26a00; }
        .node.failed rect, rect.failed { fill: #fdecea; stroke: #c62828; }
        .node.skipped rect, rect.skipped { fill: #f1f1f1; stroke: #8a8a8a; stroke-dasharray: 5 3; }
        .edge { fill: none; stroke: #555; stroke-width: 1.5; }
        .legend { margin: 8px 0; color: #333; } .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; margin: 0 5px -2px 12px; border: 2px solid; }
        .swatch.ok { background: #e8f5e9; border-color: #2e7d32; } .swatch.flagged { background: #fff4e0; border-color: #b26a00; }
        .swatch.failed { background: #fdecea; border-color: #c62828; } .swatch.skipped { background: #f1f1f1; border-color: #8a8a8a; border-style: dashed; }
        .badge { padding: 1px 7px; border-radius: 9px; font-size: 12px; border: 1px solid; }
        .badge.ok { background: #e8f5e9; border-color: #2e7d32; } .badge.flagged { background: #fff4e0; border-color: #b26a00; }
        .badge.failed { background: #fdecea; border-color: #c62828; } .badge.skipped { background: #f1f1f1; border-color: #8a8a8a; }
        table { border-collapse: collapse; background: #fff; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; } td:nth-child(4), td:nth-child(5) { white-space: nowrap; } code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
        footer { margin-top: 12px; color: #666; font-size: 12px; }
        </style></head>
        <body>
        \(body)
        </body></html>

        """
    }
}
