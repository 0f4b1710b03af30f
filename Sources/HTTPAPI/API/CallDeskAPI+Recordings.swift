import CRM
import Foundation
import OpenAPIRuntime

extension CallDeskAPI {
    func getCallRecording(_ input: Operations.GetCallRecording.Input) async throws -> Operations.GetCallRecording.Output {
        let (user, _) = try viewer()
        let call = try await store.call(id: try id(input.path.id), visibleTo: user)
        guard let path = call.recording else { throw CRMError.notFound(entity: "recording of call", id: "\(call.id)") }
        let file = try recordingFile(path, call: call.id)
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw APIError(.notFound, code: "recording_missing",
                           message: "call \(call.id) was recorded, but its file is not in the recordings directory (moved, deleted, or not shared with this server)")
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        guard let range = input.headers.range else {
            try handle.seek(toOffset: 0)
            guard size <= Self.recordingLimit else { throw APIError.badParameter("Range", "", expected: "a range: the recording is larger than one answer sends") }
            return .ok(.init(headers: .init(acceptRanges: "bytes"), body: .audioWav(HTTPBody(try handle.readToEnd() ?? Data()))))
        }
        guard let (start, end) = Self.byteRange(range, size: size) else {
            return .rangeNotSatisfiable(.init(headers: .init(contentRange: "bytes */\(size)"),
                                              body: .json(.init(error: "bad_range", message: "the file has \(size) bytes; ask for bytes=0-\(max(0, size - 1))", field: "Range"))))
        }
        let length = min(end - start + 1, Self.recordingLimit)
        try handle.seek(toOffset: UInt64(start))
        let bytes = try handle.read(upToCount: length) ?? Data()
        logger.info("recording played", metadata: ["call": "\(call.id)", "user": "\(user.id)", "from": "\(start)"])
        return .partialContent(.init(headers: .init(contentRange: "bytes \(start)-\(start + bytes.count - 1)/\(size)", acceptRanges: "bytes"),
                                     body: .audioWav(HTTPBody(bytes))))
    }

    /// At most this much in one answer (a long call's WAV is hundreds of MB; players ask by range).
    static let recordingLimit = 8 * 1024 * 1024

    /// The recording's file, only inside the configured recordings directory.
    private func recordingFile(_ path: String, call: Int) throws -> String {
        guard let directory = settings.recordingDirectory else {
            throw APIError(.notFound, code: "recording_missing", message: "this server has no recordings directory (recording.directory)")
        }
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        let file = URL(fileURLWithPath: path.hasPrefix("/") ? path : base + "/" + path).standardizedFileURL.path
        guard file.hasPrefix(base + "/") else { throw CRMError.notFound(entity: "recording of call", id: "\(call)") }
        return file
    }

    /// `bytes=a-b`, `bytes=a-`, `bytes=-n` within a file of `size` bytes; `nil` when it is outside or unreadable.
    static func byteRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        guard !last.isEmpty else { return (start, size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return (start, min(end, size - 1))
    }
}
