import PavilionCore

extension LineageGraph {
    /// The graph's JSON text, byte for byte `json.serializedBytes`, written
    /// directly: members in the serialiser's key order, no intermediate
    /// `JSONValue` tree. The host stores one per verification, so this is on
    /// the request path (`LineageSerializationTests` checks the two agree).
    public var serializedBytes: [UInt8] {
        var w = LineageJSONWriter()
        w.out.reserveCapacity(512 + nodes.count * 320)
        w.raw(#"{"connector":"#)
        w.string(connector)
        w.raw(#","connector_version":"#)
        w.string(connectorVersion)
        w.raw(#","edges":["#)
        for (n, e) in edges.enumerated() {
            if n > 0 { w.raw(",") }
            w.raw(#"{"from":"#)
            w.string(e.from)
            w.raw(#","relation":"#)
            w.string(e.relation.rawValue)
            w.raw(#","to":"#)
            w.string(e.to)
            w.raw("}")
        }
        w.raw(#"],"format":"#)
        w.string(Self.format)
        w.raw(#","nodes":["#)
        for (n, node) in nodes.enumerated() {
            if n > 0 { w.raw(",") }
            w.node(node)
        }
        w.raw(#"],"started_at":"#)
        w.string(startedAt.description)
        w.raw(#","status":"#)
        w.string(status.rawValue)
        w.raw(#","verification_id":"#)
        w.string(verificationID)
        w.raw("}")
        return w.out
    }
}

/// Writes lineage JSON with keys in `JSONValue`'s order (UTF-16 code
/// units; all keys here are ASCII, so byte order).
struct LineageJSONWriter {
    var out: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// One byte of punctuation (cheaper than a one-character ``raw(_:)``).
    @inline(__always)
    mutating func byte(_ b: UInt8) { out.append(b) }

    /// `s` as a JSON string: its UTF-8 copied in one piece when nothing
    /// needs escaping (ids, names, digests), else `JSONValue`'s escaping.
    mutating func string(_ s: String) {
        var text = s
        let plain = text.withUTF8 { bytes -> Bool in
            for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { JSONValue.string(s).serialize(into: &out) }
    }

    mutating func optionalString(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    mutating func integer(_ i: Int64) { appendDecimal(i) }

    /// `i` in decimal, without making a `String`: most significant digit
    /// first, so nothing is reversed or copied.
    mutating func appendDecimal(_ i: Int64) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        let v = i.magnitude
        var scale: UInt64 = 1
        while scale <= v / 10 { scale &*= 10 }
        while scale > 0 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v / scale % 10))
            scale /= 10
        }
    }

    mutating func names(_ list: [String]) {
        raw("[")
        for (n, name) in list.enumerated() {
            if n > 0 { raw(",") }
            string(name)
        }
        raw("]")
    }

    mutating func digest(_ d: ContentDigest?) {
        guard let d else { return raw("null") }
        raw(#"{"algorithm":"#)
        string(d.algorithm)
        raw(#","hex":"#)
        string(d.hex)
        raw("}")
    }

    mutating func node(_ node: LineageNode) {
        raw(#"{"detail":"#)
        detail(node.detail)
        if let duration = node.durationMicroseconds {
            raw(#","duration_us":"#)
            integer(duration)
        }
        raw(#","id":"#)
        string(node.id)
        raw(#","kind":"#)
        string(node.kind.rawValue)
        if let startedAt = node.startedAt {
            raw(#","started_at":"#)
            string(startedAt.description)
        }
        raw(#","status":"#)
        string(node.status.rawValue)
        raw("}")
    }

    mutating func detail(_ detail: LineageNode.Detail) {
        switch detail {
        case .request(let x):
            raw(#"{"purpose":"#)
            string(x.purpose)
            raw(#","request_id":"#)
            string(x.requestID)
            raw(#","requested_claims":"#)
            names(x.requestedClaims)
            raw(#","subject_fields":"#)
            names(x.subjectFields)
            raw(#","tenant":"#)
            optionalString(x.tenant)
            raw("}")
        case .policyDecision(let x):
            raw(#"{"allowed_regions":"#)
            names(x.allowedRegions)
            raw(#","lawful_basis":"#)
            optionalString(x.lawfulBasis)
            raw(x.permitted ? #","permitted":true"# : #","permitted":false"#)
            raw(#","reason_code":"#)
            optionalString(x.reasonCode)
            raw(#","region":"#)
            optionalString(x.region)
            raw("}")
        case .dpExchange(let x):
            raw(#"{"connector":"#)
            string(x.connector)
            raw(#","connector_version":"#)
            string(x.connectorVersion)
            raw(#","endpoint":"#)
            string(x.endpoint)
            raw(#","error_code":"#)
            optionalString(x.errorCode)
            raw(#","http_status":"#)
            if let status = x.httpStatus { integer(Int64(status)) } else { raw("null") }
            raw(#","index":"#)
            integer(Int64(x.index))
            raw(#","region":"#)
            string(x.region)
            raw(#","response_bytes":"#)
            if let bytes = x.responseBytes { integer(Int64(bytes)) } else { raw("null") }
            raw(#","response_digest":"#)
            digest(x.responseDigest)
            raw(#","signature":"#)
            if let s = x.signature {
                raw(#"{"algorithm":"#)
                string(s.algorithm)
                raw(#","key_id":"#)
                string(s.keyID)
                raw(#","scheme":"#)
                string(s.scheme)
                raw("}")
            } else {
                raw("null")
            }
            raw("}")
        case .validation(let x):
            raw(#"{"digest":"#)
            digest(x.digest)
            raw(#","errors":["#)
            for (n, e) in x.errors.enumerated() {
                if n > 0 { raw(",") }
                raw(#"{"keyword":"#)
                string(e.keyword)
                raw(#","pointer":"#)
                string(e.pointer)
                raw("}")
            }
            raw(#"],"schema":"#)
            string(x.schema)
            raw(#","target":"#)
            string(x.target)
            raw(x.valid ? #","valid":true}"# : #","valid":false}"#)
        case .minimisation(let x):
            raw(#"{"dropped":"#)
            names(x.dropped)
            raw(#","released":"#)
            names(x.released)
            raw(#","unavailable":"#)
            names(x.unavailable)
            raw(#","withheld":"#)
            names(x.withheld)
            raw("}")
        case .claims(let x):
            raw(#"{"digest":"#)
            digest(x.digest)
            raw(#","names":"#)
            names(x.names)
            raw("}")
        case .credential(let x):
            raw(#"{"digest":"#)
            digest(x.digest)
            raw(#","format":"#)
            string(x.format)
            raw("}")
        case .quality, .transform:
            // Rarer stages: their nested reports go through JSONValue.
            detail.json.serialize(into: &out)
        }
    }
}
