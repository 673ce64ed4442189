import PavilionCore

/// A declarative cross-field rule, compiled once from text such as
/// `birthdate <= today` or `if deceased then deceased_date present`.
///
/// Grammar (keywords lower case):
/// ```
/// rule    := 'if' expr 'then' expr | expr
/// expr    := and ('or' and)*
/// and     := unary ('and' unary)*
/// unary   := 'not' unary | '(' expr ')' | operand ('present' | 'absent' | op operand)?
/// op      := '==' | '!=' | '<' | '<=' | '>' | '>='
/// operand := field | 'today' | 'now' | 'true' | 'false' | number | 'text' | "text"
/// field   := dotted path of names (`name.family`, `address.0.city`; `@`, `#`, `-`, `_` allowed)
/// ```
///
/// A bare operand is true when the field holds `true`. Logic has three
/// values: a comparison with an absent or null field is *unknown*; a rule
/// whose result is unknown, or whose `if` is not true, does not apply.
/// Strings that both read as dates (``CivilDate/parse(_:)``) compare as dates;
/// `today` compares civil dates, `now` instants (RFC 3339). Values that
/// cannot be compared violate the rule.
public struct ConsistencyRule: Sendable, Hashable {
    /// The rule's name (for reasons); the text when none was given.
    public let name: String
    /// The rule as written.
    public let text: String
    /// The fields the rule reads, sorted.
    public let fields: [String]
    private let condition: Expr?
    private let body: Expr

    /// The outcome of a rule on a record.
    public enum Outcome: Sendable, Hashable {
        /// It applied and held.
        case satisfied
        /// It applied and did not hold.
        case violated
        /// It did not apply (its `if` was not true, or a field was absent).
        case notApplicable
    }

    /// Compile `text`.
    /// - Parameters:
    ///   - text: the rule.
    ///   - name: a name for reasons; defaults to the text.
    /// - Throws: ``QualityPolicyError`` `invalidRule` with the column.
    public init(_ text: String, name: String? = nil) throws(QualityPolicyError) {
        var parser = Parser(text: text)
        let (condition, body) = try parser.rule()
        self.text = text
        self.name = name ?? text
        self.condition = condition
        self.body = body
        var fields = Set<String>()
        condition?.collectFields(into: &fields)
        body.collectFields(into: &fields)
        self.fields = fields.sorted()
    }

    /// Evaluate the rule on `record`.
    /// - Parameters:
    ///   - record: a JSON object.
    ///   - now: the current instant (for `today` and `now`).
    /// - Returns: whether it held, was violated or did not apply.
    public func evaluate(_ record: JSONValue, now: LineageTimestamp) -> Outcome {
        if let condition, condition.eval(record, now) != .yes { return .notApplicable }
        switch body.eval(record, now) {
        case .yes: return .satisfied
        case .no: return .violated
        case .unknown: return .notApplicable
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.text == b.text }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(text)
    }
}

// MARK: - Syntax

extension ConsistencyRule {
    enum Truth { case yes, no, unknown }

    enum Operand: Sendable {
        case field(String)
        case today, now
        case literal(JSONValue)
    }

    enum Op: String, Sendable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }

    indirect enum Expr: Sendable {
        case truthy(Operand)
        case present(String), absent(String)
        case compare(Operand, Op, Operand)
        case not(Expr), and(Expr, Expr), or(Expr, Expr)

        func collectFields(into set: inout Set<String>) {
            switch self {
            case .truthy(let o): if case .field(let f) = o { set.insert(f) }
            case .present(let f), .absent(let f): set.insert(f)
            case .compare(let a, _, let b):
                if case .field(let f) = a { set.insert(f) }
                if case .field(let f) = b { set.insert(f) }
            case .not(let e): e.collectFields(into: &set)
            case .and(let a, let b), .or(let a, let b):
                a.collectFields(into: &set)
                b.collectFields(into: &set)
            }
        }

        func eval(_ record: JSONValue, _ now: LineageTimestamp) -> Truth {
            switch self {
            case .truthy(let o):
                guard case .field(let f) = o else {
                    if case .literal(.bool(let b)) = o { return b ? .yes : .no }
                    return .no
                }
                switch FieldPath.value(at: f, in: record) {
                case nil, .null?: return .unknown
                case .bool(let b)?: return b ? .yes : .no
                default: return .no
                }
            case .present(let f): return FieldPath.isPresent(f, in: record) ? .yes : .no
            case .absent(let f): return FieldPath.isPresent(f, in: record) ? .no : .yes
            case .not(let e):
                switch e.eval(record, now) {
                case .yes: return .no
                case .no: return .yes
                case .unknown: return .unknown
                }
            case .and(let a, let b):
                let x = a.eval(record, now), y = b.eval(record, now)
                if x == .no || y == .no { return .no }
                return x == .yes && y == .yes ? .yes : .unknown
            case .or(let a, let b):
                let x = a.eval(record, now), y = b.eval(record, now)
                if x == .yes || y == .yes { return .yes }
                return x == .no && y == .no ? .no : .unknown
            case .compare(let a, let op, let b):
                return Self.compare(a, op, b, record, now)
            }
        }

        /// A resolved operand: a JSON value, or a reference time.
        enum Value { case json(JSONValue), today(CivilDate), now(LineageTimestamp) }

        static func resolve(_ o: Operand, _ record: JSONValue, _ now: LineageTimestamp) -> Value? {
            switch o {
            case .field(let f):
                guard let v = FieldPath.value(at: f, in: record), v != .null else { return nil }
                return .json(v)
            case .today: return .today(now.civilDate)
            case .now: return .now(now)
            case .literal(let v): return .json(v)
            }
        }

        static func compare(_ a: Operand, _ op: Op, _ b: Operand, _ record: JSONValue, _ now: LineageTimestamp) -> Truth {
            guard let x = resolve(a, record, now), let y = resolve(b, record, now) else { return .unknown }
            guard let order = ordering(x, y) else {
                // Values that cannot be compared break the rule, except != which holds.
                return op == .ne ? .yes : .no
            }
            let holds: Bool
            switch op {
            case .eq: holds = order == 0
            case .ne: holds = order != 0
            case .lt: holds = order < 0
            case .le: holds = order <= 0
            case .gt: holds = order > 0
            case .ge: holds = order >= 0
            }
            return holds ? .yes : .no
        }

        /// -1, 0, 1, or `nil` when the values cannot be compared.
        static func ordering(_ x: Value, _ y: Value) -> Int? {
            func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
            func instant(_ v: Value) -> LineageTimestamp? {
                switch v {
                case .now(let t): return t
                case .today(let d): return instant(of: d)
                case .json(.string(let s)): return LineageTimestamp.parse(s) ?? CivilDate.parse(s).flatMap(instant(of:))
                default: return nil
                }
            }
            func instant(of d: CivilDate) -> LineageTimestamp {
                LineageTimestamp(millisecondsSinceEpoch: LineageTimestamp.days(fromCivil: Int64(d.year), Int64(d.month), Int64(d.day)) * 86_400_000)
            }
            func date(_ v: Value) -> CivilDate? {
                switch v {
                case .today(let d): return d
                case .now(let t): return t.civilDate
                case .json(.string(let s)): return CivilDate.parse(s)
                default: return nil
                }
            }
            switch (x, y) {
            case (.now, _), (_, .now):
                guard let a = instant(x), let b = instant(y) else { return nil }
                return sign(a, b)
            case (.today, _), (_, .today):
                guard let a = date(x), let b = date(y) else { return nil }
                return sign(a, b)
            case (.json(let a), .json(let b)):
                if let p = a.doubleValue, let q = b.doubleValue { return sign(p, q) }
                if case .string(let s) = a, case .string(let t) = b {
                    if let p = CivilDate.parse(s), let q = CivilDate.parse(t) { return sign(p, q) }
                    return sign(s, t)
                }
                if case .bool(let p) = a, case .bool(let q) = b { return p == q ? 0 : (p ? 1 : -1) }
                return nil
            default:
                return nil
            }
        }
    }

    struct Parser {
        enum Token: Equatable { case word(String), string(String), number(String), op(String), lparen, rparen, end }

        let text: String
        var tokens: [(Token, Int)] = []
        var position = 0

        init(text: String) { self.text = text }

        static let keywords: Set<String> = ["if", "then", "and", "or", "not", "present", "absent", "today", "now", "true", "false", "null"]

        mutating func rule() throws(QualityPolicyError) -> (Expr?, Expr) {
            tokens = try Self.tokenize(text)
            if peek == .word("if") {
                advance()
                let condition = try expr()
                try expect(.word("then"), "'then' after the condition")
                let body = try expr()
                try expect(.end, "the end of the rule")
                return (condition, body)
            }
            let body = try expr()
            try expect(.end, "the end of the rule")
            return (nil, body)
        }

        var peek: Token { tokens[position].0 }
        var column: Int { tokens[position].1 }
        mutating func advance() { if position < tokens.count - 1 { position += 1 } }

        func fail(_ what: String) -> QualityPolicyError {
            let found: String
            switch peek {
            case .end: found = "the end"
            case .word(let w): found = "'\(w)'"
            case .string: found = "a string"
            case .number(let n): found = "'\(n)'"
            case .op(let o): found = "'\(o)'"
            case .lparen: found = "'('"
            case .rparen: found = "')'"
            }
            return QualityPolicyError(.invalidRule, "column \(column): expected \(what), found \(found)")
        }

        mutating func expect(_ token: Token, _ what: String) throws(QualityPolicyError) {
            guard peek == token else { throw fail(what) }
            advance()
        }

        mutating func expr() throws(QualityPolicyError) -> Expr {
            var left = try conjunction()
            while peek == .word("or") {
                advance()
                left = .or(left, try conjunction())
            }
            return left
        }

        mutating func conjunction() throws(QualityPolicyError) -> Expr {
            var left = try unary()
            while peek == .word("and") {
                advance()
                left = .and(left, try unary())
            }
            return left
        }

        mutating func unary() throws(QualityPolicyError) -> Expr {
            if peek == .word("not") {
                advance()
                return .not(try unary())
            }
            if peek == .lparen {
                advance()
                let e = try expr()
                try expect(.rparen, "')'")
                return e
            }
            let left = try operand()
            switch peek {
            case .word("present"), .word("absent"):
                guard case .field(let f) = left else { throw fail("a field before 'present' or 'absent'") }
                let isPresent = peek == .word("present")
                advance()
                return isPresent ? .present(f) : .absent(f)
            case .op(let o):
                guard let op = Op(rawValue: o) else { throw fail("a comparison") }
                advance()
                return .compare(left, op, try operand())
            default:
                return .truthy(left)
            }
        }

        mutating func operand() throws(QualityPolicyError) -> Operand {
            switch peek {
            case .word("today"): advance(); return .today
            case .word("now"): advance(); return .now
            case .word("true"): advance(); return .literal(.bool(true))
            case .word("false"): advance(); return .literal(.bool(false))
            case .word("null"): throw fail("an operand (compare with null using 'present' or 'absent')")
            case .word(let w) where !Self.keywords.contains(w): advance(); return .field(w)
            case .string(let s): advance(); return .literal(.string(s))
            case .number(let n):
                advance()
                if let i = Int64(n) { return .literal(.int(i)) }
                guard let d = Double(n), d.isFinite else { throw fail("a finite number") }
                return .literal(.double(d))
            default: throw fail("a field, literal, 'today' or 'now'")
            }
        }

        static func tokenize(_ text: String) throws(QualityPolicyError) -> [(Token, Int)] {
            let s = Array(text.unicodeScalars)
            var out: [(Token, Int)] = []
            var i = 0
            func isNameStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" || c == "@" || c == "#" }
            func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) || c == "." || c == "-" }
            while i < s.count {
                let c = s[i]
                let col = i + 1
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    i += 1
                } else if c == "(" {
                    out.append((.lparen, col)); i += 1
                } else if c == ")" {
                    out.append((.rparen, col)); i += 1
                } else if "=!<>".unicodeScalars.contains(c) {
                    var op = String(c)
                    if i + 1 < s.count, s[i + 1] == "=" { op.unicodeScalars.append("="); i += 1 }
                    i += 1
                    guard Op(rawValue: op) != nil else {
                        throw QualityPolicyError(.invalidRule, "column \(col): '\(op)' is not an operator (use ==, !=, <, <=, >, >=)")
                    }
                    out.append((.op(op), col))
                } else if c == "'" || c == "\"" {
                    var j = i + 1
                    var lit = String.UnicodeScalarView()
                    while j < s.count, s[j] != c { lit.append(s[j]); j += 1 }
                    guard j < s.count else { throw QualityPolicyError(.invalidRule, "column \(col): string never closed") }
                    out.append((.string(String(lit)), col))
                    i = j + 1
                } else if ("0"..."9").contains(c) || (c == "-" && i + 1 < s.count && ("0"..."9").contains(s[i + 1])) {
                    var j = i + 1
                    while j < s.count, ("0"..."9").contains(s[j]) || s[j] == "." || s[j] == "e" || s[j] == "E" { j += 1 }
                    out.append((.number(String(String.UnicodeScalarView(s[i..<j]))), col))
                    i = j
                } else if isNameStart(c) {
                    var j = i + 1
                    while j < s.count, isName(s[j]) { j += 1 }
                    out.append((.word(String(String.UnicodeScalarView(s[i..<j]))), col))
                    i = j
                } else {
                    throw QualityPolicyError(.invalidRule, "column \(col): unexpected character U+\(String(c.value, radix: 16, uppercase: true))")
                }
            }
            out.append((.end, s.count + 1))
            return out
        }
    }
}
