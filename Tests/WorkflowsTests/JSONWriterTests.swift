import Foundation
@testable import HTTPAPI
import Hummingbird
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import Testing
import TestSupport

/// `JSONWriter` and the lookup's hand-written answer against what the spec-first runtime encodes.
@Suite("JSON written by hand")
struct JSONWriterTests {
    /// The bytes the generated handler would send for `value`: the runtime's converter, the API's options.
    static func runtimeJSON<T: Encodable & Sendable>(_ value: T) async throws -> [UInt8] {
        let converter = Converter(configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
        var headers = HTTPFields()
        let body = try converter.setResponseBodyAsJSON(value, headerFields: &headers, contentType: "application/json; charset=utf-8")
        return try await [UInt8](collecting: body, upTo: 1 << 20)
    }

    static let awkward: [String] = ["", "李雷", "O'Brien / 王", #"a "quoted" \ back"#, "tab\tnew\nline\rfeed\u{0C}bs\u{08}",
                                    "\u{00}\u{01}\u{1F}\u{7F}", "\u{2028}\u{2029}", "😀 emoji", "</script>", "+86138****8000"]

    static func randomText(_ generator: inout SeededGenerator) -> String {
        if Bool.random(using: &generator) { return awkward.randomElement(using: &generator)! }
        let scalars = (0..<Int.random(in: 0...12, using: &generator)).map { _ -> Character in
            let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x4E00...0x9FFF, 0x1F600...0x1F64F]
            let value = UInt32.random(in: ranges.randomElement(using: &generator)!, using: &generator)
            return Character(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }

    static func randomResult(_ generator: inout SeededGenerator) -> Components.Schemas.LookupResult {
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
        let customers = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
            let phones = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                Components.Schemas.Phone(id: maybe(Int64.random(in: 1...Int64.max, using: &generator)), number: randomText(&generator),
                                         kind: Components.Schemas.PhoneKind.allCases.randomElement(using: &generator)!)
            }
            return Components.Schemas.CustomerSummary(
                id: Int64.random(in: Int64.min...Int64.max, using: &generator), name: randomText(&generator),
                kind: Components.Schemas.CustomerKind.allCases.randomElement(using: &generator)!, phones: phones,
                grade: maybe(Components.Schemas.LeadGrade.allCases.randomElement(using: &generator)!),
                ownerId: maybe(Int64.random(in: 0...1_000_000, using: &generator)), ownerName: maybe(randomText(&generator)))
        }
        return .init(number: maybe(randomText(&generator)), customers: customers)
    }

    @Test("a lookup answer written by hand is byte for byte what the runtime's JSONEncoder writes (2,000 random answers)")
    func lookupMatchesTheRuntime() async throws {
        var generator = SeededGenerator(seed: 0xCA11_DE5C)
        for _ in 0..<2_000 {
            let result = Self.randomResult(&generator)
            let expected = try await Self.runtimeJSON(result)
            let written = Array(buffer: result.json)
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self)) ≠ \(String(decoding: expected, as: UTF8.self))")
            if written != expected { return }
        }
    }

    @Test("every control character, quote and backslash is escaped as JSONEncoder escapes it; slashes and other text are left")
    func escapes() async throws {
        let every = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }) + "/é中😀"
        var writer = JSONWriter()
        writer.string(every)
        #expect(Array(buffer: writer.buffer) == (try await Self.runtimeJSON(every)))
    }
}
