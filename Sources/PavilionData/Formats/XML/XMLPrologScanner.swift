/// The checks made on raw XML bytes before the parser sees them: size,
/// UTF-8, a UTF-8-only encoding declaration, and no document type
/// declaration.
///
/// FoundationXML's parser on Linux neither reports entity declarations
/// to its delegate nor refuses them; it expands internal entities
/// silently. Refusing `<!DOCTYPE` up front, before parsing, is what keeps
/// entity expansion and external entities out: without a DTD no entity
/// can be declared, and a reference to one (`&xxe;`) is a syntax error.
enum XMLPrologScanner {
    static func check(_ bytes: [UInt8], maxBytes: Int) throws(XMLDataError) {
        guard bytes.count <= maxBytes else {
            throw XMLDataError(.tooLarge, "document of \(bytes.count) bytes exceeds the limit of \(maxBytes)", line: 1, column: 1)
        }
        try checkUTF8(bytes)
        try checkProlog(bytes)
    }

    /// Every byte well-formed UTF-8, else the position of the first bad one.
    static func checkUTF8(_ bytes: [UInt8]) throws(XMLDataError) {
        var validator = UTF8Validator()
        var line = 1, column = 0
        for byte in bytes {
            let midSequence = !validator.isComplete
            switch validator.step(byte) {
            case .lead: column += 1
            case .continuation: break
            case .invalid:
                throw XMLDataError(.invalidUTF8, "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true)); documents must be UTF-8",
                                   line: line, column: midSequence ? column : column + 1)
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
            }
        }
        guard validator.isComplete else {
            throw XMLDataError(.invalidUTF8, "document ends inside a UTF-8 sequence", line: line, column: column)
        }
    }

    /// Walk the prolog (XML declaration, comments, processing instructions,
    /// white space) up to the root element, refusing a DOCTYPE and a
    /// non-UTF-8 encoding declaration.
    static func checkProlog(_ bytes: [UInt8]) throws(XMLDataError) {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        func position(_ offset: Int) -> (Int, Int) {
            var line = 1, column = 1
            for b in bytes[..<offset] {
                if b == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if b & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return (line, column)
        }
        func skip(past terminator: [UInt8]) -> Bool {
            var j = i
            while j + terminator.count <= bytes.count {
                if bytes[j..<(j + terminator.count)].elementsEqual(terminator) {
                    i = j + terminator.count
                    return true
                }
                j += 1
            }
            return false
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                i += 1
                continue
            }
            let rest = bytes[i...]
            if rest.starts(with: Array("<?xml".utf8)) {
                let start = i
                guard skip(past: Array("?>".utf8)) else { return }
                try checkEncoding(Array(bytes[start..<i]), at: position(start))
            } else if rest.starts(with: Array("<?".utf8)) {
                guard skip(past: Array("?>".utf8)) else { return }
            } else if rest.starts(with: Array("<!--".utf8)) {
                guard skip(past: Array("-->".utf8)) else { return }
            } else if rest.starts(with: Array("<!DOCTYPE".utf8)) || rest.starts(with: Array("<!ENTITY".utf8)) {
                let (line, column) = position(i)
                throw XMLDataError(.doctypeRefused,
                                   "document type declarations are refused: no DTDs, no entity declarations, no external entities",
                                   line: line, column: column)
            } else {
                // The root element, or something the parser will refuse.
                return
            }
        }
    }

    /// `encoding="…"` in the XML declaration, when present, must be UTF-8.
    static func checkEncoding(_ declaration: [UInt8], at position: (Int, Int)) throws(XMLDataError) {
        let text = String(decoding: declaration, as: UTF8.self)
        guard let range = text.firstRange(of: "encoding") else { return }
        var rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
        rest = rest.dropFirst()
        let name = rest.prefix { $0 != quote }
        let lower = name.lowercased()
        guard lower == "utf-8" || lower == "utf8" else {
            throw XMLDataError(.unsupportedEncoding, "encoding \"\(name.prefix(40))\" is not supported; documents must be UTF-8",
                               line: position.0, column: position.1)
        }
    }
}
