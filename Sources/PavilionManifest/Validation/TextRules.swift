/// The text patterns a manifest's strings must follow. Each mirrors a
/// `pattern` in `docs/manifest.schema.json`.
enum TextRules {
    private static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isAlpha(_ c: UInt8) -> Bool { isLower(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) }

    /// `^[a-z][a-z0-9-]{0,62}$`: connector and region names.
    static func isName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, isLower(first), u.count <= 63 else { return false }
        return u.dropFirst().allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// `^[a-z][a-z0-9_]{0,63}$`: claim names and purposes.
    static func isIdentifier(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, isLower(first), u.count <= 64 else { return false }
        return u.dropFirst().allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// `^[a-z][a-z0-9_-]{0,63}$`: secret names.
    static func isSecretName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, isLower(first), u.count <= 64 else { return false }
        return u.dropFirst().allSatisfy {
            isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `^[0-9a-f]{64}$`.
    static func isSHA256(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return u.count == 64 && u.allSatisfy { isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }

    /// `^[A-Za-z0-9+/]{43}=$`: a base64 SHA-256 of a SubjectPublicKeyInfo.
    static func isSPKIPin(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 44, u.last == UInt8(ascii: "=") else { return false }
        return u.dropLast().allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") }
    }

    /// Semantic Versioning 2.0.0 (`1.0.0`, `2.1.0-rc.1+build.5`).
    static func isSemVer(_ s: String) -> Bool {
        var rest = Substring(s)
        var build: Substring?
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...]
            rest = rest[..<plus]
        }
        var pre: Substring?
        if let dash = rest.firstIndex(of: "-") {
            pre = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy(isNumericIdentifier) else { return false }
        if let pre {
            let parts = pre.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ isNumericIdentifier($0) || isAlphanumericIdentifier($0) }) else { return false }
        }
        if let build {
            let parts = build.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isIdentifierChar) }) else { return false }
        }
        return true
    }

    private static func isIdentifierChar(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") }

    /// `0|[1-9][0-9]*`
    private static func isNumericIdentifier(_ s: Substring) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, u.allSatisfy(isDigit) else { return false }
        return u.count == 1 || first != UInt8(ascii: "0")
    }

    /// `[0-9]*[A-Za-z-][0-9A-Za-z-]*`
    private static func isAlphanumericIdentifier(_ s: Substring) -> Bool {
        let u = Array(s.utf8)
        return !u.isEmpty && u.allSatisfy(isIdentifierChar) && u.contains { !isDigit($0) }
    }

    /// An ISO 8601 duration with whole-number components:
    /// `P[nY][nM][nW][nD][T[nH][nM][nS]]`, at least one component, and at
    /// least one after `T` when `T` is written (`P90D`, `P1Y`, `PT12H`).
    static func isDuration(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.first == UInt8(ascii: "P"), u.count > 1 else { return false }
        var i = 1
        var components = 0
        func read(_ designators: [UInt8]) -> Bool {
            var order = 0
            while i < u.count, isDigit(u[i]) {
                var j = i
                while j < u.count, isDigit(u[j]) { j += 1 }
                guard j < u.count, let k = designators[order...].firstIndex(of: u[j]) else { return false }
                order = k + 1
                components += 1
                i = j + 1
            }
            return true
        }
        guard read(Array("YMWD".utf8)) else { return false }
        if i < u.count {
            guard u[i] == UInt8(ascii: "T") else { return false }
            i += 1
            let before = components
            guard read(Array("HMS".utf8)), components > before else { return false }
        }
        return i == u.count && components > 0
    }

    /// Whether `s` is an endpoint base URL: `https://host[:port][/path]`,
    /// or `http://` to a loopback host (`127.0.0.1`, `localhost`, `[::1]`).
    /// No user info, query or fragment; the port is 1–65535.
    static func endpointProblem(_ s: String) -> String? {
        let secure = s.hasPrefix("https://")
        guard secure || s.hasPrefix("http://") else { return "must start with https://" }
        let rest = s.dropFirst(secure ? 8 : 7)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        if path.unicodeScalars.contains(where: { $0 == "?" || $0 == "#" || $0.properties.isWhitespace }) {
            return "must be a base URL without query, fragment or spaces"
        }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "has an unterminated IPv6 address" }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "has a malformed host" }
                port = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.utf8.allSatisfy({ isDigit($0) || isAlpha($0) && ($0 | 0x20) <= UInt8(ascii: "f")
                || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else { return "has a malformed IPv6 address" }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        if let port {
            let u = Array(port.utf8)
            guard !u.isEmpty, u.count <= 5, u.allSatisfy(isDigit), u.first != UInt8(ascii: "0"),
                  let value = Int(port), value <= 65535 else { return "has an invalid port" }
        }
        if !host.hasPrefix("[") {
            let u = Array(host.utf8)
            guard let first = u.first, let last = u.last, isAlpha(first) || isDigit(first), isAlpha(last) || isDigit(last),
                  u.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
            else { return "has a malformed host" }
        }
        if !secure, !["127.0.0.1", "localhost", "[::1]"].contains(String(host)) {
            return "uses http:// to a host that is not loopback (127.0.0.1, localhost, [::1]); use https://"
        }
        return nil
    }
}
