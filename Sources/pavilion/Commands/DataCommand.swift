import Foundation
import PavilionCore
import PavilionData

/// `pavilion data validate --schema SCHEMA [--format-assertion] FILE...`.
enum DataCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("data needs a subcommand: validate") }
        switch sub {
        case "validate": return try validate(Array(words.dropFirst()))
        default: throw UsageError("unknown data subcommand '\(sub)' (validate)")
        }
    }

    /// Validate each FILE against SCHEMA, printing one line per error as
    /// `file: /instance/pointer: /keyword/pointer: message`. Exit 0 when all
    /// are valid, 1 when any is invalid or unreadable or the schema is bad.
    static func validate(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["format-assertion"], options: ["schema"])
        guard let schemaPath = args.option("schema") else { throw UsageError("data validate needs --schema SCHEMA") }
        guard !args.positional.isEmpty else { throw UsageError("data validate needs at least one FILE ('-' for standard input)") }
        guard ([schemaPath] + args.positional).filter({ $0 == "-" }).count <= 1 else {
            throw UsageError("standard input ('-') can be read only once")
        }

        guard let schemaValue = load(schemaPath) else { return 1 }
        var options = JSONSchema.Options(formatAssertion: args.flag("format-assertion"))
        if schemaPath != "-" { options.baseURI = URL(fileURLWithPath: schemaPath).standardizedFileURL.absoluteString }
        let schema: JSONSchema
        do {
            schema = try JSONSchema(schemaValue, options: options)
        } catch {
            let place = error.document.map { "\($0)#\(error.pointer)" } ?? error.pointer
            Output.out("\(displayName(schemaPath)): \(place): schema error: \(error.reason)")
            return 1
        }

        var invalid = 0
        for path in args.positional {
            guard let instance = load(path) else {
                invalid += 1
                continue
            }
            let errors = schema.validate(instance)
            if !errors.isEmpty { invalid += 1 }
            let name = displayName(path)
            for error in errors { Output.out("\(name): \(error.instanceLocation): \(error.keyword): \(error.message)") }
        }
        Output.err("\(args.positional.count) file(s) checked, \(invalid) invalid")
        return invalid == 0 ? 0 : 1
    }

    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// The JSON in `path` (`-` for standard input), or `nil` after printing
    /// why it cannot be had: `file: cannot read: …` or
    /// `file:line:column: invalid JSON: reason`.
    static func load(_ path: String) -> JSONValue? {
        let bytes: Data
        if path == "-" {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                Output.out("\(path): cannot read: \(error.localizedDescription)")
                return nil
            }
        }
        do {
            return try JSONParser().parse(bytes: bytes)
        } catch {
            Output.out("\(displayName(path)):\(error.line):\(error.column): invalid JSON: \(error.reason)")
            return nil
        }
    }
}
