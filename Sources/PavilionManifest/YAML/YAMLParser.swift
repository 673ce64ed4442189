import PavilionCore

/// Turns manifest bytes into a ``YAMLNode`` tree, refusing what a manifest
/// has no use for and what could hurt the host.
///
/// Refused, each with a position: files over ``Limits/maxBytes``, invalid
/// UTF-8, syntax errors (libyaml's message), more than one document, anchors
/// and aliases (no billion laughs), tags other than the YAML core ones,
/// duplicate mapping keys, non-scalar keys, and nesting deeper than
/// ``Limits/maxDepth``.
struct YAMLParser: Sendable {
    /// Bounds the parser enforces.
    struct Limits: Sendable {
        /// Largest file accepted (1 MiB).
        var maxBytes = 1 << 20
        /// Deepest sequence/mapping nesting accepted.
        var maxDepth = 64
    }

    /// The file name used in diagnostics.
    var file: String
    var limits = Limits()

    /// Parse one document.
    /// - Parameter bytes: the file's bytes.
    /// - Returns: the root node, or `nil` when the file holds no document
    ///   (empty or only comments).
    /// - Throws: ``ManifestError`` with every problem found.
    func parse(_ bytes: [UInt8]) throws(ManifestError) -> YAMLNode? {
        guard bytes.count <= limits.maxBytes else {
            throw error(at: SourceLocation(file: file, line: 1, column: 1),
                        "file is \(bytes.count) bytes; a manifest may be at most \(limits.maxBytes) bytes (1 MiB)")
        }
        if let bad = UTF8Position.firstInvalid(in: bytes) {
            throw error(at: SourceLocation(file: file, line: bad.line, column: bad.column), "invalid UTF-8")
        }
        var builder = YAMLTreeBuilder(file: file, maxDepth: limits.maxDepth)
        do {
            try LibYAML.parse(bytes) { builder.feed($0) }
        } catch {
            // A syntax error ends the parse; problems found before it still count.
            let syntax = Diagnostic(location(of: error, in: bytes), syntaxMessage(error))
            throw ManifestError(diagnostics: builder.diagnostics + [syntax])
        }
        guard builder.diagnostics.isEmpty else { throw ManifestError(diagnostics: builder.diagnostics) }
        return builder.root
    }

    private func error(at location: SourceLocation, _ message: String) -> ManifestError {
        ManifestError(diagnostics: [Diagnostic(location, message)])
    }

    private func syntaxMessage(_ e: YAMLSyntaxError) -> String {
        if let context = e.context { return "YAML syntax error: \(e.problem) \(context)" }
        return "YAML syntax error: \(e.problem)"
    }

    private func location(of e: YAMLSyntaxError, in bytes: [UInt8]) -> SourceLocation {
        if let mark = e.mark { return SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1) }
        if let offset = e.offset {
            let p = UTF8Position.position(ofByte: offset, in: bytes)
            return SourceLocation(file: file, line: p.line, column: p.column)
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }
}
