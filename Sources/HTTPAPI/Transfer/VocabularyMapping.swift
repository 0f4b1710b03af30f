/// One vocabulary from the store to the API: a value of CallDesk's enums as the document's enum of the
/// same name. The two lists are the same (a test walks every case); a gap is an internal error, never a guess.
func schemaValue<Schema: RawRepresentable, Value: RawRepresentable>(_ value: Value, as type: Schema.Type = Schema.self) throws -> Schema
where Schema.RawValue == String, Value.RawValue == String {
    guard let mapped = Schema(rawValue: value.rawValue) else { throw VocabularyGap(value: value.rawValue, schema: "\(Schema.self)") }
    return mapped
}

/// A stored value (a grade read as text) as the document's enum; a gap is an internal error.
func schemaValue<Schema: RawRepresentable>(raw: String, as type: Schema.Type = Schema.self) throws -> Schema where Schema.RawValue == String {
    guard let mapped = Schema(rawValue: raw) else { throw VocabularyGap(value: raw, schema: "\(Schema.self)") }
    return mapped
}

/// A vocabulary value the API document does not list.
struct VocabularyGap: Error, CustomStringConvertible {
    let value: String
    let schema: String
    var description: String { "'\(value)' is not in the API document's \(schema)" }
}
