/// The command line after the command words, split into flags, options and
/// positional arguments, with every unknown flag refused by name.
struct Arguments {
    private(set) var positional: [String] = []
    private var flags: Set<String> = []
    private var options: [String: String] = [:]

    /// Parse `words` given the flags (no value) and options (one value) the
    /// command accepts.
    /// - Throws: ``UsageError`` for an unknown flag or a missing value.
    init(_ words: some Sequence<String>, flags allowedFlags: Set<String> = [], options allowedOptions: Set<String> = []) throws(UsageError) {
        var iterator = words.makeIterator()
        var onlyPositional = false
        while let word = iterator.next() {
            if onlyPositional || !word.hasPrefix("--") || word == "-" {
                positional.append(word)
                continue
            }
            if word == "--" {
                onlyPositional = true
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if allowedFlags.contains(name), inlineValue == nil {
                flags.insert(name)
            } else if allowedOptions.contains(name) {
                guard let value = inlineValue ?? iterator.next() else {
                    throw UsageError("option --\(name) needs a value")
                }
                options[name] = value
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }

    /// Whether `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name VALUE`, if given.
    func option(_ name: String) -> String? { options[name] }
}

/// A mistake in how the command was called; printed with the usage line and
/// exit status 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
