import Foundation
import Yams

/// What the OpenAPI document says each operation's path and query parameters must be: type, range,
/// length, allowed values. Read from the document itself at start, so the checks cannot drift from
/// it (the generated layer checks types only, and names no parameter when one is wrong).
struct ParameterRules: Sendable {
    /// One parameter's rule.
    struct Rule: Sendable, Hashable {
        enum Location: String, Sendable, Hashable, Decodable { case path, query, header, cookie }
        let name: String
        let location: Location
        let required: Bool
        let type: String?
        let minimum: Int64?
        let maximum: Int64?
        let minLength: Int?
        let maxLength: Int?
        let allowed: [String]?
    }

    /// Rules by method and path template as the router writes it (`GET /v1/calls/{id}`).
    let operations: [String: [Rule]]
    /// The same, by path template and then method: what each request asks, without a key made for it.
    private let byTemplate: [String: [String: [Rule]]]

    init(document: Data, prefix: String) throws {
        let spec = try YAMLDecoder().decode(Document.self, from: document)
        var operations: [String: [Rule]] = [:]
        for (path, methods) in spec.paths {
            for (method, operation) in methods {
                let rules = try (operation.parameters ?? []).map { try spec.rule(for: $0) }
                operations["\(method.uppercased()) \(prefix)\(path)"] = rules
            }
        }
        self.operations = operations
        var byTemplate: [String: [String: [Rule]]] = [:]
        for (key, rules) in operations {
            let parts = key.split(separator: " ", maxSplits: 1)
            byTemplate[String(parts[1]), default: [:]][String(parts[0])] = rules
        }
        self.byTemplate = byTemplate
    }

    /// The parameters of `method` on `template`, checked; throws a 400 naming the first one that is wrong.
    func check(method: String, template: String, value: (Rule) -> String?) throws {
        for rule in byTemplate[template]?[method] ?? [] where rule.location == .path || rule.location == .query {
            guard let raw = value(rule) else {
                if rule.required { throw APIError.badParameter(rule.name, "", expected: "a value (it is required)") }
                continue
            }
            try rule.check(raw)
        }
    }

    /// The methods the document has for a concrete path (`/v1/calls/7` → `GET`), to answer 405 with `Allow`.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return operations.keys.compactMap { key -> String? in
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let template = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count,
                  zip(template, segments).allSatisfy({ $0.hasPrefix("{") && $0.hasSuffix("}") && !$1.isEmpty || $0 == $1 }) else { return nil }
            return String(parts[0])
        }.sorted()
    }

    // MARK: The document's shape, as far as parameters go

    private struct Document: Decodable {
        let paths: [String: [String: Operation]]
        let components: Components?

        func rule(for parameter: Parameter) throws -> Rule {
            var parameter = parameter
            if let ref = parameter.ref {
                guard let resolved = components?.parameters?[String(ref.split(separator: "/").last ?? "")] else {
                    throw RulesError(reference: ref)
                }
                parameter = resolved
            }
            var schema = parameter.schema ?? Schema()
            if let ref = schema.ref {
                guard let resolved = components?.schemas?[String(ref.split(separator: "/").last ?? "")] else { throw RulesError(reference: ref) }
                schema = resolved
            }
            return Rule(name: parameter.name ?? "", location: parameter.location ?? .query, required: parameter.required ?? false,
                        type: schema.type, minimum: schema.minimum, maximum: schema.maximum, minLength: schema.minLength,
                        maxLength: schema.maxLength, allowed: schema.allowed)
        }
    }

    private struct Operation: Decodable {
        let parameters: [Parameter]?
    }

    private struct Parameter: Decodable {
        var ref: String?
        var name: String?
        var location: Rule.Location?
        var required: Bool?
        var schema: Schema?

        enum CodingKeys: String, CodingKey {
            case ref = "$ref", name, location = "in", required, schema
        }
    }

    private struct Schema: Decodable {
        var ref: String?
        var type: String?
        var minimum: Int64?
        var maximum: Int64?
        var minLength: Int?
        var maxLength: Int?
        var allowed: [String]?

        enum CodingKeys: String, CodingKey {
            case ref = "$ref", type, minimum, maximum, minLength, maxLength, allowed = "enum"
        }
    }

    private struct Components: Decodable {
        let parameters: [String: Parameter]?
        let schemas: [String: Schema]?

        enum CodingKeys: CodingKey { case parameters, schemas }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            parameters = try container.decodeIfPresent([String: Parameter].self, forKey: .parameters)
            // Object schemas have more than a parameter needs; only the plain ones are kept.
            let raw = try container.decodeIfPresent([String: LenientSchema].self, forKey: .schemas)
            schemas = raw?.compactMapValues(\.schema)
        }
    }

    private struct LenientSchema: Decodable {
        let schema: Schema?
        init(from decoder: any Decoder) throws { schema = try? Schema(from: decoder) }
    }

    /// A `$ref` the document does not define.
    struct RulesError: Error, CustomStringConvertible {
        let reference: String
        var description: String { "the API document refers to \(reference), which it does not define" }
    }
}

extension ParameterRules.Rule {
    /// Throws a 400 naming this parameter when `raw` breaks its rule.
    func check(_ raw: String) throws {
        // Printable ASCII (nearly every value) has no control character and as many characters as bytes.
        let printable = raw.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if !printable, raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw APIError.badParameter(name, raw.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined(),
                                        expected: "text without control characters")
        }
        if let allowed, !allowed.contains(raw) {
            throw APIError.badParameter(name, raw, expected: "one of " + allowed.joined(separator: ", "))
        }
        if type == "integer" {
            guard let value = Int64(raw), value >= (minimum ?? .min), value <= (maximum ?? .max) else {
                let range = switch (minimum, maximum) {
                case let (low?, high?): "an integer from \(low) to \(high)"
                case let (low?, nil): low == 1 ? "a positive integer" : "an integer of at least \(low)"
                case let (nil, high?): "an integer of at most \(high)"
                case (nil, nil): "an integer"
                }
                throw APIError.badParameter(name, raw, expected: range)
            }
        }
        if type == "string" {
            let length = printable ? raw.utf8.count : raw.count
            if let minLength, length < minLength { throw APIError.badParameter(name, raw, expected: "at least \(minLength) characters") }
            if let maxLength, length > maxLength { throw APIError.badParameter(name, raw, expected: "at most \(maxLength) characters") }
        }
    }
}
