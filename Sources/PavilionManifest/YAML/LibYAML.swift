internal import CYAML

/// Thin internal wrappers over the libyaml calls this module makes.
///
/// This is the only file that touches libyaml or its pointers; everything it
/// returns is plain Swift values.
enum LibYAML {
    /// Parse `bytes` (UTF-8) and hand each event to `body` as it comes, so
    /// that the caller can stop early (e.g. at a nesting limit) without
    /// libyaml's whole event stream ever being held in memory.
    ///
    /// Wraps `yaml_parser_initialize`, `yaml_parser_set_input_string`,
    /// `yaml_parser_set_encoding`, `yaml_parser_parse`, `yaml_event_delete` and
    /// `yaml_parser_delete`.
    /// - Parameters:
    ///   - bytes: the document; it stays borrowed for the whole parse.
    ///   - body: called with each event; return `false` to stop.
    /// - Throws: ``YAMLSyntaxError`` with libyaml's problem and position.
    static func parse(_ bytes: [UInt8], _ body: (YAMLEvent) -> Bool) throws(YAMLSyntaxError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLSyntaxError(problem: "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(parser) }

        let failure: YAMLSyntaxError? = bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer may have no base address; libyaml needs a valid pointer.
            var empty: UInt8 = 0
            return withUnsafePointer(to: &empty) { emptyPointer in
                yaml_parser_set_input_string(parser, buffer.baseAddress ?? emptyPointer, buffer.count)
                yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
                var event = yaml_event_t()
                while true {
                    guard yaml_parser_parse(parser, &event) == 1 else { return syntaxError(parser) }
                    let copied = copy(event)
                    let isEnd = event.type == YAML_STREAM_END_EVENT
                    yaml_event_delete(&event)
                    guard body(copied), !isEnd else { return nil }
                }
            }
        }
        if let failure { throw failure }
    }

    private static func syntaxError(_ parser: UnsafeMutablePointer<yaml_parser_t>) -> YAMLSyntaxError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        let context = p.context.map { String(cString: $0) }
        switch p.error {
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let mark = YAMLEvent.Mark(line: Int(p.problem_mark.line), column: Int(p.problem_mark.column))
            return YAMLSyntaxError(problem: problem, mark: mark, context: context)
        case YAML_READER_ERROR:
            return YAMLSyntaxError(problem: problem, offset: Int(p.problem_offset), context: context)
        default:
            return YAMLSyntaxError(problem: problem, context: context)
        }
    }

    private static func copy(_ event: yaml_event_t) -> YAMLEvent {
        let start = YAMLEvent.Mark(line: Int(event.start_mark.line), column: Int(event.start_mark.column))
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return YAMLEvent(kind: .streamStart, start: start)
        case YAML_STREAM_END_EVENT:
            return YAMLEvent(kind: .streamEnd, start: start)
        case YAML_DOCUMENT_START_EVENT:
            return YAMLEvent(kind: .documentStart, start: start)
        case YAML_DOCUMENT_END_EVENT:
            return YAMLEvent(kind: .documentEnd, start: start)
        case YAML_ALIAS_EVENT:
            return YAMLEvent(kind: .alias(anchor: string(event.data.alias.anchor) ?? ""), start: start)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = s.value.map { pointer in
                String(decoding: UnsafeBufferPointer(start: pointer, count: s.length), as: UTF8.self)
            } ?? ""
            let style: YAMLEvent.ScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return YAMLEvent(kind: .scalar(value: value, style: style), start: start,
                             anchor: string(s.anchor), tag: string(s.tag))
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            return YAMLEvent(kind: .sequenceStart, start: start, anchor: string(s.anchor), tag: string(s.tag))
        case YAML_SEQUENCE_END_EVENT:
            return YAMLEvent(kind: .sequenceEnd, start: start)
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            return YAMLEvent(kind: .mappingStart, start: start, anchor: string(m.anchor), tag: string(m.tag))
        case YAML_MAPPING_END_EVENT:
            return YAMLEvent(kind: .mappingEnd, start: start)
        default:
            return YAMLEvent(kind: .streamEnd, start: start)
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
